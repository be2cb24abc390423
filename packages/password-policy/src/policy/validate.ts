import { PasswordPolicyError } from '../errors.js';
import type { ExpiryPolicy } from '../expiry/policy.js';
import type { LockoutPolicy } from '../lockout/policy.js';
import type { CharacterClass, ContextField, PasswordPolicy, PasswordRule } from './types.js';

const CHARACTER_CLASSES: readonly CharacterClass[] = ['lowercase', 'uppercase', 'digit', 'special'];
const CONTEXT_FIELDS: readonly ContextField[] = ['userId', 'name', 'authority', 'product', 'words'];

function invalid(path: string, reason: string): PasswordPolicyError {
  return new PasswordPolicyError('POLICY_INVALID', `policy ${path}: ${reason}`, {
    details: { path, reason },
  });
}

function requireInteger(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requireSubset<T extends string>(value: unknown, allowed: readonly T[], path: string): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(path, 'must be a non-empty list');
  const seen = new Set<string>();
  for (const [index, item] of value.entries()) {
    if (!allowed.includes(item)) throw invalid(`${path}[${index}]`, `must be one of ${allowed.join(', ')}`);
    if (seen.has(item)) throw invalid(`${path}[${index}]`, `${item} is listed twice`);
    seen.add(item);
  }
  return value as T[];
}

function validateRule(rule: PasswordRule, path: string): void {
  switch (rule.type) {
    case 'minLength':
      requireInteger(rule.min, `${path}.min`, 1, 4096);
      return;
    case 'maxLength':
      requireInteger(rule.max, `${path}.max`, 1, 4096);
      return;
    case 'characterClasses':
      requireSubset(rule.required, CHARACTER_CLASSES, `${path}.required`);
      return;
    case 'lengthDependentClasses': {
      if (!Array.isArray(rule.tiers) || rule.tiers.length === 0)
        throw invalid(`${path}.tiers`, 'must be a non-empty list');
      for (const [index, tier] of rule.tiers.entries()) {
        requireInteger(tier.minLength, `${path}.tiers[${index}].minLength`, 1, 4096);
        requireInteger(tier.classes, `${path}.tiers[${index}].classes`, 1, 4);
      }
      return;
    }
    case 'history':
      requireInteger(rule.count, `${path}.count`, 1, 100);
      return;
    case 'contextWords':
      requireSubset(rule.fields, CONTEXT_FIELDS, `${path}.fields`);
      requireInteger(rule.minTokenLength, `${path}.minTokenLength`, 3, 64);
      return;
    case 'strength':
      requireInteger(rule.minScore, `${path}.minScore`, 0, 4);
      return;
    case 'blocklist':
    case 'breached':
      return;
    default:
      throw invalid(`${path}.type`, `unknown rule type ${JSON.stringify((rule as { type?: unknown }).type)}`);
  }
}

/** Checks the lockout numbers; shared by `validatePolicy` and the lockout service. */
export function validateLockoutPolicy(lockout: LockoutPolicy, path = 'lockout'): void {
  if (lockout.mode === 'lock') {
    requireInteger(lockout.maxFailures, `${path}.maxFailures`, 1, 1000);
  } else if (lockout.mode === 'delay') {
    requireInteger(lockout.failuresBeforeDelay, `${path}.failuresBeforeDelay`, 1, 1000);
    requireInteger(lockout.delayMs, `${path}.delayMs`, 1, 7 * 24 * 60 * 60 * 1000);
    if (typeof lockout.notifyAdministrators !== 'boolean')
      throw invalid(`${path}.notifyAdministrators`, 'must be a boolean');
  } else {
    throw invalid(
      `${path}.mode`,
      `must be 'lock' or 'delay', got ${JSON.stringify((lockout as { mode?: unknown }).mode)}`,
    );
  }
}

function validateExpiry(expiry: ExpiryPolicy): void {
  if (expiry.personalMaxAgeMonths === undefined && expiry.credentialMaxAgeDays === undefined) {
    throw invalid('expiry', 'needs personalMaxAgeMonths, credentialMaxAgeDays or both');
  }
  if (expiry.personalMaxAgeMonths !== undefined) {
    requireInteger(expiry.personalMaxAgeMonths, 'expiry.personalMaxAgeMonths', 1, 120);
  }
  if (expiry.credentialMaxAgeDays !== undefined) {
    requireInteger(expiry.credentialMaxAgeDays, 'expiry.credentialMaxAgeDays', 1, 3650);
  }
  if (!Array.isArray(expiry.waivedWithCompromiseDetection)) {
    throw invalid('expiry.waivedWithCompromiseDetection', 'must be a list (possibly empty)');
  }
  if (expiry.waivedWithCompromiseDetection.length > 0) {
    requireSubset(
      expiry.waivedWithCompromiseDetection,
      ['personal', 'credential'],
      'expiry.waivedWithCompromiseDetection',
    );
  }
}

/**
 * Throws a `POLICY_INVALID` error naming the first problem (with its path) when the policy cannot be enforced as
 * written; returns the policy unchanged otherwise.
 */
export function validatePolicy<P extends PasswordPolicy>(policy: P): P {
  if (typeof policy !== 'object' || policy === null) throw invalid('', 'must be an object');
  if (typeof policy.id !== 'string' || policy.id.trim() === '')
    throw invalid('id', 'must be a non-empty string');
  if (!Array.isArray(policy.rules)) throw invalid('rules', 'must be a list');
  const types = new Set<string>();
  for (const [index, rule] of policy.rules.entries()) {
    if (typeof rule !== 'object' || rule === null) throw invalid(`rules[${index}]`, 'must be an object');
    validateRule(rule, `rules[${index}]`);
    if (types.has(rule.type)) throw invalid(`rules[${index}]`, `a second ${rule.type} rule is ambiguous`);
    types.add(rule.type);
  }
  const min = policy.rules.find((rule) => rule.type === 'minLength');
  const max = policy.rules.find((rule) => rule.type === 'maxLength');
  if (min?.type === 'minLength' && max?.type === 'maxLength' && max.max < min.min) {
    throw invalid('rules', `maxLength ${max.max} is below minLength ${min.min}`);
  }
  if (policy.lockout !== undefined) validateLockoutPolicy(policy.lockout);
  if (policy.expiry !== undefined) validateExpiry(policy.expiry);
  return policy;
}
