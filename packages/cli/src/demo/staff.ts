import { randomInt } from 'node:crypto';
import {
  createLockout,
  createPasswordPolicy,
  createScryptHasher,
  InMemoryLockoutStore,
  InMemoryPasswordHistoryStore,
  kbaPreset,
  PasswordHistory,
} from '@egovkit/password-policy';

const CLASSES = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '#!?%&*+-=@'] as const;

/** A random password with every KBA character class, so the demo never ships a fixed credential. */
export function randomStaffPassword(length = 16): string {
  const all = CLASSES.join('');
  const characters = CLASSES.map((set) => set[randomInt(set.length)] ?? '');
  while (characters.length < length) characters.push(all[randomInt(all.length)] ?? '');
  for (let i = characters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j] ?? '', characters[i] ?? ''];
  }
  return characters.join('');
}

export interface StaffLoginResult {
  readonly refused: readonly { readonly password: string; readonly codes: readonly string[] }[];
  readonly attempt: number;
}

/**
 * The clerk's account under the KBA preset: weak passwords are refused with their rule codes, a compliant one
 * is set (its hash goes into the history), and the login runs through the KBA lockout and a constant-time hash
 * comparison. Throws when the login does not succeed.
 */
export async function staffLogin(account: {
  userId: string;
  name: string;
  authority: string;
}): Promise<StaffLoginResult> {
  const history = new PasswordHistory({ store: new InMemoryPasswordHistoryStore() });
  const policy = createPasswordPolicy(kbaPreset(), { history });
  const context = { ...account, product: 'egovkit-demo' };
  const refused: { password: string; codes: string[] }[] = [];
  for (const weak of ['Passwort2024!', 'Koeln#2026', 'kurz']) {
    const result = await policy.changePassword(weak, context);
    if (result.ok)
      throw Object.assign(new Error(`the KBA preset accepted "${weak}"`), { code: 'POLICY_TOO_WEAK' });
    refused.push({ password: weak, codes: [...new Set(result.failures.map((failure) => failure.code))] });
  }
  const password = randomStaffPassword();
  const set = await policy.changePassword(password, context);
  if (!set.ok) {
    throw Object.assign(
      new Error(`a generated password was refused: ${set.failures.map((f) => f.code).join(', ')}`),
      {
        code: 'PASSWORD_REFUSED',
      },
    );
  }
  // The credential store of the Fachverfahren: a slow salted hash, never the password.
  const hasher = createScryptHasher();
  const stored = await hasher.hash(password);

  const lockout = createLockout({ policy: kbaPreset().lockout, store: new InMemoryLockoutStore() });
  const attempt = await lockout.begin(account.userId);
  if (!attempt.allowed)
    throw Object.assign(new Error(`login denied: ${attempt.reason}`), { code: attempt.reason });
  if (!(await hasher.verify(password, stored))) {
    await attempt.failed();
    throw Object.assign(new Error('the password did not match its stored hash'), { code: 'LOGIN_FAILED' });
  }
  await attempt.succeeded();
  return { refused, attempt: attempt.attempt };
}
