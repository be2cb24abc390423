import type { ExpiryPolicy } from '../expiry/policy.js';
import type { LockoutPolicy } from '../lockout/policy.js';

/** Character classes as the KBA text names them: lower case, upper case, digit, special character. */
export type CharacterClass = 'lowercase' | 'uppercase' | 'digit' | 'special';

/** Context values a password must not contain (see the `contextWords` rule). */
export type ContextField = 'userId' | 'name' | 'authority' | 'product' | 'words';

/** One declarative rule of a policy. Rules are plain data, so a policy can be stored, diffed and reviewed. */
export type PasswordRule =
  /** At least `min` characters (Unicode code points after NFC normalisation). */
  | { readonly type: 'minLength'; readonly min: number }
  /** At most `max` characters; protects the slow hash from very long input. */
  | { readonly type: 'maxLength'; readonly max: number }
  /** Every listed class must occur at least once. */
  | { readonly type: 'characterClasses'; readonly required: readonly CharacterClass[] }
  /**
   * Longer passwords need fewer classes: the password passes when it meets any tier
   * (e.g. 8+ characters with 4 classes, or 20+ characters with 2 classes).
   */
  | {
      readonly type: 'lengthDependentClasses';
      readonly tiers: readonly { readonly minLength: number; readonly classes: 1 | 2 | 3 | 4 }[];
    }
  /** Not one of the user's last `count` passwords (compared against slow salted hashes). */
  | { readonly type: 'history'; readonly count: number }
  /** Not a common password, also after normalisation (case, leet, digits and years, keyboard walks). */
  | { readonly type: 'blocklist' }
  /** Does not contain the user id, the name, the authority, the product name or extra words. */
  | {
      readonly type: 'contextWords';
      readonly fields: readonly ContextField[];
      readonly minTokenLength: number;
    }
  /** Not known from breaches, by a k-anonymity range lookup (only when a lookup service is configured). */
  | { readonly type: 'breached' }
  /** A minimum strength score (0–4) from a strength estimator such as zxcvbn-ts. */
  | { readonly type: 'strength'; readonly minScore: 0 | 1 | 2 | 3 | 4 };

export type PasswordRuleType = PasswordRule['type'];

/** Where a preset comes from, so that auditors can check it against the original. */
export interface PolicySource {
  readonly title: string;
  readonly issuer: string;
  /** Version or date of the source text, e.g. "Stand: Januar 2023". */
  readonly version: string;
  readonly section?: string;
  readonly url?: string;
}

/** A complete policy: what a password must satisfy, and (optionally) lockout and expiry. */
export interface PasswordPolicy {
  /** Stable identifier, e.g. `kba`. */
  readonly id: string;
  readonly description?: string;
  readonly sources?: readonly PolicySource[];
  readonly rules: readonly PasswordRule[];
  readonly lockout?: LockoutPolicy;
  readonly expiry?: ExpiryPolicy;
}

/** Stable codes of rule failures. */
export type PasswordFailureCode =
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'PASSWORD_MISSING_LOWERCASE'
  | 'PASSWORD_MISSING_UPPERCASE'
  | 'PASSWORD_MISSING_DIGIT'
  | 'PASSWORD_MISSING_SPECIAL'
  | 'PASSWORD_TOO_FEW_CHARACTER_CLASSES'
  | 'PASSWORD_REUSED'
  | 'PASSWORD_COMMON'
  | 'PASSWORD_CONTAINS_CONTEXT'
  | 'PASSWORD_BREACHED'
  | 'PASSWORD_TOO_WEAK';

/** Facts about a failure, for messages and UIs. Never contains the password or a part of it. */
export type FailureParams = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** One failed rule. */
export interface PasswordFailure {
  readonly code: PasswordFailureCode;
  readonly rule: PasswordRuleType;
  readonly params: FailureParams;
  /** In the requested locale; replaceable through the `messages` option. */
  readonly message: string;
}

export interface EvaluationResult {
  readonly ok: boolean;
  /** Every failed rule, in the order of the policy's rules. */
  readonly failures: readonly PasswordFailure[];
}

/** Who the password belongs to; used by the history and context-word rules. */
export interface EvaluationContext {
  /** Required when the policy has a history rule. */
  readonly userId?: string;
  /** The user's name(s), e.g. "Erika Mustermann". */
  readonly name?: string | readonly string[];
  /** The authority, e.g. "Landratsamt Musterkreis". */
  readonly authority?: string;
  /** The product or Fachverfahren name. */
  readonly product?: string;
  /** Any further words the password must not contain. */
  readonly words?: readonly string[];
  /** Message language for this call; defaults to the engine's locale. */
  readonly locale?: Locale;
}

export type Locale = 'de' | 'en';
