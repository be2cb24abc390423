// Small helpers shared by the osci-transport benchmarks.

/** CPU milliseconds (user + system) of this process since `before`. */
export function cpuMs(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** One decimal place, as the results file shows numbers. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
