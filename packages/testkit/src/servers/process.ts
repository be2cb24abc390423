import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as setTimeoutPromise } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TestkitError } from '../errors.js';

/** Loopback only: test servers are never reachable from another host. */
export const LOOPBACK = '127.0.0.1';

const WATCHDOG = fileURLToPath(new URL('./watchdog.cjs', import.meta.url));
const OUTPUT_LIMIT = 64 * 1024;
const POLL_INTERVAL_MS = 25;

export interface ServerExit {
  readonly code: number | null;
}

/** A server running in a child process under a watchdog that kills it if the test process dies. */
export interface ServerProcess {
  readonly name: string;
  /** The server's own process id. */
  readonly pid: number;
  /** The watchdog's process id (the direct child of the test process). */
  readonly watchdogPid: number;
  /** Working directory of the server; removed by `stop()`. */
  readonly directory: string;
  /** The last 64 KiB of the server's stdout and stderr, for error messages. */
  output(): string;
  readonly exited: Promise<ServerExit>;
  /** Terminates the server (SIGTERM, then SIGKILL), waits for it, and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartServerProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly directory: string;
  /** Polled until it resolves true; the server counts as started then. */
  readonly isReady: () => Promise<boolean>;
  /** Debian package that provides `command`, named in the error when it is missing. */
  readonly debianPackage: string;
  readonly startTimeoutMs?: number;
  /** How long the server gets between SIGTERM and SIGKILL. */
  readonly stopGraceMs?: number;
}

const running = new Set<{ pid: number; watchdogPid: number; directory: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a test process that exits without stopping its servers; the watchdog covers crashes.
  process.once('exit', () => {
    for (const entry of running) {
      for (const pid of [entry.pid, entry.watchdogPid]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      rmSync(entry.directory, { recursive: true, force: true });
    }
  });
}

/** True while a process with this id exists (and is not a zombie). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); treat it as gone. /proc is Linux-only, so its absence proves nothing.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Finds an executable in PATH and the sbin directories (where Debian puts slapd), or undefined. */
export function findExecutable(command: string): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const directory of directories) {
    if (directory === '') continue;
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isPortAccepting(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: LOOPBACK, port });
    const finish = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function readServerPid(watchdog: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const report = watchdog.stdio[3];
    if (report === null || report === undefined || !('on' in report)) {
      reject(new Error('watchdog report pipe missing'));
      return;
    }
    let buffered = '';
    report.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const message = JSON.parse(buffered.slice(0, newline)) as { pid?: number; error?: string };
      if (typeof message.pid === 'number') resolve(message.pid);
      else reject(new Error(message.error ?? 'the server process could not be started'));
    });
    watchdog.once('exit', () => reject(new Error('the watchdog exited before it reported the server pid')));
  });
}

/**
 * Starts `command` under the watchdog, waits until `isReady()` holds, and returns a handle whose `stop()`
 * always cleans up. Fails with a TestkitError (and leaves nothing running) when the server exits or
 * does not become ready in time.
 */
export async function startServerProcess(options: StartServerProcessOptions): Promise<ServerProcess> {
  const executable = findExecutable(options.command);
  if (executable === undefined) {
    rmSync(options.directory, { recursive: true, force: true });
    throw new TestkitError(
      'TESTKIT_BINARY_MISSING',
      `${options.command} is not installed; install the Debian package: apt-get install -y ${options.debianPackage}`,
      { details: { command: options.command, debianPackage: options.debianPackage } },
    );
  }
  const stopGraceMs = options.stopGraceMs ?? 3000;
  const watchdog = spawn(
    process.execPath,
    [WATCHDOG, String(stopGraceMs), options.directory, executable, ...options.args],
    {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  watchdog.stdout?.on('data', capture);
  watchdog.stderr?.on('data', capture);
  const exited = new Promise<ServerExit>((resolve) => watchdog.once('exit', (code) => resolve({ code })));

  const watchdogPid = watchdog.pid ?? -1;
  let pid: number;
  try {
    pid = await readServerPid(watchdog);
  } catch (error) {
    rmSync(options.directory, { recursive: true, force: true });
    throw new TestkitError(
      'TESTKIT_SERVER_EXITED',
      `${options.name} could not be started: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const entry = { pid, watchdogPid, directory: options.directory };
  running.add(entry);
  installExitHook();

  let stopping: Promise<void> | undefined;
  const handle: ServerProcess = {
    name: options.name,
    pid,
    watchdogPid,
    directory: options.directory,
    output: () => output,
    exited,
    stop() {
      stopping ??= (async () => {
        watchdog.stdin?.end();
        const timedOut = await Promise.race([
          exited.then(() => false),
          // Unreferenced: a stop that finished early must not keep the test process alive.
          setTimeoutPromise(stopGraceMs + 2000, true, { ref: false }),
        ]);
        if (timedOut || isProcessAlive(pid)) {
          for (const target of [pid, watchdogPid]) {
            try {
              process.kill(target, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          await exited;
        }
        running.delete(entry);
        rmSync(options.directory, { recursive: true, force: true });
      })();
      return stopping;
    },
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  while (!hasExited) {
    if (await options.isReady()) return handle;
    if (Date.now() > deadline) {
      const message = `${options.name} did not become ready within ${options.startTimeoutMs ?? 10_000} ms`;
      const log = output;
      await handle.stop();
      throw new TestkitError('TESTKIT_SERVER_START_TIMEOUT', `${message}\n${log}`, {
        details: { output: log },
      });
    }
    await setTimeoutPromise(POLL_INTERVAL_MS);
  }
  const { code } = await exited;
  await handle.stop();
  throw new TestkitError(
    'TESTKIT_SERVER_EXITED',
    `${options.name} exited with code ${code} while starting:\n${output}`,
    {
      details: { exitCode: code, output },
    },
  );
}

/**
 * Runs `start` again (at most `attempts` times) when the server exited because its port was taken in the
 * moment between `getFreePort()` and the server's own bind().
 */
export async function retryOnPortConflict<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const output = error instanceof TestkitError ? String(error.details?.output ?? '') : '';
      if (attempt >= attempts || !/address already in use/i.test(output)) throw error;
    }
  }
}
