import { describe, expect, it } from 'vitest';
import { median, opsPerSecond, roundToTenth } from '../src/bench-stats.js';

describe('benchmark statistics', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('leaves its input in the order it was given', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rounds to one decimal place', () => {
    expect(roundToTenth(1.25)).toBe(1.3);
    expect(roundToTenth(71.649)).toBe(71.6);
  });

  it('runs the operation the given number of times, in order, and reports a rate', async () => {
    const seen: number[] = [];
    const rate = await opsPerSecond(5, async (index) => {
      seen.push(index);
      await new Promise((resolve) => setTimeout(resolve, 2));
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    // Five operations of at least 2 ms each: never more than 500 per second.
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(500);
  });
});
