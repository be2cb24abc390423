import { createHash } from 'node:crypto';
import { PasswordPolicyError } from '../errors.js';

/** Answers whether a password is known from breaches. */
export interface BreachedPasswordLookup {
  check(password: string): Promise<{ readonly breached: boolean; readonly occurrences: number }>;
}

/**
 * Fetches the range for a 5-character upper-case hex SHA-1 prefix: lines `SUFFIX:COUNT` (35 hex characters,
 * a colon, a count), as the Pwned Passwords range API returns them.
 */
export type RangeFetcher = (prefix: string) => Promise<string>;

export interface RangeLookupOptions {
  readonly fetchRange: RangeFetcher;
  /** Occurrences from which a password counts as breached. Default 1. */
  readonly minimumOccurrences?: number;
}

/**
 * k-anonymity lookup: only the first 5 hex characters of the password's SHA-1 leave the process, and the
 * match against the returned suffixes happens here. The password itself is never sent.
 */
export function createRangeLookup(options: RangeLookupOptions): BreachedPasswordLookup {
  const minimum = options.minimumOccurrences ?? 1;
  if (!Number.isInteger(minimum) || minimum < 1) {
    throw new PasswordPolicyError('ARGUMENT_INVALID', 'minimumOccurrences must be a positive integer');
  }
  return {
    async check(password) {
      const digest = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
      const prefix = digest.slice(0, 5);
      const suffix = digest.slice(5);
      let body: string;
      try {
        body = await options.fetchRange(prefix);
      } catch (error) {
        if (error instanceof PasswordPolicyError) throw error;
        throw new PasswordPolicyError(
          'BREACH_LOOKUP_FAILED',
          `breached-password range lookup failed: ${(error as Error)?.message}`,
          {
            cause: error,
          },
        );
      }
      if (typeof body !== 'string') {
        throw new PasswordPolicyError(
          'BREACH_LOOKUP_FAILED',
          'breached-password range lookup returned no text',
        );
      }
      let occurrences = 0;
      for (const line of body.split(/\r?\n/)) {
        const match = /^([0-9A-Fa-f]{35}):(\d+)$/.exec(line.trim());
        if (match === null) {
          if (line.trim() === '') continue;
          throw new PasswordPolicyError(
            'BREACH_LOOKUP_FAILED',
            'breached-password range response is malformed',
          );
        }
        if (match[1]?.toUpperCase() === suffix) occurrences = Number(match[2]);
      }
      return { breached: occurrences >= minimum, occurrences };
    },
  };
}

/** The public Pwned Passwords range endpoint; nothing calls it unless you pass it to `httpRangeFetcher`. */
export const PWNED_PASSWORDS_RANGE_URL = 'https://api.pwnedpasswords.com/range/';

export interface HttpRangeFetcherOptions {
  /** The range URL; the prefix is appended, e.g. `https://api.pwnedpasswords.com/range/`. */
  readonly baseUrl: string;
  /** Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Ask for padded responses (`Add-Padding: true`) so that the response size does not hint at the prefix. */
  readonly padding?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

/** A range fetcher over HTTPS with a timeout; the only place this package makes a network call. */
export function httpRangeFetcher(options: HttpRangeFetcherOptions): RangeFetcher {
  const url = new URL(options.baseUrl);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new PasswordPolicyError(
      'ARGUMENT_INVALID',
      'the range lookup must use https (plain http only on loopback)',
    );
  }
  const fetchImplementation = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  return async (prefix) => {
    const response = await fetchImplementation(new URL(prefix, url), {
      headers: { ...(options.padding === false ? {} : { 'Add-Padding': 'true' }), ...options.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`range lookup answered HTTP ${response.status}`);
    return response.text();
  };
}
