import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, egovkit } from './helpers.js';

interface Check {
  ok: boolean;
  preset: string;
  accepted: boolean;
  failures: { code: string; rule: string; message: string }[];
  notChecked: { rule: string }[];
}

beforeAll(assertBuilt);

describe('egovkit password check', () => {
  it('accepts a good password from stdin under the kba preset', async () => {
    const run = await egovkit(['password', 'check'], { input: 'Kx7#vR2!mQp9\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('accepted by the kba preset');
    expect(run.stdout).toContain('not checked: history');
    expect(run.stdout).not.toContain('Kx7#vR2!mQp9');
  });

  it('prints every failed rule of a bad password and exits with 1, never echoing the password', async () => {
    const run = await egovkit(['password', 'check', '--lang', 'en', '--json'], { input: 'kurz' });
    expect(run.code).toBe(1);
    const document = run.json<Check>();
    expect(document).toMatchObject({ ok: false, preset: 'kba', accepted: false });
    expect(document.failures.map((failure) => failure.code)).toEqual([
      'PASSWORD_TOO_SHORT',
      'PASSWORD_MISSING_UPPERCASE',
      'PASSWORD_MISSING_DIGIT',
      'PASSWORD_MISSING_SPECIAL',
      // "kurz" is a German word of the blocklist.
      'PASSWORD_COMMON',
    ]);
    expect(document.failures[0]?.message).toBe(
      'The password must be at least 10 characters long (it has 4).',
    );
    expect(document.notChecked).toEqual([expect.objectContaining({ rule: 'history' })]);
    expect(run.stdout).not.toContain('kurz');

    const text = await egovkit(['password', 'check'], { input: 'P@ssw0rt2024!\n' });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('refused by the kba preset: 1 failed rule');
    expect(text.stdout).toContain('PASSWORD_COMMON: Das Passwort steht in einer Liste gängiger Passwörter');
  });

  it('uses --user and --name as context words and --preset to pick the policy', async () => {
    const context = await egovkit(
      ['password', 'check', '--user', 'emustermann', '--name', 'Erika Mustermann', '--json'],
      { input: 'Mustermann#2026x' },
    );
    expect(context.code).toBe(1);
    expect(context.json<Check>().failures.map((failure) => failure.code)).toContain(
      'PASSWORD_CONTAINS_CONTEXT',
    );
    // Four character classes and 12 characters pass the KBA rules, but NIST wants 15 characters.
    const nist = await egovkit(['password', 'check', '--preset', 'nist-800-63b-4', '--json'], {
      input: 'Kx7#vR2!mQp9',
    });
    expect(nist.code).toBe(1);
    expect(nist.json<Check>()).toMatchObject({ preset: 'nist-800-63b-4', notChecked: [] });
    expect(nist.json<Check>().failures.map((failure) => failure.code)).toEqual(['PASSWORD_TOO_SHORT']);
  });

  it('needs the password on stdin and a known preset (usage errors, exit 2)', async () => {
    const empty = await egovkit(['password', 'check'], { input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('egovkit: USAGE: no password on stdin');
    const preset = await egovkit(['password', 'check', '--preset', 'lax'], { input: 'x' });
    expect(preset.code).toBe(2);
    // There is no option that takes the password itself.
    const argument = await egovkit(['password', 'check', 'Kx7#vR2!mQp9'], { input: '' });
    expect(argument.code).toBe(2);
    expect(argument.stderr).not.toContain('Kx7#vR2!mQp9');
    const twoLines = await egovkit(['password', 'check'], { input: 'one\ntwo\n' });
    expect(twoLines.code).toBe(1);
    expect(twoLines.stderr).toContain('egovkit: INPUT_INVALID: ');
  });
});
