import { startRedis } from '@egovkit/testkit';
import { Redis as IoRedis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdministratorNotice,
  createLockout,
  InMemoryLockoutStore,
  ioredisScriptRunner,
  KBA_LOCKOUT_DELAY,
  KBA_LOCKOUT_LOCK,
  type LockoutEvent,
  type LockoutPolicy,
  type LockoutStore,
  ManualClock,
  nodeRedisScriptRunner,
  RedisLockoutStore,
} from '../src/index.js';

const MINUTE = 60 * 1000;

let redis: Awaited<ReturnType<typeof startRedis>>;
const clients: ReturnType<typeof createClient>[] = [];

beforeAll(async () => {
  redis = await startRedis();
  // Five connections stand for five application servers behind one TLS gateway.
  for (let i = 0; i < 5; i++) {
    const client = createClient({ url: redis.url });
    await client.connect();
    clients.push(client);
  }
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
  await redis?.stop();
});

function redisStores(): LockoutStore[] {
  const keyPrefix = `test:${Math.random().toString(36).slice(2)}:`;
  return clients.map((client) => new RedisLockoutStore(nodeRedisScriptRunner(client), { keyPrefix }));
}

const storeKinds: [string, () => LockoutStore[]][] = [
  // The same store object for every "server" in one process.
  ['in memory', () => Array(5).fill(new InMemoryLockoutStore())],
  ['Redis', redisStores],
];

function setup(policy: LockoutPolicy, stores: LockoutStore[]) {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 8, 0));
  const events: LockoutEvent[] = [];
  const notices: AdministratorNotice[] = [];
  const servers = stores.map((store) =>
    createLockout({
      policy,
      store,
      clock,
      onEvent: (event) => events.push(event),
      onAdministratorNotice: (notice) => {
        notices.push(notice);
      },
    }),
  );
  const [lockout] = servers;
  if (lockout === undefined) throw new Error('no store');
  return { clock, events, notices, lockout, servers };
}

async function failOnce(lockout: ReturnType<typeof setup>['lockout'], account: string) {
  const attempt = await lockout.begin(account);
  if (attempt.allowed) await attempt.failed();
  return attempt;
}

describe.each(storeKinds)('lock variant (KBA: lock after 5 failures) with the %s store', (_name, stores) => {
  it('allows exactly 5 failed attempts, then locks until an administrator unlocks', async () => {
    const { lockout, events, clock } = setup(KBA_LOCKOUT_LOCK, stores());
    for (let i = 1; i <= 5; i++)
      expect(await failOnce(lockout, 'erika'), `attempt ${i}`).toMatchObject({ allowed: true, attempt: i });
    expect(events.filter((event) => event.type === 'locked')).toEqual([
      { type: 'locked', account: 'erika', at: new Date(clock.now()), failures: 5 },
    ]);
    clock.advance(24 * 60 * MINUTE);
    expect(await lockout.begin('erika')).toEqual({ allowed: false, reason: 'LOCKED' });
    expect(await lockout.status('erika')).toEqual({ failures: 5, locked: true });
    await lockout.unlock('erika', { by: 'admin.meier' });
    expect(events.at(-1)).toMatchObject({ type: 'unlocked', account: 'erika', by: 'admin.meier' });
    expect(await lockout.begin('erika')).toMatchObject({ allowed: true, attempt: 1 });
    // Other accounts are not affected.
    expect(await lockout.begin('bert')).toMatchObject({ allowed: true, attempt: 1 });
  });

  it('resets the counter on success', async () => {
    const { lockout, events } = setup(KBA_LOCKOUT_LOCK, stores());
    for (let i = 0; i < 4; i++) await failOnce(lockout, 'erika');
    const attempt = await lockout.begin('erika');
    expect(attempt).toMatchObject({ allowed: true, attempt: 5 });
    if (attempt.allowed) await attempt.succeeded();
    expect(events.at(-1)).toMatchObject({ type: 'reset', account: 'erika' });
    expect(await lockout.status('erika')).toEqual({ failures: 0, locked: false });
    for (let i = 1; i <= 5; i++) expect(await failOnce(lockout, 'erika')).toMatchObject({ allowed: true });
    expect(await lockout.begin('erika')).toMatchObject({ allowed: false, reason: 'LOCKED' });
  });

  it('counts an attempt that is never settled as a failure', async () => {
    const { lockout } = setup(KBA_LOCKOUT_LOCK, stores());
    for (let i = 0; i < 5; i++) await lockout.begin('erika');
    expect(await lockout.begin('erika')).toMatchObject({ allowed: false, reason: 'LOCKED' });
  });

  it('refuses to settle an attempt twice', async () => {
    const { lockout } = setup(KBA_LOCKOUT_LOCK, stores());
    const attempt = await lockout.begin('erika');
    if (!attempt.allowed) throw new Error('expected an allowed attempt');
    await attempt.failed();
    await expect(attempt.succeeded()).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
  });

  it('never allows more than 5 of 50 concurrent wrong attempts from five servers', async () => {
    const { servers, lockout } = setup(KBA_LOCKOUT_LOCK, stores());
    const attempts = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const server = servers[i % servers.length] ?? lockout;
        const attempt = await server.begin('target');
        if (attempt.allowed) await attempt.failed();
        return attempt;
      }),
    );
    const allowed = attempts.filter((attempt) => attempt.allowed);
    expect(allowed).toHaveLength(5);
    expect(allowed.map((attempt) => (attempt.allowed ? attempt.attempt : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.filter((attempt) => !attempt.allowed && attempt.reason === 'LOCKED')).toHaveLength(45);
    expect(await lockout.status('target')).toEqual({ failures: 5, locked: true });
  });
});

