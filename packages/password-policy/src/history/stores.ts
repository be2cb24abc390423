import { PasswordPolicyError } from '../errors.js';
import type { RedisScriptRunner } from '../redis.js';

/** Where the hashes of a user's previous passwords live, newest first. */
export interface PasswordHistoryStore {
  /** The stored hashes of `userId`, newest first. */
  list(userId: string): Promise<readonly string[]>;
  /** Adds a hash as the newest entry and keeps at most `keep` entries, atomically. */
  add(userId: string, encodedHash: string, keep: number): Promise<void>;
  /** Forgets the user's history (e.g. when the account is deleted). */
  remove(userId: string): Promise<void>;
}

/** History for a single process (tests, small installations). */
export class InMemoryPasswordHistoryStore implements PasswordHistoryStore {
  readonly #entries = new Map<string, string[]>();

  async list(userId: string): Promise<readonly string[]> {
    return [...(this.#entries.get(userId) ?? [])];
  }

  async add(userId: string, encodedHash: string, keep: number): Promise<void> {
    this.#entries.set(userId, [encodedHash, ...(this.#entries.get(userId) ?? [])].slice(0, keep));
  }

  async remove(userId: string): Promise<void> {
    this.#entries.delete(userId);
  }
}

const LIST_SCRIPT = "return redis.call('LRANGE', KEYS[1], 0, -1)";
const ADD_SCRIPT = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1`;
const REMOVE_SCRIPT = "return redis.call('DEL', KEYS[1])";

/** History shared by several application servers, one Redis list per user (LPUSH + LTRIM in one script). */
export class RedisPasswordHistoryStore implements PasswordHistoryStore {
  readonly #redis: RedisScriptRunner;
  readonly #prefix: string;

  constructor(redis: RedisScriptRunner, options: { readonly keyPrefix?: string } = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'egovkit:password-history:';
  }

  async list(userId: string): Promise<readonly string[]> {
    const result = await this.#redis.runScript(LIST_SCRIPT, [this.#prefix + userId], []);
    if (!Array.isArray(result) || !result.every((entry) => typeof entry === 'string')) {
      throw new PasswordPolicyError('STORE_FAILED', 'Redis returned an unexpected password history');
    }
    return result;
  }

  async add(userId: string, encodedHash: string, keep: number): Promise<void> {
    await this.#redis.runScript(ADD_SCRIPT, [this.#prefix + userId], [encodedHash, String(keep)]);
  }

  async remove(userId: string): Promise<void> {
    await this.#redis.runScript(REMOVE_SCRIPT, [this.#prefix + userId], []);
  }
}
