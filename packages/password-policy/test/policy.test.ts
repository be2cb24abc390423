import { describe, expect, it } from 'vitest';
import {
  createPasswordPolicy,
  createScryptHasher,
  InMemoryPasswordHistoryStore,
  kbaPreset,
  PasswordHistory,
  type PasswordPolicy,
  PasswordPolicyError,
  validatePolicy,
} from '../src/index.js';

// A cheap hasher keeps the history tests fast; production uses the OWASP parameters.
const fastHasher = createScryptHasher({ logCost: 10 });
const newHistory = () =>
  new PasswordHistory({ store: new InMemoryPasswordHistoryStore(), hasher: fastHasher });
const codes = (result: { failures: readonly { code: string }[] }) =>
  result.failures.map((failure) => failure.code);

describe('the kba preset', () => {
  const engine = () => createPasswordPolicy(kbaPreset(), { history: newHistory() });
  const context = { userId: 'emustermann', name: 'Erika Mustermann', authority: 'Landratsamt Musterkreis' };

  it('accepts a password that meets every requirement', async () => {
    const result = await engine().evaluate('Kx7#vR2!mQp9', context);
    expect(result).toEqual({ ok: true, failures: [] });
  });

  it('demands at least 10 characters', async () => {
    const result = await engine().evaluate('Kx7#vR2!m', context);
    expect(codes(result)).toEqual(['PASSWORD_TOO_SHORT']);
    expect(result.failures[0]?.params).toEqual({ min: 10, length: 9 });
  });

  it('demands each of the four character classes and names every missing one', async () => {
    expect(codes(await engine().evaluate('kx7#vr2!mqp9', context))).toEqual(['PASSWORD_MISSING_UPPERCASE']);
    expect(codes(await engine().evaluate('KX7#VR2!MQP9', context))).toEqual(['PASSWORD_MISSING_LOWERCASE']);
    expect(codes(await engine().evaluate('Kxz#vRw!mQpq', context))).toEqual(['PASSWORD_MISSING_DIGIT']);
    expect(codes(await engine().evaluate('Kx7svR2dmQp9', context))).toEqual(['PASSWORD_MISSING_SPECIAL']);
    expect(codes(await engine().evaluate('kxzrvmwqptsb', context))).toEqual([
      'PASSWORD_MISSING_UPPERCASE',
      'PASSWORD_MISSING_DIGIT',
      'PASSWORD_MISSING_SPECIAL',
    ]);
  });

  it('counts umlauts and ß as letters and a space as a special character', async () => {
    const classes = createPasswordPolicy({ id: 'classes', rules: kbaPreset().rules.slice(0, 2) });
    expect(codes(await classes.evaluate('ÜBERGRÖẞE 2 kühl'))).toEqual([]);
    expect(codes(await classes.evaluate('übergröße 2 kühl'))).toEqual(['PASSWORD_MISSING_UPPERCASE']);
  });

  it('refuses common passwords even when dressed up to meet the composition rules', async () => {
    for (const password of ['P@ssw0rt2024!', 'Passwort123!', 'Sommer2025!!', 'Qwertz123456!']) {
      expect(codes(await engine().evaluate(password, context)), password).toContain('PASSWORD_COMMON');
    }
  });

  it('refuses the user id, the name and the authority inside the password', async () => {
    const result = await engine().evaluate('Mustermann#2026x', context);
    expect(codes(result)).toContain('PASSWORD_CONTAINS_CONTEXT');
    expect(result.failures.find((f) => f.code === 'PASSWORD_CONTAINS_CONTEXT')?.params).toEqual({
      field: 'name',
    });
    expect(codes(await engine().evaluate('Musterkreis!7Ab', context))).toContain('PASSWORD_CONTAINS_CONTEXT');
  });

  it('refuses each of the last five passwords and accepts the sixth oldest again', async () => {
    const history = newHistory();
    const policy = createPasswordPolicy(kbaPreset(), { history });
    const passwords = [
      'Kx7#vR2!mQp1',
      'Kx7#vR2!mQp2',
      'Kx7#vR2!mQp3',
      'Kx7#vR2!mQp4',
      'Kx7#vR2!mQp5',
      'Kx7#vR2!mQp6',
    ];
    for (const password of passwords) {
      expect((await policy.changePassword(password, { userId: 'u1' })).ok, password).toBe(true);
    }
    for (const password of passwords.slice(1)) {
      expect(codes(await policy.evaluate(password, { userId: 'u1' })), password).toEqual(['PASSWORD_REUSED']);
    }
    expect(codes(await policy.evaluate(passwords[0] ?? '', { userId: 'u1' }))).toEqual([]);
    // Another user's history is separate.
    expect(codes(await policy.evaluate(passwords[5] ?? '', { userId: 'u2' }))).toEqual([]);
  });

  it('does not record a rejected password in the history', async () => {
    const history = newHistory();
    const policy = createPasswordPolicy(kbaPreset(), { history });
    expect((await policy.changePassword('short', { userId: 'u1' })).ok).toBe(false);
    expect(await history.isReused('u1', 'short')).toBe(false);
  });

  it('reports messages in German by default and in English on request', async () => {
    const german = await engine().evaluate('kurz', context);
    expect(german.failures[0]?.message).toBe('Das Passwort muss mindestens 10 Zeichen lang sein (es hat 4).');
    const english = await engine().evaluate('kurz', { ...context, locale: 'en' });
    expect(english.failures[0]?.message).toBe('The password must be at least 10 characters long (it has 4).');
  });

  it('takes replacement messages as templates or functions', async () => {
    const policy = createPasswordPolicy(kbaPreset(), {
      history: newHistory(),
      messages: {
        de: { PASSWORD_TOO_SHORT: 'Mindestens {min} Zeichen, bitte.' },
        en: { PASSWORD_TOO_SHORT: (params) => `Need ${params.min}` },
      },
    });
    expect((await policy.evaluate('kurz', context)).failures[0]?.message).toBe(
      'Mindestens 10 Zeichen, bitte.',
    );
    expect((await policy.evaluate('kurz', { ...context, locale: 'en' })).failures[0]?.message).toBe(
      'Need 10',
    );
    // Codes without a replacement keep the built-in text.
    expect((await policy.evaluate('kurzkurzkurz', context)).failures[0]?.message).toMatch(/Großbuchstaben/);
  });

  it('never puts the password into a failure', async () => {
    const password = 'P@ssw0rt2024!';
    const result = await engine().evaluate(password, context);
    expect(JSON.stringify(result)).not.toContain(password);
    expect(JSON.stringify(result).toLowerCase()).not.toContain('passwort"');
  });

  it('needs the user id for the history rule', async () => {
    await expect(engine().evaluate('Kx7#vR2!mQp9')).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
  });

  it('refuses a non-string password with a typed error', async () => {
    await expect(engine().evaluate(undefined as unknown as string, context)).rejects.toBeInstanceOf(
      PasswordPolicyError,
    );
  });

  it('cannot be built without the history it needs', () => {
    expect(() => createPasswordPolicy(kbaPreset())).toThrow(
      expect.objectContaining({ code: 'DEPENDENCY_MISSING' }),
    );
    const tooShort = new PasswordHistory({ store: new InMemoryPasswordHistoryStore(), keep: 3 });
    expect(() => createPasswordPolicy(kbaPreset(), { history: tooShort })).toThrow(
      expect.objectContaining({ code: 'POLICY_INVALID' }),
    );
  });
});

