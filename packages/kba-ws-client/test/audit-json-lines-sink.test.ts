import { spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonLinesAuditSink } from '../src/audit/json-lines-sink.js';
import { verifyAuditLog } from '../src/audit/verify.js';
import { KbaWsError } from '../src/errors.js';
import {
  auditTempDir,
  expectedRecordHash,
  type LoggedRecord,
  readAuditRecords,
  testEvent,
} from './helpers/audit-files.js';
import { expectKbaError } from './helpers/errors.js';

let dir: string;
let cleanup: () => void;
let logPath: string;

beforeEach(() => {
  ({ dir, cleanup } = auditTempDir());
  logPath = join(dir, 'audit.jsonl');
});
afterEach(() => cleanup());

function expectChain(records: readonly LoggedRecord[]): void {
  let prev = '0'.repeat(64);
  records.forEach((record, index) => {
    expect(record.seq).toBe(index + 1);
    expect(record.prev).toBe(prev);
    expect(record.hash).toBe(expectedRecordHash(record));
    prev = record.hash;
  });
}

function thrown(action: () => unknown): KbaWsError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(KbaWsError);
    return error as KbaWsError;
  }
  throw new Error('expected an error');
}

describe('createJsonLinesAuditSink', () => {
  it('writes one hash-chained JSON line per event, with the event unchanged', async () => {
    const sink = createJsonLinesAuditSink({ path: logPath });
    const events = [
      testEvent(1),
      testEvent(2, { 'event.outcome': 'success' }),
      testEvent(3, { note: 'Müller ✓' }),
    ];
    for (const event of events) await sink.write(event);
    await sink.close();

    const records = readAuditRecords(logPath);
    expect(records.map((record) => record.event)).toEqual(events);
    expectChain(records);
    expect(readFileSync(logPath, 'utf8').endsWith('\n')).toBe(true);
    if (process.platform !== 'win32') {
      expect(statSync(logPath).mode & 0o777).toBe(0o600);
    }
    const head = JSON.parse(readFileSync(`${logPath}.head`, 'utf8')) as { seq: number; hash: string };
    expect(head).toEqual({ seq: 3, hash: records[2]?.hash });
    expect(existsSync(`${logPath}.lock`)).toBe(false);
  });

  it('stamps a retention date at least six months after the record time', async () => {
    const times = ['2026-08-31T23:30:00.000Z', '2026-02-28T00:00:00.000Z', '2026-12-15T12:00:00.000Z'];
    let call = 0;
    const sink = createJsonLinesAuditSink({
      path: logPath,
      now: () => new Date(times[call++ % times.length] ?? 0),
    });
    for (let i = 0; i < times.length; i++) await sink.write(testEvent(i));
    await sink.close();

    const records = readAuditRecords(logPath);
    expect(records.map((record) => record.time)).toEqual(times);
    for (const record of records) {
      expect(record.retainUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const sixMonthsLater = new Date(record.time);
      sixMonthsLater.setUTCMonth(sixMonthsLater.getUTCMonth() + 6);
      // Kept through the end of the retainUntil day.
      expect(Date.parse(`${record.retainUntil}T23:59:59.999Z`)).toBeGreaterThanOrEqual(
        sixMonthsLater.getTime(),
      );
    }
    expect(records[2]?.retainUntil).toBe('2027-06-15');
  });

  it('honours a longer retention and refuses one below six months', async () => {
    const sink = createJsonLinesAuditSink({
      path: logPath,
      retentionMonths: 24,
      now: () => new Date('2026-03-10T08:00:00Z'),
    });
    await sink.write(testEvent(1));
    await sink.close();
    expect(readAuditRecords(logPath)[0]?.retainUntil).toBe('2028-03-10');

    for (const retentionMonths of [5, 0, 6.5, Number.NaN]) {
      const error = thrown(() =>
        createJsonLinesAuditSink({ path: join(dir, 'other.jsonl'), retentionMonths }),
      );
      expect(error.code).toBe('CONFIG_INVALID');
    }
    expect(existsSync(join(dir, 'other.jsonl'))).toBe(false);
    expect(thrown(() => createJsonLinesAuditSink({ path: '' })).code).toBe('CONFIG_INVALID');
  });

  it('continues the chain of an existing log across reopen', async () => {
    const first = createJsonLinesAuditSink({ path: logPath });
    for (let i = 0; i < 3; i++) await first.write(testEvent(i));
    await first.close();
    const second = createJsonLinesAuditSink({ path: logPath });
    for (let i = 3; i < 5; i++) await second.write(testEvent(i));
    await second.close();

    const records = readAuditRecords(logPath);
    expect(records.map((record) => record.event['kba.test.index'])).toEqual([0, 1, 2, 3, 4]);
    expectChain(records);
    const verification = await verifyAuditLog(logPath);
    expect(verification).toMatchObject({ valid: true, records: 5, lastSeq: 5, issues: [] });
  });

  it('lands 500 concurrent writes exactly once, in call order, with a valid chain', async () => {
    const sink = createJsonLinesAuditSink({ path: logPath });
    const settled = await Promise.allSettled(Array.from({ length: 500 }, (_, i) => sink.write(testEvent(i))));
    expect(settled.every((result) => result.status === 'fulfilled')).toBe(true);
    // Another wave while the first batches may still be syncing the head.
    await Promise.all(Array.from({ length: 100 }, (_, i) => sink.write(testEvent(500 + i))));
    await sink.close();

    const records = readAuditRecords(logPath);
    expect(records).toHaveLength(600);
    expect(records.map((record) => record.event['kba.test.index'])).toEqual(
      Array.from({ length: 600 }, (_, i) => i),
    );
    expectChain(records);
    const verification = await verifyAuditLog(logPath, { requireHead: true });
    expect(verification.valid).toBe(true);
    expect(verification.issues).toEqual([]);
    expect(verification.head).toEqual({ seq: 600, hash: records[599]?.hash });
  });

  it('resolves each write only after its record is in the file', async () => {
    const sink = createJsonLinesAuditSink({ path: logPath });
    const observed: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sink.write(testEvent(i)).then(() => {
          const indexes = readAuditRecords(logPath).map((record) => record.event['kba.test.index']);
          observed.push(indexes.includes(i) ? 1 : 0);
        }),
      ),
    );
    await sink.close();
    expect(observed).toEqual(Array.from({ length: 50 }, () => 1));
  });

  it('cuts a torn last line on reopen and records the recovery in the chain', async () => {
    const first = createJsonLinesAuditSink({ path: logPath });
    for (let i = 0; i < 3; i++) await first.write(testEvent(i));
    await first.close();
    const torn = '{"seq":4,"time":"2026-01-01T00:00:00.000Z","retainUn';
    appendFileSync(logPath, torn);
    expect((await verifyAuditLog(logPath)).issues.map((issue) => issue.code)).toEqual(['TORN_TAIL']);

    const second = createJsonLinesAuditSink({ path: logPath });
    await second.write(testEvent(3));
    await second.close();

    const records = readAuditRecords(logPath);
    expect(records).toHaveLength(5);
    expectChain(records);
    expect(records[3]?.event).toMatchObject({
      'event.name': 'kba.audit.recovered',
      'kba.audit.dropped_bytes': Buffer.byteLength(torn),
      'kba.audit.head_missing': false,
    });
    expect(records[4]?.event['kba.test.index']).toBe(3);
    expect(readFileSync(logPath, 'utf8')).not.toContain('retainUn"');
    const verification = await verifyAuditLog(logPath, { requireHead: true });
    expect(verification).toMatchObject({ valid: true, records: 5, issues: [] });
  });

  it('refuses to continue a log whose end was cut off (head file ahead)', async () => {
    const first = createJsonLinesAuditSink({ path: logPath });
    for (let i = 0; i < 4; i++) await first.write(testEvent(i));
    await first.close();
    const lines = readFileSync(logPath, 'utf8').split('\n');
    writeFileSync(logPath, `${lines.slice(0, 2).join('\n')}\n`);

    const error = thrown(() => createJsonLinesAuditSink({ path: logPath }));
    expect(error.code).toBe('AUDIT_LOG_INVALID');
    expect(error.details).toMatchObject({ headSeq: 4, logSeq: 2 });
    // Nothing was appended that could hide the truncation, and the lock is released.
    expect(readAuditRecords(logPath)).toHaveLength(2);
    expect(existsSync(`${logPath}.lock`)).toBe(false);
  });

  it('refuses to continue a chain whose last record was edited', async () => {
    const first = createJsonLinesAuditSink({ path: logPath });
    for (let i = 0; i < 2; i++) await first.write(testEvent(i));
    await first.close();
    writeFileSync(logPath, readFileSync(logPath, 'utf8').replace('"kba.test.index":1', '"kba.test.index":9'));
    expect(thrown(() => createJsonLinesAuditSink({ path: logPath })).code).toBe('AUDIT_LOG_INVALID');
  });

  it('records a missing head file when continuing a log without one', async () => {
    const first = createJsonLinesAuditSink({ path: logPath });
    await first.write(testEvent(0));
    await first.close();
    unlinkSync(`${logPath}.head`);
    const second = createJsonLinesAuditSink({ path: logPath });
    await second.close();
    const records = readAuditRecords(logPath);
    expect(records[1]?.event).toMatchObject({
      'event.name': 'kba.audit.recovered',
      'kba.audit.head_missing': true,
    });
    expect((await verifyAuditLog(logPath, { requireHead: true })).valid).toBe(true);
  });

  it('refuses a second writer in the same process until the first is closed', async () => {
    const first = createJsonLinesAuditSink({ path: logPath });
    const error = thrown(() => createJsonLinesAuditSink({ path: join(dir, '.', 'audit.jsonl') }));
    expect(error.code).toBe('AUDIT_LOG_LOCKED');
    expect(error.details).toMatchObject({ pid: process.pid });
    await first.write(testEvent(0));
    await first.close();
    const second = createJsonLinesAuditSink({ path: logPath });
    await second.write(testEvent(1));
    await second.close();
    expectChain(readAuditRecords(logPath));
  });

  it('refuses a lock held by another live process and takes over the lock of a dead one', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${logPath}.lock`, `${child.pid}\n`);
      const error = thrown(() => createJsonLinesAuditSink({ path: logPath }));
      expect(error.code).toBe('AUDIT_LOG_LOCKED');
      expect(error.details).toMatchObject({ pid: child.pid });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const sink = createJsonLinesAuditSink({ path: logPath });
    expect(readFileSync(`${logPath}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await sink.write(testEvent(0));
    await sink.close();
    expect(readdirSync(dir).filter((name) => name.includes('.lock'))).toEqual([]);
  });

  it('rejects writes after close with AUDIT_SINK_CLOSED and still lands writes issued before close', async () => {
    const sink = createJsonLinesAuditSink({ path: logPath });
    const before = Array.from({ length: 20 }, (_, i) => sink.write(testEvent(i)));
    const closed = sink.close();
    const after = await expectKbaError(sink.write(testEvent(99)));
    expect(after.code).toBe('AUDIT_SINK_CLOSED');
    await Promise.all(before);
    await closed;
    await sink.close();
    expect(readAuditRecords(logPath)).toHaveLength(20);
  });

  it('rejects events that cannot be serialised without failing the sink', async () => {
    const sink = createJsonLinesAuditSink({ path: logPath });
    const bad = { 'event.name': 'kba.call.before', 'event.time': 'x', big: 1n } as unknown as Parameters<
      typeof sink.write
    >[0];
    expect((await expectKbaError(sink.write(bad))).code).toBe('AUDIT_FAILED');
    const nameless = { 'event.time': 'x' } as unknown as Parameters<typeof sink.write>[0];
    expect((await expectKbaError(sink.write(nameless))).code).toBe('AUDIT_FAILED');
    await sink.write(testEvent(1));
    await sink.close();
    const records = readAuditRecords(logPath);
    expect(records).toHaveLength(1);
    expectChain(records);
  });

  it.runIf(process.platform === 'linux')(
    'fails every pending write with AUDIT_FAILED when the file cannot be written, and stays failed',
    async () => {
      const sink = createJsonLinesAuditSink({ path: logPath });
      await sink.write(testEvent(0));
      // Pull the descriptor from under the sink: the next write(2) fails with EBADF.
      const fd = readdirSync('/proc/self/fd').find((entry) => {
        try {
          return readlinkSync(`/proc/self/fd/${entry}`) === logPath;
        } catch {
          return false;
        }
      });
      expect(fd).toBeDefined();
      closeSync(Number(fd));
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => sink.write(testEvent(i + 1))),
      );
      for (const result of results) {
        expect(result.status).toBe('rejected');
        const reason = (result as PromiseRejectedResult).reason as KbaWsError;
        expect(reason).toBeInstanceOf(KbaWsError);
        expect(reason.code).toBe('AUDIT_FAILED');
        expect((reason.cause as NodeJS.ErrnoException).code).toBe('EBADF');
      }
      const later = await expectKbaError(sink.write(testEvent(20)));
      expect(later.code).toBe('AUDIT_FAILED');
      await sink.close();
      expect(existsSync(`${logPath}.lock`)).toBe(false);
    },
  );
});
