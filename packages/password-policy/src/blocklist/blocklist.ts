import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { PasswordPolicyError } from '../errors.js';
import { longestKeyboardWalk, MIN_WALK_KEYS } from './keyboard.js';
import { contextTokens, foldCase, lettersOnly, normalisedCandidates } from './normalise.js';
import { extendHash, INITIAL_HASH, PackedWordSet } from './packed-set.js';

/**
 * How a password matched. Deliberately without the matched word: failures end up in logs, and the word is
 * part of the password.
 */
export interface BlocklistMatch {
  readonly kind: 'exact' | 'normalised' | 'contains' | 'keyboardWalk';
}

export interface Blocklist {
  /** Number of entries. */
  readonly size: number;
  /** Exact membership of a case-folded candidate (lower case, umlauts as ae/oe/ue/ss). */
  has(candidate: string): boolean;
  /**
   * Checks a password as typed: exact, then normalised readings (case, leet, decoration such as digits and years
   * around it, separators), then QWERTZ keyboard walks, then whether it merely wraps a common word.
   */
  check(password: string): BlocklistMatch | undefined;
}

export interface BlocklistOptions {
  /**
   * Words whose mere presence inside a password rejects it ("MeinPasswort!2024"). Default: none. Keep this to
   * genuinely common passwords: ordinary dictionary words here would reject passphrases.
   */
  readonly containable?: Iterable<string>;
  /** Shortest contained word that counts. Default 5: shorter words occur by chance in strong passwords. */
  readonly minContainedLength?: number;
  /**
   * Share of the password's letters a contained word must cover to count. Default 0.5: "MeinPasswort!2024" is
   * rejected, a passphrase that merely has a common word among others ("Lampe-Gurke-Wolke-47") is not.
   */
  readonly minContainedShare?: number;
}

/** Whether some range of `text` of at least `minLength` characters is in `words`; no substring is allocated. */
function containsWord(text: string, words: PackedWordSet, minLength: number): boolean {
  for (let start = 0; start + minLength <= text.length; start++) {
    let hash = INITIAL_HASH;
    const last = Math.min(text.length, start + words.maxLength);
    for (let end = start + 1; end <= last; end++) {
      hash = extendHash(hash, text.charCodeAt(end - 1));
      if (end - start >= minLength && words.hasRangeWithHash(text, start, end, hash)) return true;
    }
  }
  return false;
}

/** A blocklist over your own words (folded like passwords), e.g. product names or local terms. */
export function createBlocklist(words: Iterable<string>, options: BlocklistOptions = {}): Blocklist {
  const minContainedLength = options.minContainedLength ?? 5;
  const minContainedShare = options.minContainedShare ?? 0.5;
  if (!Number.isInteger(minContainedLength) || minContainedLength < 3) {
    throw new PasswordPolicyError('ARGUMENT_INVALID', 'minContainedLength must be an integer of at least 3');
  }
  if (!(minContainedShare >= 0 && minContainedShare <= 1)) {
    throw new PasswordPolicyError('ARGUMENT_INVALID', 'minContainedShare must be between 0 and 1');
  }
  const containedMinimum = (text: string) =>
    Math.max(minContainedLength, Math.ceil(lettersOnly(text).length * minContainedShare));
  const containableWords = [...(options.containable ?? [])].map(foldCase);
  const all = new PackedWordSet([...[...words].map(foldCase), ...containableWords]);
  const containable = new PackedWordSet(containableWords.filter((word) => word.length >= minContainedLength));
  return {
    size: all.size,
    has: (candidate) => all.has(candidate),
    check(password) {
      if (typeof password !== 'string' || password === '') return undefined;
      const { folded, normalised } = normalisedCandidates(password);
      if (all.has(folded)) return { kind: 'exact' };
      if (normalised.some((candidate) => all.has(candidate))) return { kind: 'normalised' };
      if (longestKeyboardWalk(password) >= MIN_WALK_KEYS) return { kind: 'keyboardWalk' };
      if (
        containable.size > 0 &&
        [folded, ...normalised].some((text) => containsWord(text, containable, containedMinimum(text)))
      ) {
        return { kind: 'contains' };
      }
      return undefined;
    },
  };
}

