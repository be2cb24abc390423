import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, startServerProcess, TestkitError } from '../src/index.js';
import { processesMentioning } from './process-table.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'egovkit-process-test-'));

describe('startServerProcess', () => {
  it('names the Debian package when the server binary is missing', async () => {
    const directory = scratch();
    const error = await startServerProcess({
      name: 'ghost',
      command: 'egovkit-no-such-server',
      args: [],
      directory,
      debianPackage: 'egovkit-ghost',
      isReady: async () => true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestkitError);
    expect(error).toMatchObject({
      code: 'TESTKIT_BINARY_MISSING',
      details: { debianPackage: 'egovkit-ghost' },
    });
    expect((error as Error).message).toContain('apt-get install -y egovkit-ghost');
    expect(existsSync(directory)).toBe(false);
  });

  it('reports a server that exits while starting, with its output', async () => {
    const directory = scratch();
    const error = await startServerProcess({
      name: 'quitter',
      command: 'sh',
      args: ['-c', 'echo "cannot bind: address already taken" >&2; exit 3'],
      directory,
      debianPackage: 'dash',
      isReady: async () => false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TESTKIT_SERVER_EXITED', details: { exitCode: 3 } });
    expect((error as TestkitError).details?.output).toContain('cannot bind');
    expect(existsSync(directory)).toBe(false);
  });

  it('gives up on a server that never becomes ready and stops it', async () => {
    const directory = scratch();
    // A duration nobody else uses makes this sleep findable in the process table.
    const seconds = String(600_000 + Math.floor(Math.random() * 100_000));
    const error = await startServerProcess({
      name: 'sleeper',
      command: 'sleep',
      args: [seconds],
      directory,
      debianPackage: 'coreutils',
      startTimeoutMs: 300,
      isReady: async () => false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TESTKIT_SERVER_START_TIMEOUT' });
    expect(processesMentioning(`sleep ${seconds}`)).toEqual([]);
    expect(existsSync(directory)).toBe(false);
  });

  it('hands out the server pid and stops the server on SIGTERM', async () => {
    const server = await startServerProcess({
      name: 'sleeper',
      command: 'sleep',
      args: ['600'],
      directory: scratch(),
      debianPackage: 'coreutils',
      isReady: async () => true,
    });
    expect(isProcessAlive(server.pid)).toBe(true);
    expect(server.pid).not.toBe(server.watchdogPid);
    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(await server.exited).toEqual({ code: 128 });
  });
});
