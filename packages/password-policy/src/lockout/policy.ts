/**
 * The two lockout variants the KBA minimum requirements allow (§ 1 (3) b):
 * - `lock`: the account is locked after `maxFailures` failed attempts until an administrator unlocks it;
 * - `delay`: from the `failuresBeforeDelay`-th failure on, the next attempt is possible only after `delayMs`,
 *   and the administrators are notified.
 * A successful login resets the failure counter in both variants.
 */
export type LockoutPolicy =
  | { readonly mode: 'lock'; readonly maxFailures: number }
  | {
      readonly mode: 'delay';
      readonly failuresBeforeDelay: number;
      readonly delayMs: number;
      readonly notifyAdministrators: boolean;
    };

/** KBA variant (a): lock after 5 failed attempts until an administrator unlocks. */
export const KBA_LOCKOUT_LOCK: LockoutPolicy = { mode: 'lock', maxFailures: 5 };

/** KBA variant (b): after the 3rd failure, wait at least 3 minutes per attempt; administrators are notified. */
export const KBA_LOCKOUT_DELAY: LockoutPolicy = {
  mode: 'delay',
  failuresBeforeDelay: 3,
  delayMs: 3 * 60 * 1000,
  notifyAdministrators: true,
};
