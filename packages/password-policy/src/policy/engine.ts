import {
  type Blocklist,
  containsContextToken,
  contextSearchTexts,
  loadDefaultBlocklist,
} from '../blocklist/index.js';
import type { BreachedPasswordLookup } from '../breach/range-lookup.js';
import { PasswordPolicyError } from '../errors.js';
import type { PasswordHistory } from '../history/history.js';
import { characterClasses, characterCount } from './characters.js';
import { type MessageOverrides, renderMessage } from './messages.js';
import type { StrengthEstimator } from './strength.js';
import type {
  CharacterClass,
  ContextField,
  EvaluationContext,
  EvaluationResult,
  FailureParams,
  Locale,
  PasswordFailure,
  PasswordFailureCode,
  PasswordPolicy,
  PasswordRule,
} from './types.js';
import { validatePolicy } from './validate.js';

export interface PasswordPolicyOptions {
  /** Language of failure messages; default German. A call can override it with `context.locale`. */
  readonly locale?: Locale;
  /** Replacement messages per locale and failure code. */
  readonly messages?: MessageOverrides;
  /** Default: the built-in list (loaded on first use) when the policy has a blocklist rule. */
  readonly blocklist?: Blocklist;
  /** Needed by a `history` rule. */
  readonly history?: PasswordHistory;
  /** Needed by a `breached` rule. */
  readonly breachLookup?: BreachedPasswordLookup;
  /** Needed by a `strength` rule, e.g. `createZxcvbnEstimator()` from `@egovkit/password-policy/zxcvbn`. */
  readonly strengthEstimator?: StrengthEstimator;
}

export interface PasswordPolicyEngine {
  readonly policy: PasswordPolicy;
  /** Checks a password against every rule and returns every failure. Never throws for a bad password. */
  evaluate(password: string, context?: EvaluationContext): Promise<EvaluationResult>;
  /**
   * For a password change: evaluates, and when every rule passes, records the new password in the history
   * (so that the history rule sees it next time). Needs `context.userId` when the policy keeps a history.
   */
  changePassword(password: string, context?: EvaluationContext): Promise<EvaluationResult>;
}

const MISSING_CLASS_CODES: Record<CharacterClass, PasswordFailureCode> = {
  lowercase: 'PASSWORD_MISSING_LOWERCASE',
  uppercase: 'PASSWORD_MISSING_UPPERCASE',
  digit: 'PASSWORD_MISSING_DIGIT',
  special: 'PASSWORD_MISSING_SPECIAL',
};

type RawFailure = { readonly code: PasswordFailureCode; readonly params: FailureParams };

function contextValues(context: EvaluationContext, field: ContextField): string[] {
  const value = field === 'words' ? context.words : field === 'name' ? context.name : context[field];
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : [...value]).filter(
    (entry) => typeof entry === 'string' && entry !== '',
  );
}

function dependencyMissing(rule: string, option: string): PasswordPolicyError {
  return new PasswordPolicyError('DEPENDENCY_MISSING', `the ${rule} rule needs the ${option} option`, {
    details: { rule, option },
  });
}

/**
 * Builds an engine for a policy (a preset or your own plain object). The policy is validated and every
 * dependency its rules need must be given here, so that misconfiguration fails at start-up, not at login.
 */
