import { escapeDnValue } from './escape.js';

/** One attribute-value pair of an RDN. */
export interface DnPart {
  readonly attribute: string;
  readonly value: string;
}

/** An RDN: usually one pair, several for multi-valued RDNs (`cn=a+sn=b`). */
export type Rdn = readonly DnPart[];

/**
 * Parses an RFC 4514 string into RDNs, most specific first. Accepts `\` before special characters and
 * `\hh` byte escapes (decoded as UTF-8). Throws a TypeError for malformed input.
 */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  if (dn.trim() === '') return rdns;
  let parts: DnPart[] = [];
  let index = 0;
  const length = dn.length;
  while (index <= length) {
    while (dn[index] === ' ') index++;
    const equals = dn.indexOf('=', index);
    if (equals < 0) throw new TypeError(`malformed DN: ${dn}`);
    const attribute = dn.slice(index, equals).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)$/.test(attribute)) {
      throw new TypeError(`malformed DN attribute "${attribute}" in ${dn}`);
    }
    index = equals + 1;
    const bytes: number[] = [];
    let trailingSpaces = 0;
    let separator = '';
    while (index < length) {
      const character = dn[index] as string;
      if (character === '\\') {
        const pair = dn.slice(index + 1, index + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
          bytes.push(Number.parseInt(pair, 16));
          index += 3;
        } else if (index + 1 < length) {
          const escaped = dn.codePointAt(index + 1) ?? 0;
          const text = String.fromCodePoint(escaped);
          bytes.push(...Buffer.from(text, 'utf8'));
          index += 1 + text.length;
        } else {
          throw new TypeError(`dangling backslash in DN: ${dn}`);
        }
        trailingSpaces = 0;
        continue;
      }
      if (character === ',' || character === '+' || character === ';') {
        separator = character;
        break;
      }
      trailingSpaces = character === ' ' ? trailingSpaces + 1 : 0;
      bytes.push(...Buffer.from(character, 'utf8'));
      index++;
    }
    const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
    parts.push({ attribute, value });
    index++;
    if (separator !== '+') {
      rdns.push(parts);
      parts = [];
    }
    if (separator === '') break;
  }
  return rdns;
}

/** Formats RDNs as an RFC 4514 string, escaping every value. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns
    .map((rdn) => rdn.map((part) => `${part.attribute}=${escapeDnValue(part.value)}`).join('+'))
    .join(',');
}

/** Attributes whose values compare case-sensitively (caseExactMatch in the schema). */
const CASE_EXACT = new Set(['dvdvserviceuri', 'dvdvintermediaryurl']);

/** Normalises a value for comparison the way the schema's equality rule does. */
export function normaliseValue(attribute: string, value: string): string {
  const normalised = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  return CASE_EXACT.has(attribute.toLowerCase()) ? normalised : normalised.toLowerCase();
}

/** A canonical form for comparing DNs: attribute names lower-cased, values normalised, re-escaped. */
export function normaliseDn(dn: string): string {
  return formatDn(
    parseDn(dn).map((rdn) =>
      rdn.map((part) => ({
        attribute: part.attribute.toLowerCase(),
        value: normaliseValue(part.attribute, part.value),
      })),
    ),
  );
}

/** The DN of the parent entry, or '' for a single-RDN DN. */
export function parentDn(dn: string): string {
  return formatDn(parseDn(dn).slice(1));
}
