import { startRedis } from '@egovkit/testkit';
import { Redis as IoRedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScryptHasher,
  InMemoryPasswordHistoryStore,
  ioredisScriptRunner,
  nodeRedisScriptRunner,
  PasswordHistory,
  type PasswordHistoryStore,
  PasswordPolicyError,
  RedisPasswordHistoryStore,
} from '../src/index.js';

const fastHasher = createScryptHasher({ logCost: 10 });

describe('createScryptHasher', () => {
  it('writes a salted PHC string and verifies only the right password', async () => {
    const hasher = createScryptHasher({ logCost: 12 });
    const first = await hasher.hash('Kx7#vR2!mQp9');
    const second = await hasher.hash('Kx7#vR2!mQp9');
    expect(first).toMatch(/^\$scrypt\$ln=12,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('Kx7#vR2!mQp9');
    expect(await hasher.verify('Kx7#vR2!mQp9', first)).toBe(true);
    expect(await hasher.verify('Kx7#vR2!mQp8', first)).toBe(false);
  });

  it('uses the OWASP parameters by default (N = 2^17, r = 8, p = 1)', async () => {
    expect(await createScryptHasher().hash('x')).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
  });

  it('verifies hashes written with other parameters, so that the cost can be raised later', async () => {
    const old = await createScryptHasher({ logCost: 10, blockSize: 4 }).hash('alt');
    expect(await createScryptHasher({ logCost: 14 }).verify('alt', old)).toBe(true);
  });

  it('treats NFC and NFD spellings of a password as the same password', async () => {
    const encoded = await fastHasher.hash('Grüße');
    expect(await fastHasher.verify('Gru\u0308ße', encoded)).toBe(true);
  });

  it('refuses malformed or abusive stored hashes with a typed error', async () => {
    const valid = await fastHasher.hash('x');
    for (const broken of [
      '',
      'plaintext',
      valid.replace('scrypt', 'bcrypt'),
      valid.replace('ln=10', 'ln=40'),
      valid.replace(/\$[^$]+$/, '$!!'),
    ]) {
      await expect(fastHasher.verify('x', broken), broken).rejects.toMatchObject({
        code: 'HASH_FORMAT_INVALID',
      });
    }
  });

  it('refuses parameters outside sane bounds', () => {
    expect(() => createScryptHasher({ logCost: 8 })).toThrow(PasswordPolicyError);
    expect(() => createScryptHasher({ blockSize: 0 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
  });
});

let redis: Awaited<ReturnType<typeof startRedis>>;
let nodeRedis: ReturnType<typeof createClient>;
let ioredis: IoRedis;

beforeAll(async () => {
  redis = await startRedis();
  nodeRedis = createClient({ url: redis.url });
  await nodeRedis.connect();
  ioredis = new IoRedis(redis.url);
});
afterAll(async () => {
  await nodeRedis?.quit();
  await ioredis?.quit();
  await redis?.stop();
});

const stores: [string, () => PasswordHistoryStore][] = [
  ['in memory', () => new InMemoryPasswordHistoryStore()],
  [
    'Redis (node-redis)',
    () =>
      new RedisPasswordHistoryStore(nodeRedisScriptRunner(nodeRedis), { keyPrefix: `t${Math.random()}:` }),
  ],
  [
    'Redis (ioredis)',
    () => new RedisPasswordHistoryStore(ioredisScriptRunner(ioredis), { keyPrefix: `t${Math.random()}:` }),
  ],
];

describe.each(stores)('PasswordHistory with the %s store', (_name, makeStore) => {
  it('keeps only the last N hashes, newest first, and never the plaintext', async () => {
    const store = makeStore();
    const history = new PasswordHistory({ store, hasher: fastHasher, keep: 3 });
    for (const password of ['eins-1', 'zwei-2', 'drei-3', 'vier-4']) await history.record('anna', password);
    const entries = await store.list('anna');
    expect(entries).toHaveLength(3);
    expect(entries.join()).not.toMatch(/eins|zwei|drei|vier/);
    expect(await history.isReused('anna', 'vier-4')).toBe(true);
    expect(await history.isReused('anna', 'zwei-2')).toBe(true);
    expect(await history.isReused('anna', 'eins-1')).toBe(false);
    expect(await history.isReused('anna', 'zwei-2', 2)).toBe(false);
    expect(await history.isReused('bert', 'vier-4')).toBe(false);
    await store.remove('anna');
    expect(await store.list('anna')).toEqual([]);
  });
});

describe('PasswordHistory errors', () => {
  it('fails closed when the store fails', async () => {
    const broken: PasswordHistoryStore = {
      list: async () => {
        throw new Error('connection refused');
      },
      add: async () => {
        throw new Error('connection refused');
      },
      remove: async () => {},
    };
    const history = new PasswordHistory({ store: broken, hasher: fastHasher });
    await expect(history.isReused('anna', 'x')).rejects.toMatchObject({ code: 'STORE_FAILED' });
    await expect(history.record('anna', 'x')).rejects.toMatchObject({ code: 'STORE_FAILED' });
  });

  it('reports a Redis failure as STORE_FAILED', async () => {
    const closed = createClient({ url: redis.url });
    await closed.connect();
    await closed.quit();
    const store = new RedisPasswordHistoryStore(nodeRedisScriptRunner(closed));
    await expect(
      new PasswordHistory({ store, hasher: fastHasher }).isReused('anna', 'x'),
    ).rejects.toMatchObject({
      code: 'STORE_FAILED',
    });
  });

  it('needs a user id', async () => {
    const history = new PasswordHistory({ store: new InMemoryPasswordHistoryStore(), hasher: fastHasher });
    await expect(history.record('', 'x')).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
    expect(() => new PasswordHistory({ store: new InMemoryPasswordHistoryStore(), keep: 0 })).toThrow(
      PasswordPolicyError,
    );
  });
});
