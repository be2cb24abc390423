import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getFreePort,
  LOOPBACK,
  retryOnPortConflict,
  type ServerProcess,
  startServerProcess,
} from './process.js';

export interface RedisOptions {
  /** Require AUTH with this password (`requirepass`). */
  readonly password?: string;
  readonly startTimeoutMs?: number;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` (with the password in the user-info part when one is set). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly password: string | undefined;
  readonly process: ServerProcess;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function encodeCommand(...parts: string[]): string {
  return `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
}

/** Sends PING (after AUTH when a password is set) and resolves true on +PONG. */
export function redisPing(port: number, password?: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: LOOPBACK, port });
    let received = '';
    const finish = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => {
      socket.write((password === undefined ? '' : encodeCommand('AUTH', password)) + encodeCommand('PING'));
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('+PONG\r\n')) finish(true);
      else if (received.includes('-')) finish(false);
    });
  });
}

/**
 * Starts redis-server on 127.0.0.1 in a temporary directory, without persistence (no RDB, no AOF),
 * in protected mode.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  return retryOnPortConflict(async () => {
    const directory = mkdtempSync(join(tmpdir(), 'egovkit-redis-'));
    const port = await getFreePort();
    const args = [
      '--bind',
      LOOPBACK,
      '--port',
      String(port),
      '--dir',
      directory,
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ];
    const serverProcess = await startServerProcess({
      name: 'redis-server',
      command: 'redis-server',
      args,
      directory,
      debianPackage: 'redis-server',
      ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
      isReady: () => redisPing(port, options.password),
    });
    const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
    const stop = () => serverProcess.stop();
    return {
      url: `redis://${auth}${LOOPBACK}:${port}`,
      host: LOOPBACK,
      port,
      password: options.password,
      process: serverProcess,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  });
}
