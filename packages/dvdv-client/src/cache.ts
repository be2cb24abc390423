import { DvdvError } from './errors.js';

export interface DvdvCacheOptions {
  /** How long an answer is fresh. Default 300 000 ms (5 minutes). */
  readonly ttlMs?: number;
  /**
   * After `ttlMs`, how long the old answer is still served while one background query refreshes it
   * (stale-while-revalidate). Default 600 000 ms; 0 turns it off.
   */
  readonly staleWhileRevalidateMs?: number;
  /** How long a "not found" is remembered. Default 30 000 ms; 0 turns negative caching off. */
  readonly negativeTtlMs?: number;
  /** Entries kept at most; the least recently used go first. Default 1000. */
  readonly maxEntries?: number;
}

export interface DvdvCacheStatistics {
  /** Answered from a fresh entry. */
  readonly hits: number;
  /** Answered from a stale entry while a refresh ran. */
  readonly staleHits: number;
  /** Answered "not found" from a negative entry. */
  readonly negativeHits: number;
  /** Had to ask the directory (concurrent callers for the same key share one query). */
  readonly misses: number;
  /** Background refreshes started / failed (a failed refresh keeps the stale entry). */
  readonly refreshes: number;
  readonly refreshFailures: number;
  /** Entries dropped for the size bound. */
  readonly evictions: number;
  readonly size: number;
  readonly maxEntries: number;
}

/** What a loader produced: a value, or a "not found" error that may be cached negatively. */
export type CacheOutcome<V> =
  | { readonly ok: true; readonly value: V }
  | { readonly ok: false; readonly error: DvdvError };

export type CacheSource = 'directory' | 'cache' | 'stale-cache';

interface Entry<V> {
  readonly outcome: CacheOutcome<V>;
  readonly storedAt: number;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0) {
    throw new DvdvError('DVDV_INVALID_ARGUMENT', `cache.${name} must be a non-negative number`, {
      details: { [name]: value },
    });
  }
  return result;
}

/** TTL cache with stale-while-revalidate, negative entries, an LRU size bound and statistics. */
export class DvdvCache {
  readonly #entries = new Map<string, Entry<unknown>>();
  readonly #loading = new Map<string, Promise<CacheOutcome<unknown>>>();
  readonly #ttl: number;
  readonly #stale: number;
  readonly #negativeTtl: number;
  readonly #max: number;
  readonly #now: () => number;
  #stats = {
    hits: 0,
    staleHits: 0,
    negativeHits: 0,
    misses: 0,
    refreshes: 0,
    refreshFailures: 0,
    evictions: 0,
  };

  constructor(options: DvdvCacheOptions = {}, now: () => number = Date.now) {
    this.#ttl = nonNegative('ttlMs', options.ttlMs, 300_000);
    this.#stale = nonNegative('staleWhileRevalidateMs', options.staleWhileRevalidateMs, 600_000);
    this.#negativeTtl = nonNegative('negativeTtlMs', options.negativeTtlMs, 30_000);
    this.#max = nonNegative('maxEntries', options.maxEntries, 1000);
    if (this.#max < 1) throw new DvdvError('DVDV_INVALID_ARGUMENT', 'cache.maxEntries must be at least 1');
    this.#now = now;
  }

  /**
   * The cached outcome for `key`, or the loader's. `load` must turn "not found" into `{ ok: false }` and
   * throw for anything else: thrown errors (network, timeouts) are never cached.
   */
  async get<V>(
    key: string,
    load: () => Promise<CacheOutcome<V>>,
  ): Promise<{ outcome: CacheOutcome<V>; source: CacheSource }> {
    const entry = this.#entries.get(key) as Entry<V> | undefined;
    if (entry !== undefined) {
      const age = this.#now() - entry.storedAt;
      if (!entry.outcome.ok) {
        if (age <= this.#negativeTtl) {
          this.#touch(key, entry);
          this.#stats.negativeHits++;
          return { outcome: entry.outcome, source: 'cache' };
        }
      } else if (age <= this.#ttl) {
        this.#touch(key, entry);
        this.#stats.hits++;
        return { outcome: entry.outcome, source: 'cache' };
      } else if (age <= this.#ttl + this.#stale) {
        this.#touch(key, entry);
        this.#stats.staleHits++;
        this.#refresh(key, load);
        return { outcome: entry.outcome, source: 'stale-cache' };
      }
      this.#entries.delete(key);
    }
    this.#stats.misses++;
    return { outcome: await this.#load(key, load), source: 'directory' };
  }

  #load<V>(key: string, load: () => Promise<CacheOutcome<V>>): Promise<CacheOutcome<V>> {
    const running = this.#loading.get(key) as Promise<CacheOutcome<V>> | undefined;
    if (running !== undefined) return running;
    const promise = load()
      .then((outcome) => {
        if (outcome.ok || this.#negativeTtl > 0) this.#store(key, outcome);
        return outcome;
      })
      .finally(() => this.#loading.delete(key));
    this.#loading.set(key, promise);
    return promise;
  }

  #refresh<V>(key: string, load: () => Promise<CacheOutcome<V>>): void {
    if (this.#loading.has(key)) return;
    this.#stats.refreshes++;
    this.#load(key, load).catch(() => {
      // The stale entry stays until its window ends; the next call after that reports the error.
      this.#stats.refreshFailures++;
    });
  }

  #store(key: string, outcome: CacheOutcome<unknown>): void {
    this.#entries.delete(key);
    this.#entries.set(key, { outcome, storedAt: this.#now() });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
      this.#stats.evictions++;
    }
  }

  #touch(key: string, entry: Entry<unknown>): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  /** Waits for background refreshes (tests, graceful shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#loading.values()]);
  }

  clear(): void {
    this.#entries.clear();
  }

  statistics(): DvdvCacheStatistics {
    return { ...this.#stats, size: this.#entries.size, maxEntries: this.#max };
  }
}
