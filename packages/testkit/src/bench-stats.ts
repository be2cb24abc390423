// Statistics shared by the benchmarks of all packages, so that every results file means the same by "median".

/** Median; the mean of the two middle values for an even count, NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One decimal place, as the results files show numbers. */
export function roundToTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Operations per second of `operation`, awaited `count` times one after another. */
export async function opsPerSecond(
  count: number,
  operation: (index: number) => Promise<unknown>,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await operation(index);
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}
