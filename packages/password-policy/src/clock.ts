/** Where every time-based decision of this package gets the time from; inject your own in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `milliseconds` (never backwards). */
  advance(milliseconds: number): void {
    if (!(milliseconds >= 0)) throw new RangeError('a ManualClock only moves forward');
    this.#now += milliseconds;
  }

  set(time: Date | number): void {
    this.#now = typeof time === 'number' ? time : time.getTime();
  }
}
