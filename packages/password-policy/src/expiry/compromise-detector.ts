import { type Clock, systemClock } from '../clock.js';
import { PasswordPolicyError, storeFailure } from '../errors.js';
import type { RedisScriptRunner } from '../redis.js';

/** A login-related event, as the Fachverfahren sees it. */
export interface LoginEvent {
  readonly account: string;
  /** `activity` keeps a session alive; `logout` ends it. */
  readonly outcome: 'success' | 'failure' | 'activity' | 'logout';
  /** The session a success opened (or an activity/logout refers to); defaults to the system. */
  readonly sessionId?: string;
  /** The device or system the user works on (workstation, terminal server client …). */
  readonly system?: string;
  /** The site or network zone. */
  readonly location?: string;
  /** Source address (IP); recorded as evidence. */
  readonly address?: string;
}

export type CompromiseReason = 'PARALLEL_SESSIONS' | 'FAILURE_BURST';

/** What made the detector suspect a compromise. Contains no secret, only where and how often. */
export interface CompromiseSignal {
  readonly account: string;
  readonly reason: CompromiseReason;
  readonly at: Date;
  readonly evidence: {
    readonly systems?: readonly string[];
    readonly locations?: readonly string[];
    readonly failures?: number;
    readonly windowMs?: number;
    readonly address?: string;
  };
}

export interface SessionRecord {
  readonly system?: string;
  readonly location?: string;
  readonly lastSeen: number;
}

/** Shared state of the detector. Every method is one atomic step. */
export interface CompromiseStateStore {
  /** Records or refreshes a session and returns the other sessions seen within `timeoutMs`. */
  touchSession(
    account: string,
    sessionKey: string,
    session: SessionRecord,
    timeoutMs: number,
  ): Promise<SessionRecord[]>;
  removeSession(account: string, sessionKey: string): Promise<void>;
  /** Adds a failure at `now` and returns the failures within the last `windowMs`. */
  addFailure(account: string, now: number, windowMs: number): Promise<number>;
  /** Marks the account as needing a password change; true when it was not marked before. */
  flag(account: string, reason: CompromiseReason, now: number): Promise<boolean>;
  isFlagged(account: string): Promise<boolean>;
  /** Forgets flag, sessions and failures (after a password change). */
  clear(account: string): Promise<void>;
}

export interface CompromiseDetectorOptions {
  readonly clock?: Clock;
  /** How long a session counts as active after its last event. Default 8 hours. */
  readonly sessionTimeoutMs?: number;
  /** How many failures within how long count as a burst. Default 10 within 60 minutes. */
  readonly failureBurst?: { readonly count: number; readonly windowMs: number };
  /** Called once per suspicion (until the password is changed): notify the administrators here. */
  readonly onSuspected?: (signal: CompromiseSignal) => void | Promise<void>;
  /** Default: in-memory (one process). Use `RedisCompromiseStateStore` for several application servers. */
  readonly store?: CompromiseStateStore;
}

/**
 * Detects signs that a password is known to someone else — parallel sessions from different systems or
 * locations, and bursts of failed logins — as the KBA text names them. While one runs, the KBA preset waives
 * the periodic change of personal passwords; when it fires, the password must be changed.
 */
export interface CompromiseDetector {
  readonly enabled: true;
  /** Feed every login event here; resolves to the signal when this event raised a suspicion. */
  record(event: LoginEvent): Promise<CompromiseSignal | undefined>;
  isChangeRequired(account: string): Promise<boolean>;
  /** Call after the user has set a new password. */
  passwordChanged(account: string): Promise<void>;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new PasswordPolicyError('ARGUMENT_INVALID', `${name} must be a positive integer`);
  }
  return value;
}

