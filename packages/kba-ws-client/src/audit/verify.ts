import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { KbaWsError } from '../errors.js';
import { type AuditHead, auditHeadPath, GENESIS_HASH, parseAuditHead, parseAuditRecord } from './chain.js';

export type AuditLogIssueCode =
  | 'LINE_MALFORMED'
  | 'HASH_MISMATCH'
  | 'CHAIN_BROKEN'
  | 'SEQUENCE_GAP'
  | 'TRUNCATED'
  | 'HEAD_MISSING'
  | 'HEAD_INVALID'
  | 'TORN_TAIL';

/** `warning` issues do not make a log invalid. */
export type AuditLogIssueSeverity = 'error' | 'warning';

export interface AuditLogIssue {
  readonly code: AuditLogIssueCode;
  /** 1-based line of the log; 0 for issues of the head file. */
  readonly line: number;
  readonly message: string;
  readonly severity: AuditLogIssueSeverity;
}

export interface AuditLogVerification {
  readonly path: string;
  /** No issue of severity `error`. */
  readonly valid: boolean;
  /** Well-formed records read (a torn last line is not one). */
  readonly records: number;
  readonly firstTime?: string;
  readonly lastTime?: string;
  readonly lastSeq?: number;
  readonly lastHash?: string;
  /** What the head file says, if it was readable. */
  readonly head?: AuditHead;
  readonly issues: readonly AuditLogIssue[];
  /** Issues beyond `maxIssues`, counted but not listed. */
  readonly omittedIssues: number;
}

export interface VerifyAuditLogOptions {
  /** Treat a missing head file as an error (truncation at the end is undetectable without it). Default false. */
  readonly requireHead?: boolean;
  /** Default `<path>.head`. */
  readonly headPath?: string;
  /** Issues listed at most; the rest are counted. Default 1000. */
  readonly maxIssues?: number;
}

type HeadState =
  | { readonly state: 'ok'; readonly head: AuditHead }
  | { readonly state: 'missing' | 'invalid' };

async function readHeadState(headPath: string): Promise<HeadState> {
  try {
    const head = parseAuditHead(await readFile(headPath, 'utf8'));
    return head === undefined ? { state: 'invalid' } : { state: 'ok', head };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'missing' } : { state: 'invalid' };
  }
}

function unreadable(path: string, cause: unknown): KbaWsError {
  return new KbaWsError('AUDIT_LOG_UNREADABLE', `The audit log ${path} cannot be read.`, {
    cause,
    details: { path },
  });
}

/**
 * Checks an audit log written by the JSON Lines sink: every line's hash, the chain of `prev` hashes, the
 * sequence numbers and, with the head file, that no records were removed at the end. Streams the file.
 * Safe on a log that is being written: the head is read first and only the bytes present then are checked.
 */
