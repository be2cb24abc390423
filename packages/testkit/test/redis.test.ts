import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, redisPing, startRedis } from '../src/index.js';
import { processesMentioning } from './process-table.js';

/** One RESP round trip; enough to prove the server stores data. */
function redisCommand(port: number, ...parts: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('error', reject);
    socket.once('data', (chunk) => {
      resolve(chunk.toString('utf8'));
      socket.destroy();
    });
    socket.write(`*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`);
  });
}

describe('startRedis', () => {
  it('starts redis-server on 127.0.0.1 and stores data', async () => {
    await using redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisCommand(redis.port, 'SET', 'greeting', 'moin')).toBe('+OK\r\n');
    expect(await redisCommand(redis.port, 'GET', 'greeting')).toBe('$4\r\nmoin\r\n');
    expect(await redisCommand(redis.port, 'CONFIG', 'GET', 'bind')).toContain('127.0.0.1');
  });

  it('requires the password when one is set', async () => {
    await using redis = await startRedis({ password: 'p@ss word' });
    expect(redis.url).toBe(`redis://:p%40ss%20word@127.0.0.1:${redis.port}`);
    expect(await redisPing(redis.port)).toBe(false);
    expect(await redisPing(redis.port, 'wrong')).toBe(false);
    expect(await redisPing(redis.port, 'p@ss word')).toBe(true);
  });

  it('stops completely: no process, no directory, nothing in the process table', async () => {
    const redis = await startRedis();
    const { pid, watchdogPid, directory } = redis.process;
    await redis.stop();
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(watchdogPid)).toBe(false);
    expect(existsSync(directory)).toBe(false);
    expect(processesMentioning(directory)).toEqual([]);
    expect(await redisPing(redis.port)).toBe(false);
  });
});
