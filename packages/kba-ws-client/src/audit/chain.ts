import { createHash } from 'node:crypto';

/** `prev` of the first record of a log. */
export const GENESIS_HASH = '0'.repeat(64);

/** Fixed size of the head file: every update overwrites all of it in one write, so no stale tail remains. */
export const HEAD_FILE_SIZE = 256;

export const MIN_RETENTION_MONTHS = 6;

const HEX64 = /^[0-9a-f]{64}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Path of the head file that records the last acknowledged record of a log. */
export function auditHeadPath(logPath: string): string {
  return `${logPath}.head`;
}

/** Path of the lock file that keeps a second writer away. */
export function auditLockPath(logPath: string): string {
  return `${logPath}.lock`;
}

/**
 * Canonical JSON of plain JSON data: object keys sorted by UTF-16 code units, no whitespace. Callers pass
 * data that went through JSON.parse, so there are no undefined values, functions or cycles.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  // Audit events are flat (scalars and arrays of scalars): JSON.stringify with the sorted key list gives
  // the same text in one native call. A key list would also filter nested objects, so those take the slow path.
  if (keys.every((key) => isFlatValue(object[key]))) return JSON.stringify(object, keys);
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
  return `{${members.join(',')}}`;
}

function isFlatValue(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Last UTC calendar day of the retention period. Day overflow rolls forward (31 Aug + 6 months = 3 Mar),
 * so the period is never shorter than the configured number of months.
 */
export function retainUntilDate(time: Date, months: number): string {
  const end = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() + months, time.getUTCDate()));
  return end.toISOString().slice(0, 10);
}

export interface AuditRecordFields {
  readonly seq: number;
  readonly time: string;
  readonly retainUntil: string;
  readonly prev: string;
  /** Plain JSON data (already normalised through JSON.stringify/parse). */
  readonly event: Record<string, unknown>;
}

/** One JSON line (with trailing newline) and its hash. The hash covers every field except `hash`. */
export function formatAuditRecord(fields: AuditRecordFields): { line: string; hash: string } {
  const event = canonicalJson(fields.event);
  const time = JSON.stringify(fields.time);
  const retainUntil = JSON.stringify(fields.retainUntil);
  const prev = JSON.stringify(fields.prev);
  // The canonical form of { seq, time, retainUntil, prev, event } with its keys in sorted order.
  const hash = sha256Hex(
    `{"event":${event},"prev":${prev},"retainUntil":${retainUntil},"seq":${fields.seq},"time":${time}}`,
  );
  // Field order is for readers; the hash does not depend on it.
  const line = `{"seq":${fields.seq},"time":${time},"retainUntil":${retainUntil},"prev":${prev},"event":${event},"hash":"${hash}"}\n`;
  return { line, hash };
}

export interface ParsedAuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly retainUntil: string;
  readonly prev: string;
  readonly hash: string;
  /** Hash recomputed from the line's content; differs from `hash` when the line was edited. */
  readonly computedHash: string;
  readonly event: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one line (without newline); returns a reason instead of throwing for malformed lines. */
export function parseAuditRecord(line: string): ParsedAuditRecord | { readonly error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})` };
  }
  if (!isPlainObject(parsed)) return { error: 'not a JSON object' };
  const { seq, time, retainUntil, prev, event, hash } = parsed;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return { error: 'seq is not a positive integer' };
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return { error: 'time is not a timestamp' };
  if (typeof retainUntil !== 'string' || !ISO_DATE.test(retainUntil))
    return { error: 'retainUntil is not a date' };
  if (typeof prev !== 'string' || !HEX64.test(prev)) return { error: 'prev is not a SHA-256 hex digest' };
  if (typeof hash !== 'string' || !HEX64.test(hash)) return { error: 'hash is not a SHA-256 hex digest' };
  if (!isPlainObject(event) || typeof event['event.name'] !== 'string') {
    return { error: 'event is not an object with an event.name' };
  }
  const { hash: _stored, ...content } = parsed;
  return { seq, time, retainUntil, prev, hash, computedHash: sha256Hex(canonicalJson(content)), event };
}

export interface AuditHead {
  /** Sequence number of the last acknowledged record; 0 for an empty log. */
  readonly seq: number;
  readonly hash: string;
}

export function formatAuditHead(head: AuditHead): Buffer {
  const json = JSON.stringify({ seq: head.seq, hash: head.hash });
  return Buffer.from(`${json.padEnd(HEAD_FILE_SIZE - 1, ' ')}\n`, 'utf8');
}

export function parseAuditHead(text: string): AuditHead | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const { seq, hash } = parsed;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return undefined;
  if (typeof hash !== 'string' || !HEX64.test(hash)) return undefined;
  if (seq === 0 && hash !== GENESIS_HASH) return undefined;
  return { seq, hash };
}
