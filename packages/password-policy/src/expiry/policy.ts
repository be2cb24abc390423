/**
 * Maximum password age. The KBA text (§ 1 (3) b) demands a change after at most 6 months for personal
 * passwords and after at most 90 days for access credentials ("Zugangsdaten"), and allows changing only for
 * cause while mechanisms are in place that detect a compromise immediately.
 */
export interface ExpiryPolicy {
  /** Calendar months after the last change for personal passwords. */
  readonly personalMaxAgeMonths?: number;
  /** Days after the last change for access credentials. */
  readonly credentialMaxAgeDays?: number;
  /**
   * Which kinds of password the maximum age is waived for while a compromise detector is enabled.
   * The KBA preset waives only personal passwords: its 90-day note on access credentials names no exception.
   */
  readonly waivedWithCompromiseDetection: readonly PasswordKind[];
}

/** A personal password of a person, or access credentials ("Zugangsdaten", e.g. of a technical account). */
export type PasswordKind = 'personal' | 'credential';
