import { type Clock, systemClock } from '../clock.js';
import { PasswordPolicyError } from '../errors.js';
import type { CompromiseDetector } from './compromise-detector.js';
import type { ExpiryPolicy, PasswordKind } from './policy.js';

export interface ExpiryStatus {
  /** The user must set a new password now. */
  readonly changeRequired: boolean;
  /** Why: the maximum age is reached, or the compromise detector suspects the password is known. */
  readonly reason?: 'MAX_AGE' | 'COMPROMISE_SUSPECTED';
  /** When the maximum age is reached; undefined when no maximum applies or it is waived. */
  readonly expiresAt?: Date;
  /** The maximum age is waived because a compromise detector is enabled. */
  readonly waived: boolean;
}

export interface ExpiryCheck {
  readonly account: string;
  readonly kind: PasswordKind;
  readonly lastChangedAt: Date;
  /** An enabled detector waives the maximum age for the kinds the policy lists, and can demand a change. */
  readonly detector?: CompromiseDetector;
  readonly clock?: Clock;
}

/** Adds calendar months in UTC; the 31st plus one month ends on the last day of the shorter month. */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** When a password of this kind last changed at `lastChangedAt` reaches its maximum age, if it has one. */
export function passwordExpiresAt(
  expiry: ExpiryPolicy,
  kind: PasswordKind,
  lastChangedAt: Date,
): Date | undefined {
  if (kind === 'personal') {
    return expiry.personalMaxAgeMonths === undefined
      ? undefined
      : addMonths(lastChangedAt, expiry.personalMaxAgeMonths);
  }
  return expiry.credentialMaxAgeDays === undefined
    ? undefined
    : new Date(lastChangedAt.getTime() + expiry.credentialMaxAgeDays * 24 * 60 * 60 * 1000);
}

/**
 * Whether the user must change the password now: because the detector suspects a compromise (always checked
 * when a detector is given), or because the maximum age is reached and not waived.
 */
export async function checkPasswordExpiry(expiry: ExpiryPolicy, check: ExpiryCheck): Promise<ExpiryStatus> {
  if (!(check.lastChangedAt instanceof Date) || Number.isNaN(check.lastChangedAt.getTime())) {
    throw new PasswordPolicyError('ARGUMENT_INVALID', 'lastChangedAt must be a valid Date');
  }
  if (check.kind !== 'personal' && check.kind !== 'credential') {
    throw new PasswordPolicyError('ARGUMENT_INVALID', "kind must be 'personal' or 'credential'");
  }
  const now = (check.clock ?? systemClock).now();
  const detector = check.detector;
  if (detector !== undefined && (await detector.isChangeRequired(check.account))) {
    return { changeRequired: true, reason: 'COMPROMISE_SUSPECTED', waived: false };
  }
  const waived = detector?.enabled === true && expiry.waivedWithCompromiseDetection.includes(check.kind);
  const expiresAt = passwordExpiresAt(expiry, check.kind, check.lastChangedAt);
  if (waived || expiresAt === undefined) return { changeRequired: false, waived };
  return now >= expiresAt.getTime()
    ? { changeRequired: true, reason: 'MAX_AGE', expiresAt, waived: false }
    : { changeRequired: false, expiresAt, waived: false };
}
