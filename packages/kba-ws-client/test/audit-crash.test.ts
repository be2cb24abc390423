import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonLinesAuditSink } from '../src/audit/json-lines-sink.js';
import { verifyAuditLog } from '../src/audit/verify.js';
import { KbaWsError } from '../src/errors.js';
import { auditTempDir, readAuditRecords, testEvent } from './helpers/audit-files.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const writerScript = fileURLToPath(new URL('./helpers/audit-crash-writer.ts', import.meta.url));

let dir: string;
let cleanup: () => void;
let child: ChildProcess | undefined;

beforeEach(() => {
  ({ dir, cleanup } = auditTempDir());
});
afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  cleanup();
});

/** Runs the writer until it has acknowledged `count` events, then kills it with SIGKILL. */
function runAndKill(logPath: string, count: number, whileRunning: () => void): Promise<Set<number>> {
  return new Promise((resolve, reject) => {
    const acked = new Set<number>();
    let stderr = '';
    let buffered = '';
    let killed = false;
    // --import resolves against the working directory, where tsx is a devDependency.
    child = spawn(process.execPath, ['--import', 'tsx', writerScript, logPath], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const running = child;
    running.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    running.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) acked.add(Number(match[1]));
      }
      if (!killed && acked.size >= count) {
        killed = true;
        try {
          whileRunning();
        } catch (error) {
          running.kill('SIGKILL');
          reject(error);
          return;
        }
        running.kill('SIGKILL');
      }
    });
    running.once('error', reject);
    running.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`));
    });
  });
}

describe('JSON Lines audit sink under SIGKILL', () => {
  it('keeps every acknowledged event, leaves a verifiable log and recovers on reopen', async () => {
    const logPath = join(dir, 'audit.jsonl');
    let refusal: unknown;
    const acked = await runAndKill(logPath, 400, () => {
      // The live child holds the lock: a writer in this process must be refused.
      try {
        createJsonLinesAuditSink({ path: logPath });
      } catch (error) {
        refusal = error;
      }
    });
    expect(refusal).toBeInstanceOf(KbaWsError);
    expect((refusal as KbaWsError).code).toBe('AUDIT_LOG_LOCKED');
    expect(acked.size).toBeGreaterThanOrEqual(400);

    const afterCrash = await verifyAuditLog(logPath);
    expect(afterCrash.issues.filter((issue) => issue.code !== 'TORN_TAIL')).toEqual([]);
    expect(afterCrash.valid).toBe(true);

    const logged = readAuditRecords(logPath).map((record) => record.event['kba.test.index']);
    const present = new Set(logged);
    expect([...acked].filter((n) => !present.has(n))).toEqual([]);
    // Each event at most once, in the order the writers issued them.
    expect(logged).toEqual([...logged].sort((a, b) => Number(a) - Number(b)));
    expect(new Set(logged).size).toBe(logged.length);

    // The dead writer's lock is taken over; a torn tail, if any, is cut and the chain continues.
    const sink = createJsonLinesAuditSink({ path: logPath });
    await sink.write(testEvent(1));
    await sink.close();
    const reopened = await verifyAuditLog(logPath, { requireHead: true });
    expect(reopened.issues).toEqual([]);
    expect(reopened.valid).toBe(true);
    expect(reopened.records).toBeGreaterThanOrEqual(logged.length + 1);
  });
});
