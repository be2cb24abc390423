/** Longest prefix of a password the blocklist looks at; bounds the work for absurdly long input. */
export const MAX_CHECKED_LENGTH = 128;

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ẞ: 'ss' };

/** Lower case (German rules), NFKC, umlauts folded to ae/oe/ue/ss, as the list entries are stored. */
export function foldCase(text: string): string {
  return text
    .slice(0, MAX_CHECKED_LENGTH)
    .normalize('NFKC')
    .toLocaleLowerCase('de-DE')
    .replace(/[äöüßẞ]/g, (character) => UMLAUTS[character] ?? character);
}

// Characters people put in place of letters. Ambiguous ones list every reading, most likely first.
const LEET: Record<string, readonly string[]> = {
  '@': ['a'],
  '4': ['a'],
  '8': ['b'],
  '(': ['c'],
  '3': ['e'],
  '€': ['e'],
  '6': ['g'],
  '9': ['g'],
  '1': ['i', 'l'],
  '!': ['i', 'l'],
  '|': ['l', 'i'],
  '0': ['o'],
  $: ['s'],
  '5': ['s'],
  '§': ['s'],
  '7': ['t'],
  '+': ['t'],
  '2': ['z'],
};

/** At most 2^3 readings per password: enough for real passwords, bounded for hostile ones. */
const MAX_AMBIGUOUS_POSITIONS = 3;

/** Every reading of `text` with leet characters replaced by letters (bounded, see MAX_AMBIGUOUS_POSITIONS). */
export function leetReadings(text: string): string[] {
  let readings = [''];
  let ambiguous = 0;
  for (const character of text) {
    const options = LEET[character];
    if (options === undefined) {
      readings = readings.map((reading) => reading + character);
    } else if (options.length > 1 && ambiguous < MAX_AMBIGUOUS_POSITIONS) {
      ambiguous++;
      readings = readings.flatMap((reading) => options.map((option) => reading + option));
    } else {
      readings = readings.map((reading) => reading + (options[0] ?? character));
    }
  }
  return readings;
}

/** Removes what people wrap around a word: leading and trailing digits (years too) and special characters. */
export function stripDecoration(text: string): string {
  return text.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
}

/** Only the letters: "pass-wort.2024" → "passwort". */
export function lettersOnly(text: string): string {
  return text.replace(/[^\p{L}]+/gu, '');
}

export interface Candidates {
  /** The password as typed, case-folded. */
  readonly folded: string;
  /** Normalised readings: decoration stripped, leet replaced, separators removed. */
  readonly normalised: readonly string[];
}

/**
 * The strings the blocklist compares: the folded password, and its normalised readings
 * ("P@ssw0rt2024!" → "passwort"). Order: most literal first.
 */
export function normalisedCandidates(password: string): Candidates {
  const folded = foldCase(password);
  const readings = new Set<string>();
  const add = (candidate: string) => {
    if (candidate.length > 0 && candidate !== folded) readings.add(candidate);
  };
  const stripped = stripDecoration(folded);
  add(stripped);
  // Strip first (so a trailing "!" or year is decoration, not letters), then read leet; and read leet before
  // stripping the front, so that a leading "4" or "$" can still be a letter ("4dmin", "$ommer2024").
  for (const reading of leetReadings(stripped)) add(reading);
  for (const reading of leetReadings(folded.replace(/[^\p{L}]+$/u, ''))) add(stripDecoration(reading));
  for (const reading of leetReadings(folded)) {
    const strippedReading = stripDecoration(reading);
    add(strippedReading);
    add(lettersOnly(strippedReading));
  }
  add(lettersOnly(stripped));
  return { folded, normalised: [...readings] };
}

/**
 * Tokens of a context value, folded like passwords: "m.mustermann@stadt-musterstadt.de" →
 * mustermann, stadt, musterstadt, de; "ErikaMustermann4711" → erika, mustermann, 4711, erikamustermann4711.
 */
export function contextTokens(value: string): string[] {
  const tokens = new Set<string>();
  for (const part of value.normalize('NFKC').split(/[^\p{L}\p{Nd}]+/u)) {
    if (part === '') continue;
    tokens.add(foldCase(part));
    // camelCase and letter/digit boundaries
    for (const piece of part.split(/(?<=\p{Ll})(?=\p{Lu})|(?<=\p{L})(?=\p{Nd})|(?<=\p{Nd})(?=\p{L})/u)) {
      if (piece !== '') tokens.add(foldCase(piece));
    }
  }
  return [...tokens];
}
