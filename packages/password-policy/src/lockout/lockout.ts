import { type Clock, systemClock } from '../clock.js';
import { PasswordPolicyError, storeFailure } from '../errors.js';
import { validateLockoutPolicy } from '../policy/validate.js';
import type { LockoutPolicy } from './policy.js';
import type { LockoutStore } from './stores.js';

/** What the administrators are told when the delay variant's threshold is reached (KBA § 1 (3) b). */
export interface AdministratorNotice {
  readonly account: string;
  /** Failed attempts since the last success, this one included. */
  readonly failures: number;
  readonly at: Date;
  /** When the next attempt will be possible. */
  readonly retryAt: Date;
  readonly policy: LockoutPolicy;
}

/** Audit events; log them with the user, device, address and port the KBA text asks for. */
export type LockoutEvent =
  | {
      readonly type: 'attempt-denied';
      readonly account: string;
      readonly at: Date;
      readonly reason: 'LOCKED' | 'DELAYED';
      readonly retryAt?: Date;
    }
  | { readonly type: 'locked'; readonly account: string; readonly at: Date; readonly failures: number }
  | {
      readonly type: 'delayed';
      readonly account: string;
      readonly at: Date;
      readonly failures: number;
      readonly retryAt: Date;
    }
  | {
      readonly type: 'administrator-notified';
      readonly account: string;
      readonly at: Date;
      readonly failures: number;
    }
  | { readonly type: 'reset'; readonly account: string; readonly at: Date }
  | { readonly type: 'unlocked'; readonly account: string; readonly at: Date; readonly by: string };

/** An attempt `begin` allowed: settle it exactly once with `succeeded()` or `failed()`. */
export interface AllowedAttempt {
  readonly allowed: true;
  /** The number of this attempt since the last success (1 for the first). */
  readonly attempt: number;
  /** The password was right: the failure counter goes back to zero. */
  succeeded(): Promise<void>;
  /** The password was wrong: the attempt stays counted; notices and events follow. */
  failed(): Promise<void>;
}

export interface DeniedAttempt {
  readonly allowed: false;
  /** `LOCKED` until an administrator unlocks; `DELAYED` until `retryAt`. */
  readonly reason: 'LOCKED' | 'DELAYED';
  readonly retryAt?: Date;
}

export type LoginAttempt = AllowedAttempt | DeniedAttempt;

export interface LockoutStatus {
  readonly failures: number;
  readonly locked: boolean;
  /** In the delay variant: when the next attempt is possible, if it is delayed now. */
  readonly retryAt?: Date;
}

export interface LockoutOptions {
  readonly policy: LockoutPolicy;
  readonly store: LockoutStore;
  readonly clock?: Clock;
  /**
   * Called in the delay variant when the failures reach the threshold, and on every failure after it. When it
   * throws, `failed()` rejects with its error — the failure is counted all the same.
   */
  readonly onAdministratorNotice?: (notice: AdministratorNotice) => void | Promise<void>;
  readonly onEvent?: (event: LockoutEvent) => void;
}

export interface Lockout {
  readonly policy: LockoutPolicy;
  /**
   * Call before checking the password. Decides and counts the attempt in one atomic step, so that concurrent
   * attempts cannot get past the limit together: an allowed attempt counts as a failure until `succeeded()`.
   * An attempt that is never settled therefore stays a failure (fail closed).
   */
  begin(account: string): Promise<LoginAttempt>;
  /** Administrator action: clears a lock (and any delay). */
  unlock(account: string, by: { readonly by: string }): Promise<void>;
  status(account: string): Promise<LockoutStatus>;
}

function requireAccount(account: string): void {
  if (typeof account !== 'string' || account === '') {
    throw new PasswordPolicyError('ARGUMENT_INVALID', 'a lockout needs a non-empty account');
  }
}

async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storeFailure('lockout store', error);
  }
}

/**
 * Lockout as the KBA text allows it, in either variant (see `LockoutPolicy`):
 *
 * ```ts
 * const attempt = await lockout.begin(account);
 * if (!attempt.allowed) return deny(attempt.reason, attempt.retryAt);
 * if (await passwordMatches()) await attempt.succeeded(); else await attempt.failed();
 * ```
 */
export function createLockout(options: LockoutOptions): Lockout {
  const { policy, store } = options;
  validateLockoutPolicy(policy);
  const clock = options.clock ?? systemClock;
  const emit = (event: LockoutEvent) => options.onEvent?.(event);
  const threshold = policy.mode === 'lock' ? policy.maxFailures : policy.failuresBeforeDelay;

  return {
    policy,
    async begin(account) {
      requireAccount(account);
      const now = clock.now();
      const decision = await guarded(() => store.acquire(account, now, policy));
      if (!decision.allowed) {
        const retryAt = decision.retryAt === undefined ? undefined : new Date(decision.retryAt);
        emit({
          type: 'attempt-denied',
          account,
          at: new Date(now),
          reason: decision.reason,
          ...(retryAt ? { retryAt } : {}),
        });
        return { allowed: false, reason: decision.reason, ...(retryAt ? { retryAt } : {}) };
      }
      const attempt = decision.failures;
      let settled = false;
      const settle = () => {
        if (settled)
          throw new PasswordPolicyError('ARGUMENT_INVALID', 'a login attempt can be settled only once');
        settled = true;
      };
      return {
        allowed: true,
        attempt,
        async succeeded() {
          settle();
          await guarded(() => store.reset(account));
          if (attempt > 1) emit({ type: 'reset', account, at: new Date(clock.now()) });
        },
        async failed() {
          settle();
          if (attempt < threshold) return;
          const at = new Date(clock.now());
          if (policy.mode === 'lock') {
            emit({ type: 'locked', account, at, failures: attempt });
            return;
          }
          const retryAt = new Date(now + policy.delayMs);
          emit({ type: 'delayed', account, at, failures: attempt, retryAt });
          if (policy.notifyAdministrators && options.onAdministratorNotice) {
            await options.onAdministratorNotice({ account, failures: attempt, at, retryAt, policy });
            emit({ type: 'administrator-notified', account, at, failures: attempt });
          }
        },
      };
    },
    async unlock(account, { by }) {
      requireAccount(account);
      if (typeof by !== 'string' || by === '') {
        throw new PasswordPolicyError('ARGUMENT_INVALID', 'an unlock must name the administrator');
      }
      await guarded(() => store.unlock(account));
      emit({ type: 'unlocked', account, at: new Date(clock.now()), by });
    },
    async status(account) {
      requireAccount(account);
      const state = await guarded(() => store.get(account));
      if (policy.mode === 'lock')
        return { failures: state.failures, locked: state.failures >= policy.maxFailures };
      const retryAt = state.lastAttemptAt + policy.delayMs;
      return state.failures >= policy.failuresBeforeDelay && clock.now() < retryAt
        ? { failures: state.failures, locked: false, retryAt: new Date(retryAt) }
        : { failures: state.failures, locked: false };
    },
  };
}
