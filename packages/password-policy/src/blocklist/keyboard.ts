import { MAX_CHECKED_LENGTH } from './normalise.js';

// The German (ISO, QWERTZ) layout: each row's characters and the left edge of its first key, in key widths.
// The stagger decides which keys touch diagonally.
const ROWS: readonly { readonly keys: string; readonly offset: number }[] = [
  { keys: '^1234567890ß´', offset: 0 },
  { keys: 'qwertzuiopü+', offset: 1.5 },
  { keys: 'asdfghjklöä#', offset: 1.75 },
  { keys: '<yxcvbnm,.-', offset: 1.25 },
];

// Shifted characters stand on the key of their base character.
const SHIFTED: Record<string, string> = {
  '°': '^',
  '!': '1',
  '"': '2',
  '§': '3',
  $: '4',
  '%': '5',
  '&': '6',
  '/': '7',
  '(': '8',
  ')': '9',
  '=': '0',
  '?': 'ß',
  '`': '´',
  '*': '+',
  "'": '#',
  '>': '<',
  ';': ',',
  ':': '.',
  _: '-',
};

const POSITIONS = new Map<string, { readonly row: number; readonly x: number }>();
for (const [row, { keys, offset }] of ROWS.entries()) {
  for (const [column, key] of [...keys].entries()) POSITIONS.set(key, { row, x: offset + column });
}

function position(character: string) {
  return POSITIONS.get(SHIFTED[character] ?? character);
}

/** Keys that touch on a QWERTZ keyboard: neighbours in a row, or overlapping keys in the rows above and below. */
export function keysTouch(a: string, b: string): boolean {
  const first = position(a);
  const second = position(b);
  if (first === undefined || second === undefined || a === b) return false;
  const rows = Math.abs(first.row - second.row);
  const distance = Math.abs(first.x - second.x);
  return (rows === 0 && distance === 1) || (rows === 1 && distance <= 1);
}

/** Keys in a row that form a walk long enough to count as a keyboard pattern. */
export const MIN_WALK_KEYS = 6;

/** The length of the longest run of touching keys ("qwertz", "1q2w3e", "yxcvbn", "asdfgh"). */
export function longestKeyboardWalk(password: string): number {
  const characters = [...password.slice(0, MAX_CHECKED_LENGTH).normalize('NFKC').toLocaleLowerCase('de-DE')];
  let longest = characters.length > 0 ? 1 : 0;
  let current = 1;
  for (let i = 1; i < characters.length; i++) {
    current = keysTouch(characters[i - 1] ?? '', characters[i] ?? '') ? current + 1 : 1;
    longest = Math.max(longest, current);
  }
  return longest;
}
