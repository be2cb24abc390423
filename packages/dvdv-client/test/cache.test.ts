import { describe, expect, it } from 'vitest';
import { type CacheOutcome, DvdvCache } from '../src/cache.js';
import { DvdvError } from '../src/index.js';

function clock(start = 0) {
  const state = { now: start };
  return { state, now: () => state.now };
}

const found = (value: string): CacheOutcome<string> => ({ ok: true, value });
const missing: CacheOutcome<string> = {
  ok: false,
  error: new DvdvError('DVDV_ORGANISATION_NOT_FOUND', 'missing'),
};

describe('DvdvCache', () => {
  it('serves fresh entries from the cache and counts hits and misses', async () => {
    const { state, now } = clock();
    const cache = new DvdvCache({ ttlMs: 1000, staleWhileRevalidateMs: 0 }, now);
    let loads = 0;
    const load = async () => found(`v${++loads}`);
    expect(await cache.get('k', load)).toEqual({ outcome: found('v1'), source: 'directory' });
    state.now = 1000;
    expect(await cache.get('k', load)).toEqual({ outcome: found('v1'), source: 'cache' });
    state.now = 1001;
    expect(await cache.get('k', load)).toEqual({ outcome: found('v2'), source: 'directory' });
    expect(cache.statistics()).toMatchObject({ hits: 1, misses: 2, size: 1 });
  });

  it('serves a stale entry while one background load refreshes it', async () => {
    const { state, now } = clock();
    const cache = new DvdvCache({ ttlMs: 1000, staleWhileRevalidateMs: 5000 }, now);
    let loads = 0;
    let release: () => void = () => undefined;
    const load = async () => {
      loads++;
      if (loads > 1) await new Promise<void>((resolve) => (release = resolve));
      return found(`v${loads}`);
    };
    await cache.get('k', load);
    state.now = 3000;
    expect(await cache.get('k', load)).toEqual({ outcome: found('v1'), source: 'stale-cache' });
    expect(await cache.get('k', load)).toEqual({ outcome: found('v1'), source: 'stale-cache' });
    expect(loads).toBe(2);
    release();
    await cache.settle();
    expect(await cache.get('k', load)).toEqual({ outcome: found('v2'), source: 'cache' });
    expect(cache.statistics()).toMatchObject({ staleHits: 2, refreshes: 1, refreshFailures: 0 });
  });

  it('keeps the stale entry when the refresh fails, then reports the error after the stale window', async () => {
    const { state, now } = clock();
    const cache = new DvdvCache({ ttlMs: 1000, staleWhileRevalidateMs: 1000 }, now);
    await cache.get('k', async () => found('v1'));
    const failing = async (): Promise<CacheOutcome<string>> => {
      throw new DvdvError('DVDV_ALL_SERVERS_FAILED', 'down');
    };
    state.now = 1500;
    expect((await cache.get('k', failing)).outcome).toEqual(found('v1'));
    await cache.settle();
    expect(cache.statistics().refreshFailures).toBe(1);
    state.now = 2001;
    await expect(cache.get('k', failing)).rejects.toMatchObject({ code: 'DVDV_ALL_SERVERS_FAILED' });
  });

  it('remembers "not found" for negativeTtlMs only, and never caches thrown errors', async () => {
    const { state, now } = clock();
    const cache = new DvdvCache({ ttlMs: 10_000, negativeTtlMs: 100 }, now);
    let loads = 0;
    const load = async () => {
      loads++;
      return missing;
    };
    await cache.get('k', load);
    expect((await cache.get('k', load)).outcome).toBe(missing);
    expect(loads).toBe(1);
    state.now = 101;
    await cache.get('k', load);
    expect(loads).toBe(2);
    expect(cache.statistics().negativeHits).toBe(1);

    let attempts = 0;
    const throwing = async (): Promise<CacheOutcome<string>> => {
      attempts++;
      throw new Error('boom');
    };
    await expect(cache.get('e', throwing)).rejects.toThrow('boom');
    await expect(cache.get('e', throwing)).rejects.toThrow('boom');
    expect(attempts).toBe(2);
  });

  it('shares one load between concurrent callers', async () => {
    const cache = new DvdvCache({}, () => 0);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return found('v');
    };
    const results = await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]);
    expect(loads).toBe(1);
    expect(results.map((result) => result.outcome)).toEqual([found('v'), found('v'), found('v')]);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new DvdvCache({ maxEntries: 2 }, () => 0);
    const loadsOf: string[] = [];
    const load = (key: string) => async () => {
      loadsOf.push(key);
      return found(key);
    };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('a', load('a'));
    await cache.get('c', load('c'));
    expect(cache.statistics()).toMatchObject({ size: 2, evictions: 1 });
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    expect(loadsOf).toEqual(['a', 'b', 'c', 'b']);
  });

  it('rejects nonsensical options', () => {
    expect(() => new DvdvCache({ ttlMs: -1 })).toThrow(DvdvError);
    expect(() => new DvdvCache({ maxEntries: 0 })).toThrow(DvdvError);
  });
});
