import { EgovkitError } from '@egovkit/internal';

/**
 * Codes of the errors this package throws. Rule violations are not errors: `evaluate()` reports them as
 * failures with their own codes (see `PasswordFailureCode`).
 */
export type PasswordPolicyErrorCode =
  /** A policy object that cannot be enforced as written (e.g. a negative length, an unknown rule). */
  | 'POLICY_INVALID'
  /** A call with unusable arguments (e.g. a history rule but no `userId` in the context). */
  | 'ARGUMENT_INVALID'
  /** A dependency the policy needs was not configured (history store, breach service, strength estimator). */
  | 'DEPENDENCY_MISSING'
  /** A stored password hash that cannot be read. */
  | 'HASH_FORMAT_INVALID'
  /** The history, lockout or detector store failed; the operation is refused (fail closed). */
  | 'STORE_FAILED'
  /** The blocklist data could not be loaded or is malformed. */
  | 'BLOCKLIST_INVALID'
  /** The breached-password range lookup failed; the password is not accepted. */
  | 'BREACH_LOOKUP_FAILED';

/** Every error this package throws; branch on `code`, which is stable across releases. */
export class PasswordPolicyError extends EgovkitError<PasswordPolicyErrorCode> {}

/** A store's error as STORE_FAILED (our own errors pass through), so that callers see one code and fail closed. */
export function storeFailure(store: string, error: unknown): PasswordPolicyError {
  if (error instanceof PasswordPolicyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new PasswordPolicyError('STORE_FAILED', `${store} failed: ${reason}`, { cause: error });
}