function differs(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

export function createCompromiseDetector(options: CompromiseDetectorOptions = {}): CompromiseDetector {
  const clock = options.clock ?? systemClock;
  const sessionTimeoutMs = positiveInteger(
    options.sessionTimeoutMs ?? 8 * 60 * 60 * 1000,
    'sessionTimeoutMs',
  );
  const burst = options.failureBurst ?? { count: 10, windowMs: 60 * 60 * 1000 };
  positiveInteger(burst.count, 'failureBurst.count');
  positiveInteger(burst.windowMs, 'failureBurst.windowMs');
  const store = options.store ?? new InMemoryCompromiseStateStore();

  /** Records the event in the store and returns the signal it raises, if any. */
  async function detect(event: LoginEvent): Promise<CompromiseSignal | undefined> {
    const now = clock.now();
    const sessionKey = event.sessionId ?? event.system ?? event.address ?? 'default';
    const address = event.address ? { address: event.address } : {};
    switch (event.outcome) {
      case 'failure': {
        const failures = await store.addFailure(event.account, now, burst.windowMs);
        if (failures < burst.count) return undefined;
        return {
          account: event.account,
          reason: 'FAILURE_BURST',
          at: new Date(now),
          evidence: { failures, windowMs: burst.windowMs, ...address },
        };
      }
      case 'logout':
        await store.removeSession(event.account, sessionKey);
        return undefined;
      case 'success':
      case 'activity': {
        const session: SessionRecord = {
          ...(event.system === undefined ? {} : { system: event.system }),
          ...(event.location === undefined ? {} : { location: event.location }),
          lastSeen: now,
        };
        const others = await store.touchSession(event.account, sessionKey, session, sessionTimeoutMs);
        const conflicting = others.filter(
          (other) => differs(other.system, session.system) || differs(other.location, session.location),
        );
        if (conflicting.length === 0) return undefined;
        const all = [session, ...conflicting];
        const distinct = (values: (string | undefined)[]) =>
          [...new Set(values.filter((value): value is string => value !== undefined))].sort();
        return {
          account: event.account,
          reason: 'PARALLEL_SESSIONS',
          at: new Date(now),
          evidence: {
            systems: distinct(all.map((entry) => entry.system)),
            locations: distinct(all.map((entry) => entry.location)),
            ...address,
          },
        };
      }
      default:
        throw new PasswordPolicyError(
          'ARGUMENT_INVALID',
          `unknown login event outcome ${JSON.stringify(event.outcome)}`,
        );
    }
  }

  return {
    enabled: true,
    async record(event) {
      if (typeof event?.account !== 'string' || event.account === '') {
        throw new PasswordPolicyError('ARGUMENT_INVALID', 'a login event needs an account');
      }
      let signal: CompromiseSignal | undefined;
      let newlySuspected = false;
      try {
        signal = await detect(event);
        if (signal !== undefined)
          newlySuspected = await store.flag(signal.account, signal.reason, signal.at.getTime());
      } catch (error) {
        throw storeFailure('compromise detector store', error);
      }
      // Outside the store's error handling: a failing notification is not a store failure.
      if (signal !== undefined && newlySuspected && options.onSuspected) await options.onSuspected(signal);
      return signal;
    },
    async isChangeRequired(account) {
      try {
        return await store.isFlagged(account);
      } catch (error) {
        throw storeFailure('compromise detector store', error);
      }
    },
    async passwordChanged(account) {
      try {
        await store.clear(account);
      } catch (error) {
        throw storeFailure('compromise detector store', error);
      }
    },
  };
}

interface AccountState {
  readonly sessions: Map<string, SessionRecord>;
  failures: number[];
  flagged: boolean;
}

/** Detector state for one process. */
export class InMemoryCompromiseStateStore implements CompromiseStateStore {
  readonly #accounts = new Map<string, AccountState>();

  #state(account: string): AccountState {
    let state = this.#accounts.get(account);
    if (state === undefined) {
      state = { sessions: new Map(), failures: [], flagged: false };
      this.#accounts.set(account, state);
    }
    return state;
  }

  async touchSession(
    account: string,
    sessionKey: string,
    session: SessionRecord,
    timeoutMs: number,
  ): Promise<SessionRecord[]> {
    const { sessions } = this.#state(account);
    for (const [key, other] of sessions)
      if (other.lastSeen < session.lastSeen - timeoutMs) sessions.delete(key);
    const others = [...sessions].filter(([key]) => key !== sessionKey).map(([, other]) => other);
    sessions.set(sessionKey, session);
    return others;
  }

  async removeSession(account: string, sessionKey: string): Promise<void> {
    this.#accounts.get(account)?.sessions.delete(sessionKey);
  }

  async addFailure(account: string, now: number, windowMs: number): Promise<number> {
    const state = this.#state(account);
    state.failures = [...state.failures.filter((at) => at > now - windowMs), now];
    return state.failures.length;
  }

  async flag(account: string): Promise<boolean> {
    const state = this.#state(account);
    const newly = !state.flagged;
    state.flagged = true;
    return newly;
  }

  async isFlagged(account: string): Promise<boolean> {
    return this.#accounts.get(account)?.flagged ?? false;
  }

  async clear(account: string): Promise<void> {
    this.#accounts.delete(account);
  }
}

