import { PasswordPolicyError } from '../errors.js';
import type { RedisScriptRunner } from '../redis.js';
import type { LockoutPolicy } from './policy.js';

/** What a store remembers per account. `failures` counts attempts since the last success, settled or not. */
export interface LockoutState {
  readonly failures: number;
  /** Start of the latest counted attempt (epoch ms), or 0. */
  readonly lastAttemptAt: number;
}

/** The outcome of `acquire`: the attempt is counted (allowed) or refused with a reason. */
export type AcquireResult =
  | { readonly allowed: true; readonly failures: number }
  | {
      readonly allowed: false;
      readonly reason: 'LOCKED' | 'DELAYED';
      readonly failures: number;
      readonly retryAt?: number;
    };

/**
 * Lockout state behind an adapter. `acquire` must decide and count in one atomic step, so that concurrent
 * attempts — in one process or on several servers — can never get past the limit together.
 */
export interface LockoutStore {
  acquire(account: string, now: number, policy: LockoutPolicy): Promise<AcquireResult>;
  /** After a successful login: back to zero failures. */
  reset(account: string): Promise<void>;
  /** Administrator unlock: back to zero failures. */
  unlock(account: string): Promise<void>;
  get(account: string): Promise<LockoutState>;
}

/** The decision both stores make, on plain numbers (the Redis store runs the same logic in Lua). */
export function decide(state: LockoutState, now: number, policy: LockoutPolicy): AcquireResult {
  if (policy.mode === 'lock') {
    if (state.failures >= policy.maxFailures)
      return { allowed: false, reason: 'LOCKED', failures: state.failures };
  } else if (state.failures >= policy.failuresBeforeDelay && now < state.lastAttemptAt + policy.delayMs) {
    return {
      allowed: false,
      reason: 'DELAYED',
      failures: state.failures,
      retryAt: state.lastAttemptAt + policy.delayMs,
    };
  }
  return { allowed: true, failures: state.failures + 1 };
}

const EMPTY: LockoutState = { failures: 0, lastAttemptAt: 0 };

/** Lockout state for one process. Each method reads and writes without an await in between: atomic in JS. */
export class InMemoryLockoutStore implements LockoutStore {
  readonly #states = new Map<string, LockoutState>();

  async acquire(account: string, now: number, policy: LockoutPolicy): Promise<AcquireResult> {
    const result = decide(this.#states.get(account) ?? EMPTY, now, policy);
    if (result.allowed) this.#states.set(account, { failures: result.failures, lastAttemptAt: now });
    return result;
  }

  async reset(account: string): Promise<void> {
    this.#states.delete(account);
  }

  async unlock(account: string): Promise<void> {
    this.#states.delete(account);
  }

  async get(account: string): Promise<LockoutState> {
    return this.#states.get(account) ?? EMPTY;
  }
}

// ARGV: now, mode, limit (maxFailures or failuresBeforeDelay), delayMs. Returns {allowed, reason, failures, retryAt}.
const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[3])
local delay = tonumber(ARGV[4])
local failures = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'lastAttemptAt') or '0')
if ARGV[2] == 'lock' then
  if failures >= limit then return {0, 'LOCKED', failures, 0} end
elseif failures >= limit and now < last + delay then
  return {0, 'DELAYED', failures, last + delay}
end
failures = failures + 1
redis.call('HSET', KEYS[1], 'failures', failures, 'lastAttemptAt', ARGV[1])
return {1, 'ALLOWED', failures, 0}`;

const DELETE_SCRIPT = "return redis.call('DEL', KEYS[1])";
const GET_SCRIPT = "return redis.call('HMGET', KEYS[1], 'failures', 'lastAttemptAt')";

function unexpected(what: string): PasswordPolicyError {
  return new PasswordPolicyError('STORE_FAILED', `Redis returned an unexpected ${what}`);
}

/**
 * Lockout state shared by several application servers (the KBA text allows server groups behind one TLS
 * gateway): one hash per account, every decision in one Lua script. The time comes from the application's
 * clock, passed as an argument, so that all servers must keep their clocks in sync (NTP). There is no TTL: a
 * lock lasts until an administrator unlocks, and a failure counter until the next success.
 */
export class RedisLockoutStore implements LockoutStore {
  readonly #redis: RedisScriptRunner;
  readonly #prefix: string;

  constructor(redis: RedisScriptRunner, options: { readonly keyPrefix?: string } = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'egovkit:lockout:';
  }

  async acquire(account: string, now: number, policy: LockoutPolicy): Promise<AcquireResult> {
    const limit = policy.mode === 'lock' ? policy.maxFailures : policy.failuresBeforeDelay;
    const delay = policy.mode === 'lock' ? 0 : policy.delayMs;
    const result = await this.#redis.runScript(
      ACQUIRE_SCRIPT,
      [this.#prefix + account],
      [String(now), policy.mode, String(limit), String(delay)],
    );
    if (!Array.isArray(result) || result.length !== 4) throw unexpected('lockout decision');
    const [allowed, reason, failures, retryAt] = result;
    if (Number(allowed) === 1) return { allowed: true, failures: Number(failures) };
    if (reason !== 'LOCKED' && reason !== 'DELAYED') throw unexpected('lockout reason');
    return reason === 'DELAYED'
      ? { allowed: false, reason, failures: Number(failures), retryAt: Number(retryAt) }
      : { allowed: false, reason, failures: Number(failures) };
  }

  async reset(account: string): Promise<void> {
    await this.#redis.runScript(DELETE_SCRIPT, [this.#prefix + account], []);
  }

  async unlock(account: string): Promise<void> {
    await this.#redis.runScript(DELETE_SCRIPT, [this.#prefix + account], []);
  }

  async get(account: string): Promise<LockoutState> {
    const result = await this.#redis.runScript(GET_SCRIPT, [this.#prefix + account], []);
    if (!Array.isArray(result)) throw unexpected('lockout state');
    return { failures: Number(result[0] ?? 0), lastAttemptAt: Number(result[1] ?? 0) };
  }
}
