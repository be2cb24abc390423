import { DvdvError } from '../errors.js';

/** One directory entry: attribute names lower-cased (options such as `;binary` removed). */
export interface LdifEntry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, readonly (string | Buffer)[]>;
}

function invalid(message: string, line: number): DvdvError {
  return new DvdvError('DVDV_LDIF_INVALID', `LDIF line ${line}: ${message}`, { details: { line } });
}

/**
 * Parses LDIF content records (RFC 2849): `attr: value`, `attr:: base64`, folded lines, comments.
 * Change records and `attr:< URL` are rejected: an LDIF file must not make the parser read other files.
 * Base64 values come back as Buffers, plain values as strings.
 */
export function parseLdif(text: string): LdifEntry[] {
  // Unfold first: a line starting with one space continues the previous line.
  const logical: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const previous = logical[logical.length - 1];
    if (raw.startsWith(' ') && previous !== undefined && previous.text !== '') {
      previous.text += raw.slice(1);
    } else {
      logical.push({ text: raw, line: index + 1 });
    }
  });

  const entries: LdifEntry[] = [];
  let dn: string | undefined;
  let attributes = new Map<string, (string | Buffer)[]>();
  let sawVersion = false;
  const finish = () => {
    if (dn !== undefined) entries.push({ dn, attributes });
    dn = undefined;
    attributes = new Map();
  };

  for (const { text: current, line } of logical) {
    if (current === '') {
      finish();
      continue;
    }
    if (current.startsWith('#')) continue;
    const colon = current.indexOf(':');
    if (colon <= 0) throw invalid('expected "attribute: value"', line);
    const name = current.slice(0, colon);
    let value: string | Buffer;
    if (current[colon + 1] === ':') {
      const encoded = current.slice(colon + 2).trim();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw invalid(`${name}: invalid base64`, line);
      value = Buffer.from(encoded, 'base64');
    } else if (current[colon + 1] === '<') {
      throw invalid(`${name}: URL values are not supported`, line);
    } else {
      value = current.slice(colon + 1).replace(/^ +/, '');
    }
    const lower = name.toLowerCase();
    if (dn === undefined) {
      if (lower === 'version' && !sawVersion && entries.length === 0) {
        sawVersion = true;
        continue;
      }
      if (lower !== 'dn') throw invalid(`expected "dn:", found "${name}:"`, line);
      dn = typeof value === 'string' ? value : value.toString('utf8');
      continue;
    }
    if (lower === 'changetype' || lower === 'control')
      throw invalid('change records are not supported', line);
    const attribute = lower.split(';')[0] ?? lower;
    if (!/^[a-z][a-z0-9-]*$/.test(attribute)) throw invalid(`invalid attribute name "${name}"`, line);
    const values = attributes.get(attribute);
    if (values === undefined) attributes.set(attribute, [value]);
    else values.push(value);
  }
  finish();
  return entries;
}

function needsBase64(value: string): boolean {
  // RFC 2849 SAFE-STRING: no leading space, colon or "<", ASCII without NUL, CR and LF, no trailing space.
  if (/^[ :<]| $/.test(value)) return true;
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (code === 0 || code === 10 || code === 13 || code > 0x7f) return true;
  }
  return false;
}

function fold(line: string): string {
  if (line.length <= 76) return line;
  const parts = [line.slice(0, 76)];
  for (let index = 76; index < line.length; index += 75) parts.push(` ${line.slice(index, index + 75)}`);
  return parts.join('\n');
}

function formatLine(name: string, value: string | Uint8Array): string {
  if (typeof value !== 'string') return fold(`${name}:: ${Buffer.from(value).toString('base64')}`);
  if (needsBase64(value)) return fold(`${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`);
  return fold(`${name}: ${value}`);
}

/** One entry to write: values as text or bytes (bytes are written base64). */
export interface LdifRecord {
  readonly dn: string;
  readonly attributes: Readonly<Record<string, string | Uint8Array | readonly (string | Uint8Array)[]>>;
}

/** Writes LDIF content records; values that are not SAFE-STRINGs are base64-encoded, long lines folded. */
export function formatLdif(records: readonly LdifRecord[]): string {
  return records
    .map((record) => {
      const lines = [formatLine('dn', record.dn)];
      for (const [name, value] of Object.entries(record.attributes)) {
        const values = Array.isArray(value) ? value : [value as string | Uint8Array];
        for (const single of values) lines.push(formatLine(name, single));
      }
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}
