import {
  closeSync,
  constants,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KbaWsError } from '../errors.js';
import {
  type AuditHead,
  auditHeadPath,
  auditLockPath,
  formatAuditHead,
  formatAuditRecord,
  GENESIS_HASH,
  HEAD_FILE_SIZE,
  MIN_RETENTION_MONTHS,
  parseAuditHead,
  parseAuditRecord,
  retainUntilDate,
} from './chain.js';
import { acquireAuditLock, releaseAuditLock } from './lock.js';
import type { AuditEvent, AuditSink } from './types.js';

export interface JsonLinesAuditSinkOptions {
  /** The log file; `<path>.head` and `<path>.lock` are kept next to it. */
  readonly path: string;
  /** Months each record must be kept, written into every record as `retainUntil`. Default and minimum 6. */
  readonly retentionMonths?: number;
  /** Clock for record times; for tests. */
  readonly now?: () => Date;
}

export interface JsonLinesAuditSink extends AuditSink {
  /** Writes what is queued, then releases the file and its lock. Later writes reject with `AUDIT_SINK_CLOSED`. */
  close(): Promise<void>;
  /** Absolute path of the log file. */
  readonly path: string;
}

/** Longest last line accepted when continuing a chain; audit records are a few hundred bytes. */
const MAX_LINE_BYTES = 1024 * 1024;
const SCAN_CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
/** Log syncs allowed to overlap; kept low because they occupy libuv's small thread pool. */
const MAX_SYNCS_IN_FLIGHT = 2;

interface Pending {
  readonly line: string;
  /** Chain state after this record, for the head file once the record is durable. */
  readonly head: AuditHead;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function invalidOption(option: string, message: string, value?: unknown): KbaWsError {
  return new KbaWsError('CONFIG_INVALID', message, {
    details: value === undefined ? { option } : { option, value: String(value) },
  });
}

function validateOptions(options: JsonLinesAuditSinkOptions): {
  path: string;
  months: number;
  now: () => Date;
} {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('options', 'Options are required.');
  if (typeof options.path !== 'string' || options.path.trim() === '') {
    throw invalidOption('path', 'The audit log path must be a non-empty string.');
  }
  const months = options.retentionMonths ?? MIN_RETENTION_MONTHS;
  if (!Number.isSafeInteger(months) || months < MIN_RETENTION_MONTHS) {
    throw invalidOption(
      'retentionMonths',
      `retentionMonths must be an integer of at least ${MIN_RETENTION_MONTHS} (FZV § 69).`,
      months,
    );
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw invalidOption('now', 'now must be a function returning a Date.');
  }
  return { path: resolve(options.path), months, now: options.now ?? (() => new Date()) };
}

/** Offset of the last newline before `end`, or -1. Reads backwards so that large logs are not loaded. */
function lastNewlineBefore(fd: number, end: number): number {
  const buffer = Buffer.alloc(SCAN_CHUNK);
  let position = end;
  while (position > 0) {
    const start = Math.max(0, position - SCAN_CHUNK);
    const length = position - start;
    const read = readSync(fd, buffer, 0, length, start);
    const index = buffer.subarray(0, read).lastIndexOf(NEWLINE);
    if (index !== -1) return start + index;
    position = start;
  }
  return -1;
}

interface LogTail {
  /** Offset just after the last newline; bytes beyond it are a torn write. */
  readonly validEnd: number;
  readonly last: AuditHead;
}

function readTail(fd: number, size: number, logPath: string): LogTail {
  const lastNewline = lastNewlineBefore(fd, size);
  if (lastNewline === -1) return { validEnd: 0, last: { seq: 0, hash: GENESIS_HASH } };
  const lineStart = lastNewlineBefore(fd, lastNewline) + 1;
  const length = lastNewline - lineStart;
  const invalid = (reason: string) =>
    new KbaWsError(
      'AUDIT_LOG_INVALID',
      `The last record of the audit log ${logPath} is invalid (${reason}); refusing to continue its chain. Run the verifier and start a new log.`,
      { details: { path: logPath, offset: lineStart, reason } },
    );
  if (length > MAX_LINE_BYTES) throw invalid('line too long');
  const line = Buffer.alloc(length);
  readSync(fd, line, 0, length, lineStart);
  const record = parseAuditRecord(line.toString('utf8'));
  if ('error' in record) throw invalid(record.error);
  if (record.computedHash !== record.hash) throw invalid('hash does not match its content');
  return { validEnd: lastNewline + 1, last: { seq: record.seq, hash: record.hash } };
}

function readHead(headPath: string, logPath: string): AuditHead | undefined {
  let text: string;
  try {
    text = readFileSync(headPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KbaWsError('AUDIT_FAILED', `Could not read the audit head file ${headPath}.`, {
      cause: error,
      details: { path: logPath, headPath },
    });
  }
  const head = parseAuditHead(text);
  if (head === undefined) {
    throw new KbaWsError('AUDIT_LOG_INVALID', `The audit head file ${headPath} is not valid.`, {
      details: { path: logPath, headPath },
    });
  }
  return head;
}

function isPlainJsonEvent(event: unknown): boolean {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  for (const value of Object.values(event)) {
    if (value === undefined) return false;
    if (typeof value === 'number' && !Number.isFinite(value)) return false;
    if (typeof value === 'object' && value !== null) {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return false;
    } else if (
      typeof value !== 'string' &&
      typeof value !== 'number' &&
      typeof value !== 'boolean' &&
      value !== null
    ) {
      return false;
    }
  }
  return true;
}

function writeAllSync(fd: number, data: Buffer, position: number | null): void {
  let offset = 0;
  while (offset < data.length) {
    offset += writeSync(fd, data, offset, data.length - offset, position === null ? null : position + offset);
  }
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    fdatasync(fd, (error) => (error ? reject(error) : resolvePromise()));
  });
}