describe('custom policies', () => {
  it('are plain objects, evaluated rule by rule', async () => {
    const policy: PasswordPolicy = {
      id: 'intranet',
      rules: [
        { type: 'minLength', min: 12 },
        { type: 'maxLength', max: 64 },
        {
          type: 'lengthDependentClasses',
          tiers: [
            { minLength: 12, classes: 3 },
            { minLength: 20, classes: 1 },
          ],
        },
      ],
    };
    const engine = createPasswordPolicy(policy);
    expect(codes(await engine.evaluate('abcdefghijklmnopqrstu'))).toEqual([]);
    const tooFew = await engine.evaluate('abcdefghijkl', { locale: 'en' });
    expect(codes(tooFew)).toEqual(['PASSWORD_TOO_FEW_CHARACTER_CLASSES']);
    expect(tooFew.failures[0]?.params).toEqual({
      length: 12,
      present: 1,
      required: 3,
      longerLength: 20,
      longerClasses: 1,
    });
    expect(tooFew.failures[0]?.message).toContain('from 20 characters on, 1 are enough');
    expect(codes(await engine.evaluate('a'.repeat(65)))).toEqual(['PASSWORD_TOO_LONG']);
  });

  it('count characters as code points after NFC normalisation', async () => {
    const engine = createPasswordPolicy({ id: 'length', rules: [{ type: 'minLength', min: 4 }] });
    expect(codes(await engine.evaluate('😀😀😀😀'))).toEqual([]);
    expect(codes(await engine.evaluate('u\u0308u\u0308u\u0308'))).toEqual(['PASSWORD_TOO_SHORT']);
  });

  it('are validated with the path of the first problem', () => {
    const cases: [unknown, string][] = [
      [{ id: '', rules: [] }, 'id'],
      [{ id: 'x', rules: [{ type: 'minLength', min: 0 }] }, 'rules[0].min'],
      [{ id: 'x', rules: [{ type: 'minLength', min: 2.5 }] }, 'rules[0].min'],
      [{ id: 'x', rules: [{ type: 'characterClasses', required: ['upper'] }] }, 'rules[0].required[0]'],
      [{ id: 'x', rules: [{ type: 'characterClasses', required: [] }] }, 'rules[0].required'],
      [{ id: 'x', rules: [{ type: 'nope' }] }, 'rules[0].type'],
      [{ id: 'x', rules: [{ type: 'blocklist' }, { type: 'blocklist' }] }, 'rules[1]'],
      [
        {
          id: 'x',
          rules: [
            { type: 'minLength', min: 10 },
            { type: 'maxLength', max: 8 },
          ],
        },
        'rules',
      ],
      [{ id: 'x', rules: [], lockout: { mode: 'lock', maxFailures: 0 } }, 'lockout.maxFailures'],
      [{ id: 'x', rules: [], lockout: { mode: 'sometimes' } }, 'lockout.mode'],
      [{ id: 'x', rules: [], expiry: { waivedWithCompromiseDetection: [] } }, 'expiry'],
      [
        { id: 'x', rules: [], expiry: { personalMaxAgeMonths: 0, waivedWithCompromiseDetection: [] } },
        'expiry.personalMaxAgeMonths',
      ],
    ];
    for (const [policy, path] of cases) {
      expect(() => validatePolicy(policy as PasswordPolicy), path).toThrow(
        expect.objectContaining({ code: 'POLICY_INVALID', details: expect.objectContaining({ path }) }),
      );
    }
  });
});
