import { PasswordPolicyError, storeFailure } from '../errors.js';
import { createScryptHasher, type PasswordHasher } from './hasher.js';
import type { PasswordHistoryStore } from './stores.js';

export interface PasswordHistoryOptions {
  readonly store: PasswordHistoryStore;
  /** Default: scrypt with OWASP's parameters (`createScryptHasher()`). */
  readonly hasher?: PasswordHasher;
  /** How many previous passwords to keep; at least the largest history rule. Default 5 (the KBA's number). */
  readonly keep?: number;
}

function requireUserId(userId: string): void {
  if (typeof userId !== 'string' || userId === '') {
    throw new PasswordPolicyError('ARGUMENT_INVALID', 'a password history needs a non-empty user id');
  }
}

/** The last passwords of each user, kept only as slow salted hashes. */
export class PasswordHistory {
  readonly keep: number;
  readonly #store: PasswordHistoryStore;
  readonly #hasher: PasswordHasher;

  constructor(options: PasswordHistoryOptions) {
    this.keep = options.keep ?? 5;
    if (!Number.isInteger(this.keep) || this.keep < 1 || this.keep > 100) {
      throw new PasswordPolicyError(
        'ARGUMENT_INVALID',
        'PasswordHistory keep must be an integer from 1 to 100',
      );
    }
    this.#store = options.store;
    this.#hasher = options.hasher ?? createScryptHasher();
  }

  /**
   * True when `password` matches one of the user's last `count` passwords. Every stored hash is checked, also
   * after a match, so that the time taken does not tell which entry matched.
   */
  async isReused(userId: string, password: string, count: number = this.keep): Promise<boolean> {
    requireUserId(userId);
    let entries: readonly string[];
    try {
      entries = await this.#store.list(userId);
    } catch (error) {
      throw storeFailure('password history store', error);
    }
    let reused = false;
    for (const encoded of entries.slice(0, count)) {
      if (await this.#hasher.verify(password, encoded)) reused = true;
    }
    return reused;
  }

  /** Stores the hash of a password the user has just set. */
  async record(userId: string, password: string): Promise<void> {
    requireUserId(userId);
    const encoded = await this.#hasher.hash(password);
    try {
      await this.#store.add(userId, encoded, this.keep);
    } catch (error) {
      throw storeFailure('password history store', error);
    }
  }
}
