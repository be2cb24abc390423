import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/index.js';

const vitestCli = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const fixtureConfig = join(import.meta.dirname, 'fixtures', 'cleanup.vitest.config.ts');

interface StartedServer {
  label: string;
  pid: number;
  watchdogPid: number;
  directory: string;
}

/** Runs one fixture suite in its own vitest process and returns its exit code and the servers it started. */
async function runFixture(
  file: string,
): Promise<{ exitCode: number | null; output: string; started: StartedServer[] }> {
  const scratch = mkdtempSync(join(tmpdir(), 'egovkit-cleanup-test-'));
  const reportFile = join(scratch, 'report.jsonl');
  try {
    const child = spawn(process.execPath, [vitestCli, 'run', '--config', fixtureConfig, file], {
      env: {
        ...process.env,
        EGOVKIT_CLEANUP_REPORT: reportFile,
        VITEST: undefined,
        VITEST_WORKER_ID: undefined,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = existsSync(reportFile)
      ? readFileSync(reportFile, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as StartedServer)
      : [];
    return { exitCode, output, started };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Waits until none of the processes exists; liveness, not speed: the bound is generous. */
async function waitUntilGone(pids: number[], deadlineMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + deadlineMs;
  let alive = pids.filter(isProcessAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(isProcessAlive);
  }
  return alive;
}

describe('servers never outlive their tests', () => {
  it('stops slapd and redis-server of a failing suite', { timeout: 120_000 }, async () => {
    const run = await runFixture('failing-test.fixture.ts');
    expect(run.exitCode, run.output).toBe(1);
    expect(run.output).toContain('deliberate failure');
    expect(run.started.map((s) => s.label)).toEqual(['failing-test slapd', 'failing-test redis']);
    for (const server of run.started) {
      expect(isProcessAlive(server.pid), server.label).toBe(false);
      expect(isProcessAlive(server.watchdogPid), server.label).toBe(false);
      expect(existsSync(server.directory), server.label).toBe(false);
    }
  });

  it('kills slapd and redis-server when the test worker itself is killed', { timeout: 120_000 }, async () => {
    const run = await runFixture('crashing-worker.fixture.ts');
    expect(run.exitCode, run.output).not.toBe(0);
    expect(run.started.map((s) => s.label)).toEqual(['crashing-worker slapd', 'crashing-worker redis']);
    const pids = run.started.flatMap((s) => [s.pid, s.watchdogPid]);
    expect(await waitUntilGone(pids)).toEqual([]);
    for (const server of run.started) expect(existsSync(server.directory), server.label).toBe(false);
  });
});
