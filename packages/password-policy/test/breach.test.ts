import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPasswordPolicy,
  createRangeLookup,
  httpRangeFetcher,
  PasswordPolicyError,
} from '../src/index.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex').toUpperCase();
const BREACHED = { 'Sommer2025!': 4711, 'Hallo123!': 2 };

// A local range service in the Pwned Passwords format; it records the prefixes it was asked for.
let server: Server;
let baseUrl: string;
const requests: { prefix: string; padding: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const prefix = request.url?.split('/').pop() ?? '';
    requests.push({ prefix, padding: request.headers['add-padding'] as string | undefined });
    if (prefix === 'FFFFF') {
      response.writeHead(503).end();
      return;
    }
    const lines = Object.entries(BREACHED)
      .map(([password, count]) => [sha1(password), count] as const)
      .filter(([hash]) => hash.startsWith(prefix))
      .map(([hash, count]) => `${hash.slice(5)}:${count}`);
    lines.push(`${'0'.repeat(35)}:0`); // padding entry
    response.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/range`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('createRangeLookup over HTTP (k-anonymity)', () => {
  it('finds breached passwords and sends only the 5-character hash prefix', async () => {
    const lookup = createRangeLookup({ fetchRange: httpRangeFetcher({ baseUrl }) });
    expect(await lookup.check('Sommer2025!')).toEqual({ breached: true, occurrences: 4711 });
    expect(await lookup.check('Kx7#vR2!mQp9-unbekannt')).toEqual({ breached: false, occurrences: 0 });
    const last = requests.at(-1);
    expect(last?.prefix).toBe(sha1('Kx7#vR2!mQp9-unbekannt').slice(0, 5));
    expect(last?.padding).toBe('true');
    expect(JSON.stringify(requests)).not.toContain('Sommer');
  });

  it('honours a minimum number of occurrences', async () => {
    const lookup = createRangeLookup({ fetchRange: httpRangeFetcher({ baseUrl }), minimumOccurrences: 10 });
    expect(await lookup.check('Hallo123!')).toEqual({ breached: false, occurrences: 2 });
  });

  it('fails closed with BREACH_LOOKUP_FAILED on HTTP errors, refused connections, timeouts and garbage', async () => {
    const fetchRange = httpRangeFetcher({ baseUrl });
    const unavailable = createRangeLookup({ fetchRange: () => fetchRange('FFFFF') });
    await expect(unavailable.check('x')).rejects.toMatchObject({ code: 'BREACH_LOOKUP_FAILED' });

    const refused = createRangeLookup({
      fetchRange: httpRangeFetcher({ baseUrl: 'http://127.0.0.1:9/range' }),
    });
    await expect(refused.check('x')).rejects.toMatchObject({ code: 'BREACH_LOOKUP_FAILED' });

    const hanging = createRangeLookup({
      fetchRange: httpRangeFetcher({
        baseUrl,
        timeoutMs: 50,
        fetch: (_input, init) =>
          new Promise((_resolve, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          ),
      }),
    });
    await expect(hanging.check('x')).rejects.toMatchObject({ code: 'BREACH_LOOKUP_FAILED' });

    const garbage = createRangeLookup({ fetchRange: async () => '<html>maintenance</html>' });
    await expect(garbage.check('x')).rejects.toBeInstanceOf(PasswordPolicyError);
  });

  it('refuses plain HTTP to anything but loopback', () => {
    expect(() => httpRangeFetcher({ baseUrl: 'http://example.org/range/' })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
  });

  it('plugs into a policy as the breached rule, which needs the lookup', async () => {
    const policy = { id: 'breach', rules: [{ type: 'breached' as const }] };
    expect(() => createPasswordPolicy(policy)).toThrow(
      expect.objectContaining({ code: 'DEPENDENCY_MISSING' }),
    );
    const engine = createPasswordPolicy(policy, {
      breachLookup: createRangeLookup({ fetchRange: httpRangeFetcher({ baseUrl }) }),
    });
    const result = await engine.evaluate('Sommer2025!', { locale: 'en' });
    expect(result.failures).toEqual([
      {
        code: 'PASSWORD_BREACHED',
        rule: 'breached',
        params: { occurrences: 4711 },
        message: 'The password is known from data breaches and must not be used.',
      },
    ]);
  });
});
