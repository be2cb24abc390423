import type { CharacterClass } from './types.js';

/** The password as it is compared and counted: NFC, so that "ü" typed two ways counts the same. */
export function normaliseForLength(password: string): string {
  return password.normalize('NFC');
}

/** Length in Unicode code points (an emoji or "ß" is one character, as users count). */
export function characterCount(password: string): number {
  let count = 0;
  for (const _ of normaliseForLength(password)) count++;
  return count;
}

const LOWERCASE = /\p{Ll}/u;
const UPPERCASE = /\p{Lu}|\p{Lt}/u;
const DIGIT = /\p{Nd}/u;
// Letters without case (e.g. CJK) and marks count as neither class; everything else that is not a letter or
// digit — punctuation, symbols, spaces — is a special character.
const SPECIAL = /[^\p{L}\p{M}\p{Nd}]/u;

/** The character classes present in the password; umlauts and ß count as letters of their case. */
export function characterClasses(password: string): Set<CharacterClass> {
  const present = new Set<CharacterClass>();
  for (const character of normaliseForLength(password)) {
    if (LOWERCASE.test(character)) present.add('lowercase');
    else if (UPPERCASE.test(character)) present.add('uppercase');
    else if (DIGIT.test(character)) present.add('digit');
    else if (SPECIAL.test(character)) present.add('special');
    if (present.size === 4) break;
  }
  return present;
}