describe.each(storeKinds)(
  'delay variant (KBA: 3 minutes after the 3rd failure, administrators notified) with the %s store',
  (_name, stores) => {
    it('allows 3 attempts at once, then one attempt per 3 minutes, and notifies the administrators', async () => {
      const { lockout, clock, notices, events } = setup(KBA_LOCKOUT_DELAY, stores());
      for (let i = 1; i <= 3; i++)
        expect(await failOnce(lockout, 'erika')).toMatchObject({ allowed: true, attempt: i });
      const thirdAt = clock.now();
      expect(notices).toEqual([
        {
          account: 'erika',
          failures: 3,
          at: new Date(thirdAt),
          retryAt: new Date(thirdAt + 3 * MINUTE),
          policy: KBA_LOCKOUT_DELAY,
        },
      ]);
      expect(events.map((event) => event.type)).toEqual(['delayed', 'administrator-notified']);

      clock.advance(3 * MINUTE - 1);
      expect(await lockout.begin('erika')).toEqual({
        allowed: false,
        reason: 'DELAYED',
        retryAt: new Date(thirdAt + 3 * MINUTE),
      });
      expect(await lockout.status('erika')).toEqual({
        failures: 3,
        locked: false,
        retryAt: new Date(thirdAt + 3 * MINUTE),
      });
      clock.advance(1);
      expect(await failOnce(lockout, 'erika')).toMatchObject({ allowed: true, attempt: 4 });
      expect(notices.map((notice) => notice.failures)).toEqual([3, 4]);

      clock.advance(2 * MINUTE);
      expect(await lockout.begin('erika')).toMatchObject({ allowed: false, reason: 'DELAYED' });
      clock.advance(MINUTE);
      const fifth = await lockout.begin('erika');
      expect(fifth).toMatchObject({ allowed: true, attempt: 5 });
      if (fifth.allowed) await fifth.succeeded();
      expect(await lockout.status('erika')).toEqual({ failures: 0, locked: false });
      expect(await failOnce(lockout, 'erika')).toMatchObject({ allowed: true, attempt: 1 });
    });

    it('never allows more than 3 of 50 concurrent wrong attempts from five servers', async () => {
      const { servers, lockout, notices } = setup(KBA_LOCKOUT_DELAY, stores());
      const attempts = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const attempt = await (servers[i % servers.length] ?? lockout).begin('target');
          if (attempt.allowed) await attempt.failed();
          return attempt;
        }),
      );
      expect(attempts.filter((attempt) => attempt.allowed)).toHaveLength(3);
      expect(attempts.filter((attempt) => !attempt.allowed && attempt.reason === 'DELAYED')).toHaveLength(47);
      expect(notices).toHaveLength(1);
      expect((await lockout.status('target')).failures).toBe(3);
    });
  },
);

describe('createLockout errors', () => {
  it('refuses policies it cannot enforce', () => {
    const store = new InMemoryLockoutStore();
    for (const policy of [
      { mode: 'lock', maxFailures: 0 },
      { mode: 'lock', maxFailures: 2.5 },
      { mode: 'delay', failuresBeforeDelay: 3, delayMs: -1, notifyAdministrators: true },
      { mode: 'never' },
    ]) {
      expect(() => createLockout({ policy: policy as LockoutPolicy, store }), JSON.stringify(policy)).toThrow(
        expect.objectContaining({ code: 'POLICY_INVALID' }),
      );
    }
  });

  it('refuses empty accounts and anonymous unlocks', async () => {
    const lockout = createLockout({ policy: KBA_LOCKOUT_LOCK, store: new InMemoryLockoutStore() });
    await expect(lockout.begin('')).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
    await expect(lockout.unlock('erika', { by: '' })).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
  });

  it('denies the attempt (fails closed) when the store fails', async () => {
    const broken = new InMemoryLockoutStore();
    broken.acquire = async () => {
      throw new Error('connection reset');
    };
    const lockout = createLockout({ policy: KBA_LOCKOUT_LOCK, store: broken });
    await expect(lockout.begin('erika')).rejects.toMatchObject({ code: 'STORE_FAILED' });
  });

  it('reports an unreachable Redis as STORE_FAILED', async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.quit();
    const lockout = createLockout({
      policy: KBA_LOCKOUT_LOCK,
      store: new RedisLockoutStore(nodeRedisScriptRunner(client)),
    });
    await expect(lockout.begin('erika')).rejects.toMatchObject({ code: 'STORE_FAILED' });
  });
});

describe('RedisLockoutStore with ioredis', () => {
  it('works through ioredisScriptRunner as through node-redis', async () => {
    const client = new IoRedis(redis.url);
    try {
      const store = new RedisLockoutStore(ioredisScriptRunner(client), { keyPrefix: 'ioredis-test:' });
      const { lockout } = setup(KBA_LOCKOUT_LOCK, [store]);
      for (let i = 0; i < 5; i++) await failOnce(lockout, 'erika');
      expect(await lockout.begin('erika')).toMatchObject({ allowed: false, reason: 'LOCKED' });
      expect(await store.get('erika')).toMatchObject({ failures: 5 });
    } finally {
      await client.quit();
    }
  });
});
