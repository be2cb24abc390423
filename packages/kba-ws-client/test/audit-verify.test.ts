import { appendFileSync, chmodSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonLinesAuditSink } from '../src/audit/json-lines-sink.js';
import { formatAuditLogVerification, verifyAuditLog } from '../src/audit/verify.js';
import { KbaWsError } from '../src/errors.js';
import {
  auditTempDir,
  expectedRecordHash,
  type LoggedRecord,
  readAuditLines,
  testEvent,
} from './helpers/audit-files.js';

let dir: string;
let cleanup: () => void;
let logPath: string;

beforeEach(async () => {
  ({ dir, cleanup } = auditTempDir());
  logPath = join(dir, 'audit.jsonl');
  const sink = createJsonLinesAuditSink({ path: logPath });
  for (let i = 0; i < 6; i++) await sink.write(testEvent(i));
  await sink.close();
});
afterEach(() => cleanup());

function writeLines(lines: readonly string[]): void {
  writeFileSync(logPath, lines.map((line) => `${line}\n`).join(''));
}

function codes(result: { issues: readonly { code: string }[] }): string[] {
  return result.issues.map((issue) => issue.code);
}

describe('verifyAuditLog', () => {
  it('accepts an untouched log and reports its extent', async () => {
    const lines = readAuditLines(logPath);
    const last = JSON.parse(lines[5] ?? '') as LoggedRecord;
    const first = JSON.parse(lines[0] ?? '') as LoggedRecord;
    const result = await verifyAuditLog(logPath, { requireHead: true });
    expect(result).toMatchObject({
      valid: true,
      records: 6,
      firstTime: first.time,
      lastTime: last.time,
      lastSeq: 6,
      lastHash: last.hash,
      head: { seq: 6, hash: last.hash },
      issues: [],
      omittedIssues: 0,
    });
  });

  it('detects an edited line as HASH_MISMATCH on that line', async () => {
    const lines = readAuditLines(logPath);
    lines[2] = (lines[2] ?? '').replace('sachbearbeiter-2', 'sachbearbeiter-X');
    writeLines(lines);
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'HASH_MISMATCH', line: 3, severity: 'error' }),
    ]);
  });

  it('detects an edited line whose hash was recomputed as CHAIN_BROKEN on the next line', async () => {
    const lines = readAuditLines(logPath);
    const record = JSON.parse(lines[2] ?? '') as LoggedRecord;
    record.event['user.id'] = 'someone-else';
    record.hash = expectedRecordHash(record);
    lines[2] = JSON.stringify(record);
    writeLines(lines);
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'CHAIN_BROKEN', line: 4 })]);
  });

  it('detects a deleted line as SEQUENCE_GAP and CHAIN_BROKEN', async () => {
    const lines = readAuditLines(logPath);
    lines.splice(3, 1);
    writeLines(lines);
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(codes(result).sort()).toEqual(['CHAIN_BROKEN', 'SEQUENCE_GAP']);
    expect(result.issues.every((issue) => issue.line === 4)).toBe(true);
    expect(result.issues.find((issue) => issue.code === 'SEQUENCE_GAP')?.message).toContain(
      '1 record(s) missing',
    );
  });

  it('detects a deleted first line', async () => {
    writeLines(readAuditLines(logPath).slice(1));
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(codes(result).sort()).toEqual(['CHAIN_BROKEN', 'SEQUENCE_GAP']);
  });

  it('detects lines removed from the end through the head file', async () => {
    writeLines(readAuditLines(logPath).slice(0, 4));
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(result.records).toBe(4);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'TRUNCATED', line: 5 })]);
  });

  it('detects replaced final records (same count, other hash) through the head file', async () => {
    const lines = readAuditLines(logPath);
    const record = JSON.parse(lines[5] ?? '') as LoggedRecord;
    record.event['kba.test.index'] = 42;
    record.hash = expectedRecordHash(record);
    lines[5] = JSON.stringify(record);
    writeLines(lines);
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['TRUNCATED']);
  });

  it('cannot see truncation without the head file: HEAD_MISSING is a warning unless required', async () => {
    writeLines(readAuditLines(logPath).slice(0, 4));
    unlinkSync(`${logPath}.head`);
    const lenient = await verifyAuditLog(logPath);
    expect(lenient.valid).toBe(true);
    expect(lenient.issues).toEqual([expect.objectContaining({ code: 'HEAD_MISSING', severity: 'warning' })]);
    const strict = await verifyAuditLog(logPath, { requireHead: true });
    expect(strict.valid).toBe(false);
    expect(strict.issues).toEqual([expect.objectContaining({ code: 'HEAD_MISSING', severity: 'error' })]);
  });

  it('flags a corrupted head file', async () => {
    writeFileSync(`${logPath}.head`, '{"seq":6,"ha');
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(codes(result)).toEqual(['HEAD_INVALID']);
  });

  it('accepts a head file that lags behind the log (crash between log sync and head update)', async () => {
    const lines = readAuditLines(logPath);
    const fourth = JSON.parse(lines[3] ?? '') as LoggedRecord;
    writeFileSync(`${logPath}.head`, `${JSON.stringify({ seq: 4, hash: fourth.hash }).padEnd(255)}\n`);
    expect(await verifyAuditLog(logPath, { requireHead: true })).toMatchObject({ valid: true, issues: [] });
  });

  it('reports a torn last line as a warning only', async () => {
    appendFileSync(logPath, '{"seq":7,"time":"2026-0');
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(true);
    expect(result.records).toBe(6);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'TORN_TAIL', line: 7, severity: 'warning' }),
    ]);
  });

  it('reports malformed lines without cascading into chain errors', async () => {
    const lines = readAuditLines(logPath);
    lines.splice(2, 0, 'not json at all', '{"seq":"three"}');
    writeLines(lines);
    const result = await verifyAuditLog(logPath);
    expect(result.valid).toBe(false);
    expect(result.issues.map((issue) => [issue.code, issue.line])).toEqual([
      ['LINE_MALFORMED', 3],
      ['LINE_MALFORMED', 4],
    ]);
    expect(result.records).toBe(6);
  });

  it('caps the listed issues and counts the rest', async () => {
    writeLines(Array.from({ length: 30 }, () => 'garbage'));
    const result = await verifyAuditLog(logPath, { maxIssues: 10 });
    expect(result.issues).toHaveLength(10);
    // 30 malformed lines plus TRUNCATED from the head.
    expect(result.omittedIssues).toBe(21);
  });

  it('accepts an empty log', async () => {
    writeFileSync(logPath, '');
    unlinkSync(`${logPath}.head`);
    expect(await verifyAuditLog(logPath)).toMatchObject({ valid: true, records: 0 });
  });

  it('throws AUDIT_LOG_UNREADABLE for a missing file or a directory', async () => {
    mkdirSync(join(dir, 'sub'));
    for (const path of [join(dir, 'missing.jsonl'), join(dir, 'sub')]) {
      const error = await verifyAuditLog(path).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(KbaWsError);
      expect((error as KbaWsError).code).toBe('AUDIT_LOG_UNREADABLE');
    }
    if (process.getuid?.() !== 0) {
      chmodSync(logPath, 0o000);
      const error = await verifyAuditLog(logPath).catch((reason: unknown) => reason);
      expect((error as KbaWsError).code).toBe('AUDIT_LOG_UNREADABLE');
    }
  });

  it('streams a large log', async () => {
    const bigPath = join(dir, 'big.jsonl');
    const sink = createJsonLinesAuditSink({ path: bigPath });
    await Promise.all(Array.from({ length: 5000 }, (_, i) => sink.write(testEvent(i))));
    await sink.close();
    const result = await verifyAuditLog(bigPath, { requireHead: true });
    expect(result).toMatchObject({ valid: true, records: 5000, lastSeq: 5000, issues: [] });
  });
});

describe('formatAuditLogVerification', () => {
  it('summarises a valid log', async () => {
    const text = formatAuditLogVerification(await verifyAuditLog(logPath));
    expect(text).toContain(`Audit log ${logPath}: VALID`);
    expect(text).toContain('records: 6');
    expect(text).toContain('head: #6');
    expect(text).not.toContain('errors:');
  });

  it('lists errors and warnings with their lines', async () => {
    const lines = readAuditLines(logPath);
    lines[1] = (lines[1] ?? '').replace('sachbearbeiter-1', 'sachbearbeiter-Y');
    writeLines(lines);
    appendFileSync(logPath, '{"torn');
    const text = formatAuditLogVerification(await verifyAuditLog(logPath));
    expect(text).toContain(': INVALID');
    expect(text).toMatch(/errors:\n\s+line 2: HASH_MISMATCH: /);
    expect(text).toMatch(/warnings:\n\s+line 7: TORN_TAIL: /);
    expect(readFileSync(logPath, 'utf8')).toContain('{"torn');
  });
});