/** A blocklist that rejects what any of the given lists rejects, e.g. the built-in list plus your own words. */
export function combineBlocklists(...lists: readonly Blocklist[]): Blocklist {
  return {
    size: lists.reduce((total, list) => total + list.size, 0),
    has: (candidate) => lists.some((list) => list.has(candidate)),
    check(password) {
      for (const list of lists) {
        const match = list.check(password);
        if (match !== undefined) return match;
      }
      return undefined;
    },
  };
}

const FILE_HEADER = '# egovkit blocklist v1';

/**
 * Loads a blocklist file in the package's format (gzip or plain text): a `# egovkit blocklist v1` header, then
 * words one per line under `[contains]` (also rejected inside a password) and `[exact]` (rejected as the whole
 * password or its normalised reading). `#` starts a comment line.
 */
export function loadBlocklistFile(path: string): Blocklist {
  let text: string;
  try {
    const raw = readFileSync(path);
    text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  } catch (error) {
    throw new PasswordPolicyError(
      'BLOCKLIST_INVALID',
      `cannot read the blocklist ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const lines = text.split('\n');
  if (lines[0]?.trim() !== FILE_HEADER) {
    throw new PasswordPolicyError(
      'BLOCKLIST_INVALID',
      `${path} is not an egovkit blocklist (header missing)`,
    );
  }
  const containable: string[] = [];
  const exact: string[] = [];
  let section: string[] | undefined;
  for (const [index, line] of lines.entries()) {
    const word = line.trim();
    if (word === '' || word.startsWith('#')) continue;
    if (word === '[contains]') section = containable;
    else if (word === '[exact]') section = exact;
    else if (section === undefined) {
      throw new PasswordPolicyError(
        'BLOCKLIST_INVALID',
        `${path} line ${index + 1}: word before any section`,
      );
    } else section.push(word);
  }
  if (containable.length + exact.length === 0) {
    throw new PasswordPolicyError('BLOCKLIST_INVALID', `${path} holds no words`);
  }
  return createBlocklist(exact, { containable });
}

const DEFAULT_FILE = 'blocklist.txt.gz';

/** The data directory next to the built bundle (dist/ → ../data) or the sources (src/blocklist/ → ../../data). */
function defaultBlocklistPath(): string {
  const candidates = [
    new URL(`../data/${DEFAULT_FILE}`, import.meta.url),
    new URL(`../../data/${DEFAULT_FILE}`, import.meta.url),
  ];
  const found = candidates.map((url) => fileURLToPath(url)).find((path) => existsSync(path));
  if (found === undefined) {
    throw new PasswordPolicyError(
      'BLOCKLIST_INVALID',
      `the built-in blocklist data/${DEFAULT_FILE} is missing from the package`,
    );
  }
  return found;
}

let defaultBlocklist: Blocklist | undefined;

/**
 * The built-in list (see THIRD_PARTY_NOTICES.md): common passwords from SecLists plus German names, words, football
 * clubs and QWERTZ walks. Loaded on first use, then shared.
 */
export function loadDefaultBlocklist(): Blocklist {
  defaultBlocklist ??= loadBlocklistFile(defaultBlocklistPath());
  return defaultBlocklist;
}

/** The password's readings the context-word check searches: folded, normalised, and each reversed. */
export function contextSearchTexts(password: string): string[] {
  if (typeof password !== 'string' || password === '') return [];
  const { folded, normalised } = normalisedCandidates(password);
  const texts = [folded, ...normalised];
  return [...texts, ...texts.map((text) => [...lettersOnly(text)].reverse().join(''))];
}

/** Whether any token of the context values (at least `minTokenLength` long) occurs in one of the texts. */
export function containsContextToken(
  texts: readonly string[],
  contextValues: readonly string[],
  minTokenLength = 4,
): boolean {
  const tokens = contextValues.flatMap(contextTokens).filter((token) => token.length >= minTokenLength);
  return tokens.some((token) => texts.some((text) => text.includes(token)));
}

/**
 * Whether the password contains a token of the context values (user id, name, authority, product …), also
 * after normalisation and reversed: "Erika Mustermann" → mustermann is found in "Mu$t3rm4nn!2026".
 */
export function findContextWord(
  password: string,
  contextValues: readonly string[],
  minTokenLength = 4,
): boolean {
  return containsContextToken(contextSearchTexts(password), contextValues, minTokenLength);
}