export async function verifyAuditLog(
  path: string,
  options: VerifyAuditLogOptions = {},
): Promise<AuditLogVerification> {
  const logPath = resolve(path);
  const maxIssues = options.maxIssues ?? 1000;
  const issues: AuditLogIssue[] = [];
  let omittedIssues = 0;
  const report = (
    code: AuditLogIssueCode,
    line: number,
    message: string,
    severity: AuditLogIssueSeverity,
  ) => {
    if (issues.length < maxIssues) issues.push({ code, line, message, severity });
    else omittedIssues++;
  };
  let errors = 0;
  const error = (code: AuditLogIssueCode, line: number, message: string) => {
    errors++;
    report(code, line, message, 'error');
  };

  // Head before log: the head only names records that were durable before it was written.
  const headState = await readHeadState(options.headPath ?? auditHeadPath(logPath));
  const head = headState.state === 'ok' ? headState.head : undefined;

  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(logPath, 'r');
  } catch (cause) {
    throw unreadable(logPath, cause);
  }

  let records = 0;
  let lineNumber = 0;
  let firstTime: string | undefined;
  let lastTime: string | undefined;
  let lastSeq: number | undefined;
  let lastHash: string | undefined;
  // Undefined after a malformed line: the next record cannot be checked against it.
  let expectedSeq: number | undefined = 1;
  let expectedPrev: string | undefined = GENESIS_HASH;

  const checkLine = (text: string) => {
    lineNumber++;
    const record = parseAuditRecord(text);
    if ('error' in record) {
      error('LINE_MALFORMED', lineNumber, `Line is not an audit record: ${record.error}.`);
      expectedSeq = undefined;
      expectedPrev = undefined;
      return;
    }
    records++;
    if (record.computedHash !== record.hash) {
      error(
        'HASH_MISMATCH',
        lineNumber,
        `Record ${record.seq} was changed: its content does not match its hash.`,
      );
    }
    if (expectedSeq !== undefined && record.seq !== expectedSeq) {
      const message =
        record.seq > expectedSeq
          ? `Expected record ${expectedSeq}, found ${record.seq}: ${record.seq - expectedSeq} record(s) missing.`
          : `Expected record ${expectedSeq}, found ${record.seq}: sequence numbers repeat or go back.`;
      error('SEQUENCE_GAP', lineNumber, message);
    }
    if (expectedPrev !== undefined && record.prev !== expectedPrev) {
      error(
        'CHAIN_BROKEN',
        lineNumber,
        `Record ${record.seq} does not link to the record before it (prev ${record.prev.slice(0, 16)}…, expected ${expectedPrev.slice(0, 16)}…).`,
      );
    }
    if (head !== undefined && record.seq === head.seq && record.hash !== head.hash) {
      error(
        'TRUNCATED',
        lineNumber,
        `The head file names another hash for record ${head.seq}: records from here on were replaced.`,
      );
    }
    expectedSeq = record.seq + 1;
    expectedPrev = record.hash;
    firstTime ??= record.time;
    lastTime = record.time;
    lastSeq = record.seq;
    lastHash = record.hash;
  };

  try {
    const { size } = await handle.stat();
    let endsWithNewline = true;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      endsWithNewline = last[0] === 0x0a;
      const lines = createInterface({
        input: handle.createReadStream({ start: 0, end: size - 1, autoClose: false }),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      // One line of look-ahead: only the very last line can be torn.
      let previous: string | undefined;
      for await (const text of lines) {
        if (previous !== undefined) checkLine(previous);
        previous = text;
      }
      if (previous !== undefined) {
        if (endsWithNewline) checkLine(previous);
        else {
          report(
            'TORN_TAIL',
            lineNumber + 1,
            `The last line is incomplete (${Buffer.byteLength(previous, 'utf8')} bytes): an interrupted write that was never acknowledged.`,
            'warning',
          );
        }
      }
    }
  } catch (cause) {
    throw unreadable(logPath, cause);
  } finally {
    await handle.close();
  }

  if (headState.state === 'missing') {
    const message = 'No head file: records removed from the end of the log cannot be detected.';
    if (options.requireHead) error('HEAD_MISSING', 0, message);
    else report('HEAD_MISSING', 0, message, 'warning');
  } else if (headState.state === 'invalid') {
    error('HEAD_INVALID', 0, 'The head file is unreadable or malformed.');
  } else if (head !== undefined && head.seq > (lastSeq ?? 0)) {
    error(
      'TRUNCATED',
      lineNumber + 1,
      `The head file records ${head.seq} records, but the log ends at record ${lastSeq ?? 0}: records were removed from the end.`,
    );
  }

  return {
    path: logPath,
    valid: errors === 0,
    records,
    ...(firstTime === undefined ? {} : { firstTime }),
    ...(lastTime === undefined ? {} : { lastTime }),
    ...(lastSeq === undefined ? {} : { lastSeq }),
    ...(lastHash === undefined ? {} : { lastHash }),
    ...(head === undefined ? {} : { head }),
    issues,
    omittedIssues,
  };
}

/** A human-readable, English report of a verification, for the command line. */
export function formatAuditLogVerification(result: AuditLogVerification): string {
  const lines = [`Audit log ${result.path}: ${result.valid ? 'VALID' : 'INVALID'}`];
  const span =
    result.firstTime === undefined ? '' : `, ${result.firstTime} to ${result.lastTime ?? result.firstTime}`;
  lines.push(`  records: ${result.records}${span}`);
  if (result.lastSeq !== undefined && result.lastHash !== undefined) {
    lines.push(`  last record: #${result.lastSeq}, hash ${result.lastHash}`);
  }
  lines.push(
    result.head === undefined ? '  head: none' : `  head: #${result.head.seq}, hash ${result.head.hash}`,
  );
  const errors = result.issues.filter((issue) => issue.severity === 'error');
  const warnings = result.issues.filter((issue) => issue.severity === 'warning');
  for (const [title, list] of [
    ['errors', errors],
    ['warnings', warnings],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`  ${title}:`);
    for (const issue of list) {
      const where = issue.line === 0 ? 'head' : `line ${issue.line}`;
      lines.push(`    ${where}: ${issue.code}: ${issue.message}`);
    }
  }
  if (result.omittedIssues > 0) lines.push(`  … ${result.omittedIssues} more issue(s) not listed`);
  return lines.join('\n');
}