/** Makes a newly created directory entry durable; best effort where directories cannot be opened. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // not supported on this platform
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * An append-only JSON Lines audit log with a SHA-256 hash chain. `write` resolves once the record is
 * written and fdatasync'ed (fdatasync also persists the file size, which is all an append needs). Group
 * commit: events written together, or while two syncs are on their way, share one write(2) and one
 * sync. Opening is synchronous: it takes the lock, continues the chain of an existing log, cuts a torn last
 * line and refuses logs whose end no longer matches the head file (truncation).
 */
export function createJsonLinesAuditSink(options: JsonLinesAuditSinkOptions): JsonLinesAuditSink {
  const { path, months, now } = validateOptions(options);
  const headPath = auditHeadPath(path);
  const lockPath = auditLockPath(path);
  acquireAuditLock(lockPath, path);

  let logFd: number | undefined;
  let headFd: number | undefined;
  let last: AuditHead;
  const buildLine = (event: Record<string, unknown>): { line: string; head: AuditHead } => {
    const time = now();
    if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
      throw new Error('now() returned no valid Date');
    }
    const seq = last.seq + 1;
    const { line, hash } = formatAuditRecord({
      seq,
      time: time.toISOString(),
      retainUntil: retainUntilDate(time, months),
      prev: last.hash,
      event,
    });
    last = { seq, hash };
    return { line, head: last };
  };

  try {
    const head = readHead(headPath, path);
    const logExisted = existsSync(path);
    const headExisted = head !== undefined;
    if (!logExisted && head !== undefined && head.seq > 0) {
      throw new KbaWsError(
        'AUDIT_LOG_INVALID',
        `The audit log ${path} is missing, but its head file records ${head.seq} records. Refusing to start a new chain over it.`,
        { details: { path, headSeq: head.seq, logSeq: 0 } },
      );
    }
    // O_APPEND: every write lands at the end, whatever the file offset.
    logFd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o600);
    const stat = fstatSync(logFd);
    if (!stat.isFile()) throw invalidOption('path', `The audit log ${path} is not a regular file.`);
    const tail = readTail(logFd, stat.size, path);
    last = tail.last;
    if (head !== undefined && (head.seq > last.seq || (head.seq === last.seq && head.hash !== last.hash))) {
      throw new KbaWsError(
        'AUDIT_LOG_INVALID',
        `The audit log ${path} ends at record ${last.seq}, but its head file records ${head.seq} with another hash: records were removed. Refusing to continue.`,
        { details: { path, headSeq: head.seq, logSeq: last.seq } },
      );
    }
    const droppedBytes = stat.size - tail.validEnd;
    if (droppedBytes > 0) {
      ftruncateSync(logFd, tail.validEnd);
      fsyncSync(logFd);
    }
    headFd = openSync(headPath, constants.O_RDWR | constants.O_CREAT, 0o600);
    ftruncateSync(headFd, HEAD_FILE_SIZE);
    if (!logExisted || !headExisted) syncDirectory(dirname(path));
    const headMissing = !headExisted && last.seq > 0;
    if (droppedBytes > 0 || headMissing) {
      const event = {
        'event.name': 'kba.audit.recovered',
        'event.time': now().toISOString(),
        'kba.audit.dropped_bytes': droppedBytes,
        'kba.audit.head_missing': headMissing,
      };
      writeAllSync(logFd, Buffer.from(buildLine(event).line, 'utf8'), null);
      fdatasyncSync(logFd);
    }
    writeAllSync(headFd, formatAuditHead(last), 0);
    fdatasyncSync(headFd);
  } catch (error) {
    if (logFd !== undefined) closeSync(logFd);
    if (headFd !== undefined) closeSync(headFd);
    releaseAuditLock(lockPath);
    if (error instanceof KbaWsError) throw error;
    throw new KbaWsError('AUDIT_FAILED', `Could not open the audit log ${path}.`, {
      cause: error,
      details: { path },
    });
  }
  const log = logFd;
  const headFile = headFd;

  let queue: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let failure: KbaWsError | undefined;
  let closing: Promise<void> | undefined;
  let syncsInFlight = 0;
  let slotFree: (() => void) | undefined;
  // Resolves once every batch written so far is acknowledged or rejected, in order.
  let acknowledged: Promise<void> = Promise.resolve();

  const fail = (cause: unknown, batch: readonly Pending[]) => {
    failure ??= new KbaWsError(
      'AUDIT_FAILED',
      `Writing the audit log ${path} failed; the sink accepts no further events.`,
      { cause, details: { path } },
    );
    const waiting = [...batch, ...queue];
    queue = [];
    for (const entry of waiting) entry.reject(failure);
  };

  // Batches are written in chain order (O_APPEND), and the next batch may be written while the previous
  // one is still syncing: overlapping two fdatasyncs nearly halves the wait per event.
  const acknowledge = async (batch: readonly Pending[], synced: Promise<void>, previous: Promise<void>) => {
    try {
      await synced;
    } catch (error) {
      fail(error, batch);
    } finally {
      syncsInFlight--;
      const wake = slotFree;
      slotFree = undefined;
      wake?.();
    }
    await previous;
    // A failed earlier sync leaves this batch's chain without its predecessors: refuse it too.
    if (failure !== undefined) {
      for (const entry of batch) entry.reject(failure);
      return;
    }
    // The head names this batch's last record, now durable (`last` may already be further on). One 256-byte
    // pwrite at offset 0, inside one disk sector: old or new, never mixed. It is synced on open and close,
    // not per batch: after a power loss a lagging head is harmless (the verifier accepts lag), while a sync
    // per batch would add about a millisecond to every acknowledged event under load.
    const head = batch[batch.length - 1]?.head;
    if (head !== undefined) {
      try {
        writeAllSync(headFile, formatAuditHead(head), 0);
      } catch (error) {
        fail(error, batch);
        return;
      }
    }
    for (const entry of batch) entry.resolve();
  };

  // Records and head updates go to the page cache with synchronous write(2) calls, which take microseconds;
  // only fdatasync, which waits for the disk, runs in the thread pool. A thread-pool round trip costs more
  // main-thread time than the write itself, and it would add two of them to every batch.
  const flush = async () => {
    try {
      // Let the writer's synchronous code finish first: events it writes together share one batch, and
      // `flushing` is set before this function can finish.
      await undefined;
      while (queue.length > 0 && failure === undefined) {
        if (syncsInFlight >= MAX_SYNCS_IN_FLIGHT) {
          await new Promise<void>((wake) => {
            slotFree = wake;
          });
          continue;
        }
        const batch = queue;
        queue = [];
        try {
          writeAllSync(log, Buffer.from(batch.map((entry) => entry.line).join(''), 'utf8'), null);
        } catch (error) {
          fail(error, batch);
          return;
        }
        syncsInFlight++;
        acknowledged = acknowledge(batch, datasync(log), acknowledged);
      }
    } finally {
      flushing = undefined;
    }
  };

  const writeEvent = (event: AuditEvent): Promise<void> => {
    if (closing !== undefined) {
      return Promise.reject(
        new KbaWsError('AUDIT_SINK_CLOSED', `The audit sink for ${path} is closed.`, { details: { path } }),
      );
    }
    if (failure !== undefined) return Promise.reject(failure);
    let record: { line: string; head: AuditHead };
    try {
      // Flat events of JSON scalars (what the client writes) are JSON already; anything else is normalised.
      const normalized: unknown = isPlainJsonEvent(event) ? event : JSON.parse(JSON.stringify(event));
      if (
        typeof normalized !== 'object' ||
        normalized === null ||
        Array.isArray(normalized) ||
        typeof (normalized as Record<string, unknown>)['event.name'] !== 'string'
      ) {
        throw new Error('an audit event must be an object with a string event.name');
      }
      record = buildLine(normalized as Record<string, unknown>);
    } catch (error) {
      return Promise.reject(
        new KbaWsError('AUDIT_FAILED', `The audit event could not be recorded: ${(error as Error).message}`, {
          cause: error,
          details: { path },
        }),
      );
    }
    return new Promise<void>((resolvePromise, reject) => {
      queue.push({ ...record, resolve: resolvePromise, reject });
      flushing ??= flush();
    });
  };

  const close = (): Promise<void> => {
    closing ??= (async () => {
      while (flushing !== undefined || syncsInFlight > 0) {
        await flushing;
        await acknowledged;
      }
      if (failure === undefined) {
        try {
          fdatasyncSync(headFile);
        } catch {
          // the log itself is durable; a stale head only lags
        }
      }
      for (const fd of [log, headFile]) {
        try {
          closeSync(fd);
        } catch {
          // a failed sink may have lost its descriptor already
        }
      }
      releaseAuditLock(lockPath);
    })();
    return closing;
  };

  return { path, write: writeEvent, close };
}
