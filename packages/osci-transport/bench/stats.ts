// Small helpers shared by the osci-transport benchmarks.

/** CPU milliseconds (user + system) of this process since `before`. */
export function cpuMs(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}