export function createPasswordPolicy(
  policy: PasswordPolicy,
  options: PasswordPolicyOptions = {},
): PasswordPolicyEngine {
  validatePolicy(policy);
  const locale = options.locale ?? 'de';
  for (const rule of policy.rules) {
    if (rule.type === 'history') {
      if (options.history === undefined) throw dependencyMissing('history', 'history');
      if (options.history.keep < rule.count) {
        throw new PasswordPolicyError(
          'POLICY_INVALID',
          `the history keeps ${options.history.keep} passwords but the policy compares the last ${rule.count}`,
          { details: { keep: options.history.keep, count: rule.count } },
        );
      }
    }
    if (rule.type === 'breached' && options.breachLookup === undefined)
      throw dependencyMissing('breached', 'breachLookup');
    if (rule.type === 'strength' && options.strengthEstimator === undefined) {
      throw dependencyMissing('strength', 'strengthEstimator');
    }
  }
  const needsBlocklist = policy.rules.some((rule) => rule.type === 'blocklist');
  // Loaded here, not at the first login: a missing or corrupt list must stop the start-up.
  const blocklist = needsBlocklist ? (options.blocklist ?? loadDefaultBlocklist()) : undefined;

  async function check(
    rule: PasswordRule,
    password: string,
    context: EvaluationContext,
  ): Promise<RawFailure[]> {
    switch (rule.type) {
      case 'minLength': {
        const length = characterCount(password);
        return length < rule.min ? [{ code: 'PASSWORD_TOO_SHORT', params: { min: rule.min, length } }] : [];
      }
      case 'maxLength': {
        const length = characterCount(password);
        return length > rule.max ? [{ code: 'PASSWORD_TOO_LONG', params: { max: rule.max, length } }] : [];
      }
      case 'characterClasses': {
        const present = characterClasses(password);
        return rule.required
          .filter((required) => !present.has(required))
          .map((missing) => ({ code: MISSING_CLASS_CODES[missing], params: { class: missing } }));
      }
      case 'lengthDependentClasses': {
        const length = characterCount(password);
        const present = characterClasses(password).size;
        const applicable = rule.tiers.filter((tier) => length >= tier.minLength);
        if (applicable.some((tier) => present >= tier.classes)) return [];
        const required = Math.min(...applicable.map((tier) => tier.classes), 4);
        const longer = rule.tiers
          .filter((tier) => tier.minLength > length && tier.classes <= present)
          .sort((a, b) => a.minLength - b.minLength)[0];
        return [
          {
            code: 'PASSWORD_TOO_FEW_CHARACTER_CLASSES',
            params: {
              length,
              present,
              required,
              ...(longer === undefined
                ? {}
                : { longerLength: longer.minLength, longerClasses: longer.classes }),
            },
          },
        ];
      }
      case 'history': {
        if (context.userId === undefined || context.userId === '') {
          throw new PasswordPolicyError('ARGUMENT_INVALID', 'the history rule needs context.userId');
        }
        const reused = await options.history?.isReused(context.userId, password, rule.count);
        return reused ? [{ code: 'PASSWORD_REUSED', params: { count: rule.count } }] : [];
      }
      case 'blocklist': {
        const match = blocklist?.check(password);
        return match === undefined ? [] : [{ code: 'PASSWORD_COMMON', params: { kind: match.kind } }];
      }
      case 'contextWords': {
        const texts = contextSearchTexts(password);
        return rule.fields
          .filter((field) => containsContextToken(texts, contextValues(context, field), rule.minTokenLength))
          .map((field) => ({ code: 'PASSWORD_CONTAINS_CONTEXT', params: { field } }));
      }
      case 'breached': {
        const result = await options.breachLookup?.check(password);
        return result?.breached
          ? [{ code: 'PASSWORD_BREACHED', params: { occurrences: result.occurrences } }]
          : [];
      }
      case 'strength': {
        const inputs = (['userId', 'name', 'authority', 'product', 'words'] as const).flatMap((field) =>
          contextValues(context, field),
        );
        const score = await options.strengthEstimator?.score(password, inputs);
        return score !== undefined && score < rule.minScore
          ? [{ code: 'PASSWORD_TOO_WEAK', params: { score, minScore: rule.minScore } }]
          : [];
      }
    }
  }

  async function evaluate(password: string, context: EvaluationContext = {}): Promise<EvaluationResult> {
    if (typeof password !== 'string') {
      throw new PasswordPolicyError('ARGUMENT_INVALID', 'the password must be a string');
    }
    const messageLocale = context.locale ?? locale;
    const failures: PasswordFailure[] = [];
    for (const rule of policy.rules) {
      for (const raw of await check(rule, password, context)) {
        failures.push({
          code: raw.code,
          rule: rule.type,
          params: raw.params,
          message: renderMessage(raw.code, raw.params, messageLocale, options.messages),
        });
      }
    }
    return { ok: failures.length === 0, failures };
  }

  return {
    policy,
    evaluate,
    async changePassword(password, context = {}) {
      const result = await evaluate(password, context);
      if (result.ok && options.history !== undefined) {
        if (context.userId === undefined || context.userId === '') {
          throw new PasswordPolicyError(
            'ARGUMENT_INVALID',
            'changePassword needs context.userId to record the history',
          );
        }
        await options.history.record(context.userId, password);
      }
      return result;
    },
  };
}
