import { describe, expect, it } from 'vitest';
import {
  asvs5Preset,
  bsiOrp4Preset,
  createPasswordPolicy,
  createScryptHasher,
  InMemoryPasswordHistoryStore,
  KBA_LOCKOUT_DELAY,
  KBA_LOCKOUT_LOCK,
  kbaPreset,
  nist80063b4Preset,
  PasswordHistory,
  presets,
  validatePolicy,
} from '../src/index.js';

const history = () =>
  new PasswordHistory({
    store: new InMemoryPasswordHistoryStore(),
    hasher: createScryptHasher({ logCost: 10 }),
  });
const codes = (result: { failures: readonly { code: string }[] }) =>
  result.failures.map((failure) => failure.code);

describe('presets', () => {
  it('are valid policies that cite their sources', () => {
    for (const [id, preset] of Object.entries(presets)) {
      const policy = preset();
      expect(validatePolicy(policy).id).toBe(id);
      expect(policy.sources?.length, id).toBeGreaterThan(0);
      for (const source of policy.sources ?? []) {
        expect(source.title && source.issuer && source.version, id).toBeTruthy();
      }
    }
  });

  it('kba: the lockout variant is the only choice, and it does not touch the password rules', () => {
    expect(kbaPreset().lockout).toEqual(KBA_LOCKOUT_LOCK);
    expect(kbaPreset({ lockout: 'delay' }).lockout).toEqual(KBA_LOCKOUT_DELAY);
    expect(KBA_LOCKOUT_LOCK).toEqual({ mode: 'lock', maxFailures: 5 });
    expect(KBA_LOCKOUT_DELAY).toEqual({
      mode: 'delay',
      failuresBeforeDelay: 3,
      delayMs: 180_000,
      notifyAdministrators: true,
    });
    expect(kbaPreset({ lockout: 'delay' }).rules).toEqual(kbaPreset().rules);
    expect(kbaPreset().rules).toEqual(
      expect.arrayContaining([
        { type: 'minLength', min: 10 },
        { type: 'characterClasses', required: ['lowercase', 'uppercase', 'digit', 'special'] },
        { type: 'history', count: 5 },
        { type: 'blocklist' },
      ]),
    );
    expect(kbaPreset().expiry).toEqual({
      personalMaxAgeMonths: 6,
      credentialMaxAgeDays: 90,
      waivedWithCompromiseDetection: ['personal'],
    });
    expect(kbaPreset().sources?.[0]?.version).toBe('Stand: Januar 2023');
  });

  it('nist-800-63b-4: 15 characters single-factor, 8 with MFA, no composition rules, no expiry', async () => {
    const single = createPasswordPolicy(nist80063b4Preset());
    expect(codes(await single.evaluate('lampe gurke wo'))).toEqual(['PASSWORD_TOO_SHORT']);
    expect(codes(await single.evaluate('lampe gurke wolke'))).toEqual([]);
    const withMfa = createPasswordPolicy(nist80063b4Preset({ multiFactor: true }));
    expect(codes(await withMfa.evaluate('Xq7vPz2w'))).toEqual([]);
    expect(nist80063b4Preset().expiry).toBeUndefined();
    expect(nist80063b4Preset().rules.map((rule) => rule.type)).not.toContain('characterClasses');
  });

  it('asvs-5: 15 characters by default, never below 8, breached check from level 2', () => {
    expect(asvs5Preset().rules).toContainEqual({ type: 'minLength', min: 15 });
    expect(asvs5Preset({ minLength: 4 }).rules).toContainEqual({ type: 'minLength', min: 8 });
    expect(asvs5Preset().rules.map((rule) => rule.type)).not.toContain('breached');
    expect(asvs5Preset({ level: 2 }).rules).toContainEqual({ type: 'breached' });
    expect(() => createPasswordPolicy(asvs5Preset({ level: 2 }))).toThrow(
      expect.objectContaining({ code: 'DEPENDENCY_MISSING' }),
    );
  });

  it('bsi-orp4: short passwords need four classes, long ones two; no periodic change', async () => {
    const engine = createPasswordPolicy(bsiOrp4Preset(), { history: history() });
    expect(codes(await engine.evaluate('Kx7#vR2!', { userId: 'u' }))).toEqual([]);
    expect(codes(await engine.evaluate('kx7vr2mq', { userId: 'u' }))).toEqual([
      'PASSWORD_TOO_FEW_CHARACTER_CLASSES',
    ]);
    expect(codes(await engine.evaluate('lampegurkewolkebaum47', { userId: 'u' }))).toEqual([]);
    expect(bsiOrp4Preset().expiry).toBeUndefined();
  });

  it('conflict in practice: a NIST-compliant passphrase fails the KBA rules, which the audit checks', async () => {
    const passphrase = 'lampe gurke wolke baum';
    expect((await createPasswordPolicy(nist80063b4Preset()).evaluate(passphrase)).ok).toBe(true);
    const kba = await createPasswordPolicy(kbaPreset(), { history: history() }).evaluate(passphrase, {
      userId: 'u',
    });
    expect(codes(kba)).toEqual(['PASSWORD_MISSING_UPPERCASE', 'PASSWORD_MISSING_DIGIT']);
  });
});
