import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../src/audit/types.js';

/** A fresh temporary directory; call the returned cleanup in afterEach. */
export function auditTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'egovkit-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LoggedRecord {
  seq: number;
  time: string;
  retainUntil: string;
  prev: string;
  hash: string;
  event: Record<string, unknown>;
}

/** The complete lines of a log, parsed; a torn last line is left out. */
export function readAuditRecords(path: string): LoggedRecord[] {
  const text = readFileSync(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LoggedRecord);
}

export function readAuditLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

/** Sorted-key copy, then plain JSON.stringify: the spec of the hash, written independently of src. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

export function expectedRecordHash(record: Omit<LoggedRecord, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...content } = record;
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(content)), 'utf8')
    .digest('hex');
}

export function testEvent(index: number, extra: Record<string, string | number | boolean> = {}): AuditEvent {
  return {
    'event.name': 'kba.call.before',
    'event.time': new Date(Date.UTC(2026, 0, 15, 10, 0, 0, index % 1000)).toISOString(),
    'user.id': `sachbearbeiter-${index % 7}`,
    'kba.test.index': index,
    ...extra,
  };
}