// Sessions: one hash per account, one field per session holding the JSON SessionRecord.
const TOUCH_SESSION_SCRIPT = `
local sessions = redis.call('HGETALL', KEYS[1])
local now = tonumber(ARGV[2])
local timeout = tonumber(ARGV[4])
local others = {}
for i = 1, #sessions, 2 do
  local record = cjson.decode(sessions[i + 1])
  if record.lastSeen < now - timeout then
    redis.call('HDEL', KEYS[1], sessions[i])
  elseif sessions[i] ~= ARGV[1] then
    table.insert(others, sessions[i + 1])
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], timeout)
return others`;

const ADD_FAILURE_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])`;

const FLAG_SCRIPT = "return redis.call('SET', KEYS[1], ARGV[1], 'NX') and 1 or 0";
const IS_FLAGGED_SCRIPT = "return redis.call('EXISTS', KEYS[1])";
const CLEAR_SCRIPT = "return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])";
const REMOVE_SESSION_SCRIPT = "return redis.call('HDEL', KEYS[1], ARGV[1])";

/** Detector state shared by several application servers; every step is one Lua script. */
export class RedisCompromiseStateStore implements CompromiseStateStore {
  readonly #redis: RedisScriptRunner;
  readonly #prefix: string;
  #failureSequence = 0;

  constructor(redis: RedisScriptRunner, options: { readonly keyPrefix?: string } = {}) {
    this.#redis = redis;
    this.#prefix = options.keyPrefix ?? 'egovkit:compromise:';
  }

  #keys(account: string) {
    return {
      sessions: `${this.#prefix}sessions:${account}`,
      failures: `${this.#prefix}failures:${account}`,
      flag: `${this.#prefix}flag:${account}`,
    };
  }

  async touchSession(
    account: string,
    sessionKey: string,
    session: SessionRecord,
    timeoutMs: number,
  ): Promise<SessionRecord[]> {
    const result = await this.#redis.runScript(
      TOUCH_SESSION_SCRIPT,
      [this.#keys(account).sessions],
      [sessionKey, String(session.lastSeen), JSON.stringify(session), String(timeoutMs)],
    );
    if (!Array.isArray(result))
      throw new PasswordPolicyError('STORE_FAILED', 'Redis returned unexpected sessions');
    return result.map((entry) => JSON.parse(String(entry)) as SessionRecord);
  }

  async removeSession(account: string, sessionKey: string): Promise<void> {
    await this.#redis.runScript(REMOVE_SESSION_SCRIPT, [this.#keys(account).sessions], [sessionKey]);
  }

  async addFailure(account: string, now: number, windowMs: number): Promise<number> {
    // Members must be unique, also for two failures in the same millisecond on different servers.
    const member = `${now}:${process.pid}:${++this.#failureSequence}:${Math.random().toString(36).slice(2)}`;
    const count = await this.#redis.runScript(
      ADD_FAILURE_SCRIPT,
      [this.#keys(account).failures],
      [String(now), String(windowMs), member],
    );
    return Number(count);
  }

  async flag(account: string, reason: CompromiseReason, now: number): Promise<boolean> {
    return (
      Number(await this.#redis.runScript(FLAG_SCRIPT, [this.#keys(account).flag], [`${reason}@${now}`])) === 1
    );
  }

  async isFlagged(account: string): Promise<boolean> {
    return Number(await this.#redis.runScript(IS_FLAGGED_SCRIPT, [this.#keys(account).flag], [])) === 1;
  }

  async clear(account: string): Promise<void> {
    const keys = this.#keys(account);
    await this.#redis.runScript(CLEAR_SCRIPT, [keys.flag, keys.sessions, keys.failures], []);
  }
}
