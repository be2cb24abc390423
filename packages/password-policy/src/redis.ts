import { storeFailure } from './errors.js';

/**
 * The one Redis capability the Redis adapters use: running a Lua script atomically. Wrap your client with
 * `nodeRedisScriptRunner` (the `redis` package) or `ioredisScriptRunner` (`ioredis`); this package depends on
 * neither.
 */
export interface RedisScriptRunner {
  runScript(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

/** The part of a `redis` (node-redis v4/v5) client the runner needs. */
export interface NodeRedisLike {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an `ioredis` client the runner needs. */
export interface IoredisLike {
  eval(script: string, numberOfKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

export function nodeRedisScriptRunner(client: NodeRedisLike): RedisScriptRunner {
  return {
    async runScript(script, keys, args) {
      try {
        return await client.eval(script, { keys: [...keys], arguments: [...args] });
      } catch (error) {
        throw storeFailure('Redis script', error);
      }
    },
  };
}

export function ioredisScriptRunner(client: IoredisLike): RedisScriptRunner {
  return {
    async runScript(script, keys, args) {
      try {
        return await client.eval(script, keys.length, ...keys, ...args);
      } catch (error) {
        throw storeFailure('Redis script', error);
      }
    },
  };
}
