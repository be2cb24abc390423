import { startRedis } from '@egovkit/testkit';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMonths,
  type CompromiseSignal,
  type CompromiseStateStore,
  checkPasswordExpiry,
  createCompromiseDetector,
  InMemoryCompromiseStateStore,
  kbaPreset,
  ManualClock,
  nodeRedisScriptRunner,
  RedisCompromiseStateStore,
} from '../src/index.js';

const DAY = 24 * 60 * 60 * 1000;
const kbaExpiry = () => kbaPreset().expiry;

describe('checkPasswordExpiry with the kba preset', () => {
  const changed = new Date(Date.UTC(2026, 0, 31, 9, 0));

  it('demands a change of a personal password after 6 calendar months', async () => {
    const clock = new ManualClock(Date.UTC(2026, 6, 30, 8, 59));
    const before = await checkPasswordExpiry(kbaExpiry(), {
      account: 'a',
      kind: 'personal',
      lastChangedAt: changed,
      clock,
    });
    expect(before).toEqual({
      changeRequired: false,
      expiresAt: new Date(Date.UTC(2026, 6, 31, 9, 0)),
      waived: false,
    });
    clock.set(Date.UTC(2026, 6, 31, 9, 0));
    const after = await checkPasswordExpiry(kbaExpiry(), {
      account: 'a',
      kind: 'personal',
      lastChangedAt: changed,
      clock,
    });
    expect(after).toMatchObject({ changeRequired: true, reason: 'MAX_AGE' });
  });

  it('demands a change of access credentials after 90 days', async () => {
    const clock = new ManualClock(changed.getTime() + 90 * DAY - 1);
    const check = { account: 'svc', kind: 'credential' as const, lastChangedAt: changed, clock };
    expect((await checkPasswordExpiry(kbaExpiry(), check)).changeRequired).toBe(false);
    clock.advance(1);
    expect(await checkPasswordExpiry(kbaExpiry(), check)).toMatchObject({
      changeRequired: true,
      reason: 'MAX_AGE',
    });
  });

  it('waives the personal maximum age while a compromise detector runs, but not the 90 days of credentials', async () => {
    const clock = new ManualClock(changed.getTime() + 400 * DAY);
    const detector = createCompromiseDetector({ clock });
    const personal = await checkPasswordExpiry(kbaExpiry(), {
      account: 'a',
      kind: 'personal',
      lastChangedAt: changed,
      clock,
      detector,
    });
    expect(personal).toEqual({ changeRequired: false, waived: true });
    const credential = await checkPasswordExpiry(kbaExpiry(), {
      account: 's',
      kind: 'credential',
      lastChangedAt: changed,
      clock,
      detector,
    });
    expect(credential).toMatchObject({ changeRequired: true, reason: 'MAX_AGE', waived: false });
  });

  it('demands a change as soon as the detector suspects a compromise, even for a fresh password', async () => {
    const clock = new ManualClock(changed.getTime() + DAY);
    const detector = createCompromiseDetector({ clock, failureBurst: { count: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) await detector.record({ account: 'a', outcome: 'failure' });
    const status = await checkPasswordExpiry(kbaExpiry(), {
      account: 'a',
      kind: 'personal',
      lastChangedAt: changed,
      clock,
      detector,
    });
    expect(status).toEqual({ changeRequired: true, reason: 'COMPROMISE_SUSPECTED', waived: false });
    await detector.passwordChanged('a');
    expect(
      (
        await checkPasswordExpiry(kbaExpiry(), {
          account: 'a',
          kind: 'personal',
          lastChangedAt: new Date(clock.now()),
          clock,
          detector,
        })
      ).changeRequired,
    ).toBe(false);
  });

  it('refuses invalid input with typed errors', async () => {
    await expect(
      checkPasswordExpiry(kbaExpiry(), { account: 'a', kind: 'personal', lastChangedAt: new Date('nope') }),
    ).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
    await expect(
      checkPasswordExpiry(kbaExpiry(), { account: 'a', kind: 'robot' as 'personal', lastChangedAt: changed }),
    ).rejects.toMatchObject({ code: 'ARGUMENT_INVALID' });
  });

  it('adds calendar months and clamps to the end of shorter months', () => {
    expect(addMonths(new Date(Date.UTC(2026, 7, 31)), 6)).toEqual(new Date(Date.UTC(2027, 1, 28)));
    expect(addMonths(new Date(Date.UTC(2027, 7, 31)), 6)).toEqual(new Date(Date.UTC(2028, 1, 29)));
    expect(addMonths(new Date(Date.UTC(2026, 2, 15, 12)), 6)).toEqual(new Date(Date.UTC(2026, 8, 15, 12)));
  });
});

let redis: Awaited<ReturnType<typeof startRedis>>;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

const stores: [string, () => CompromiseStateStore][] = [
  ['in memory', () => new InMemoryCompromiseStateStore()],
  [
    'Redis',
    () => new RedisCompromiseStateStore(nodeRedisScriptRunner(client), { keyPrefix: `t${Math.random()}:` }),
  ],
];

describe.each(stores)('createCompromiseDetector with the %s store', (_name, makeStore) => {
  function setup(options: { failureBurst?: { count: number; windowMs: number } } = {}) {
    const clock = new ManualClock(Date.UTC(2026, 3, 1, 8));
    const signals: CompromiseSignal[] = [];
    const detector = createCompromiseDetector({
      clock,
      store: makeStore(),
      sessionTimeoutMs: 60 * 60 * 1000,
      ...options,
      onSuspected: (signal) => {
        signals.push(signal);
      },
    });
    return { clock, signals, detector };
  }

  it('fires on parallel sessions from different systems and notifies once', async () => {
    const { clock, signals, detector } = setup();
    expect(
      await detector.record({
        account: 'erika',
        outcome: 'success',
        sessionId: 's1',
        system: 'PC-017',
        location: 'Annaberg',
      }),
    ).toBeUndefined();
    clock.advance(10 * 60 * 1000);
    const signal = await detector.record({
      account: 'erika',
      outcome: 'success',
      sessionId: 's2',
      system: 'PC-203',
      location: 'Annaberg',
      address: '10.1.2.3',
    });
    expect(signal).toMatchObject({
      account: 'erika',
      reason: 'PARALLEL_SESSIONS',
      evidence: { systems: ['PC-017', 'PC-203'], locations: ['Annaberg'], address: '10.1.2.3' },
    });
    expect(await detector.isChangeRequired('erika')).toBe(true);
    await detector.record({ account: 'erika', outcome: 'success', sessionId: 's3', system: 'PC-999' });
    expect(signals).toHaveLength(1);
    await detector.passwordChanged('erika');
    expect(await detector.isChangeRequired('erika')).toBe(false);
  });

  it('fires on parallel sessions from different locations of the same system name', async () => {
    const { detector } = setup();
    await detector.record({ account: 'erika', outcome: 'success', sessionId: 'a', location: 'Annaberg' });
    expect(
      await detector.record({ account: 'erika', outcome: 'success', sessionId: 'b', location: 'Remote-VPN' }),
    ).toMatchObject({
      reason: 'PARALLEL_SESSIONS',
    });
  });

  it('stays quiet for a re-login from the same system, after a logout, or after the session timed out', async () => {
    const { clock, detector } = setup();
    await detector.record({ account: 'erika', outcome: 'success', sessionId: 's1', system: 'PC-017' });
    expect(
      await detector.record({ account: 'erika', outcome: 'success', sessionId: 's2', system: 'PC-017' }),
    ).toBeUndefined();
    await detector.record({ account: 'erika', outcome: 'logout', sessionId: 's1' });
    await detector.record({ account: 'erika', outcome: 'logout', sessionId: 's2' });
    expect(
      await detector.record({ account: 'erika', outcome: 'success', sessionId: 's3', system: 'PC-203' }),
    ).toBeUndefined();
    clock.advance(60 * 60 * 1000 + 1);
    expect(
      await detector.record({ account: 'erika', outcome: 'success', sessionId: 's4', system: 'PC-555' }),
    ).toBeUndefined();
    expect(await detector.isChangeRequired('erika')).toBe(false);
  });

  it('keeps a session alive with activity events', async () => {
    const { clock, detector } = setup();
    await detector.record({ account: 'erika', outcome: 'success', sessionId: 's1', system: 'PC-017' });
    clock.advance(50 * 60 * 1000);
    await detector.record({ account: 'erika', outcome: 'activity', sessionId: 's1', system: 'PC-017' });
    clock.advance(50 * 60 * 1000);
    expect(
      await detector.record({ account: 'erika', outcome: 'success', sessionId: 's2', system: 'PC-203' }),
    ).toMatchObject({
      reason: 'PARALLEL_SESSIONS',
    });
  });

  it('fires on a burst of failures within the window, not on the same number spread out', async () => {
    const { clock, detector, signals } = setup({ failureBurst: { count: 4, windowMs: 10 * 60 * 1000 } });
    for (let i = 0; i < 3; i++) {
      expect(await detector.record({ account: 'bert', outcome: 'failure' })).toBeUndefined();
      clock.advance(4 * 60 * 1000);
    }
    // The first failure has left the window by now.
    expect(await detector.record({ account: 'bert', outcome: 'failure' })).toBeUndefined();
    clock.advance(1000);
    expect(
      await detector.record({ account: 'bert', outcome: 'failure', address: '203.0.113.9' }),
    ).toMatchObject({
      reason: 'FAILURE_BURST',
      evidence: { failures: 4, windowMs: 600_000, address: '203.0.113.9' },
    });
    expect(signals.map((signal) => signal.reason)).toEqual(['FAILURE_BURST']);
    expect(await detector.isChangeRequired('bert')).toBe(true);
    expect(await detector.isChangeRequired('erika')).toBe(false);
  });

  it('refuses events without an account and unknown outcomes', async () => {
    const { detector } = setup();
    await expect(detector.record({ account: '', outcome: 'success' })).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
    await expect(detector.record({ account: 'x', outcome: 'maybe' as 'success' })).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
  });
});

describe('createCompromiseDetector errors', () => {
  it('refuses bad settings and fails closed when the store fails', async () => {
    expect(() => createCompromiseDetector({ sessionTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    expect(() => createCompromiseDetector({ failureBurst: { count: 1.5, windowMs: 1 } })).toThrow(
      expect.objectContaining({ code: 'ARGUMENT_INVALID' }),
    );
    const failing = new InMemoryCompromiseStateStore();
    failing.isFlagged = async () => {
      throw new Error('disk full');
    };
    const detector = createCompromiseDetector({ store: failing });
    await expect(detector.isChangeRequired('a')).rejects.toMatchObject({ code: 'STORE_FAILED' });
  });

  it('reports a failing notification as itself, not as a store failure, and keeps the suspicion', async () => {
    const detector = createCompromiseDetector({
      failureBurst: { count: 1, windowMs: 1000 },
      onSuspected: () => {
        throw new Error('mail server down');
      },
    });
    await expect(detector.record({ account: 'a', outcome: 'failure' })).rejects.toThrow('mail server down');
    expect(await detector.isChangeRequired('a')).toBe(true);
  });
});
