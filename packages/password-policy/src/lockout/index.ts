export {
  type AdministratorNotice,
  type AllowedAttempt,
  createLockout,
  type DeniedAttempt,
  type Lockout,
  type LockoutEvent,
  type LockoutOptions,
  type LockoutStatus,
  type LoginAttempt,
} from './lockout.js';
export { KBA_LOCKOUT_DELAY, KBA_LOCKOUT_LOCK, type LockoutPolicy } from './policy.js';
export {
  type AcquireResult,
  InMemoryLockoutStore,
  type LockoutState,
  type LockoutStore,
  RedisLockoutStore,
} from './stores.js';
