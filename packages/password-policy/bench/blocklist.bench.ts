// The blocklist's budgets: ≤ 8 MB of heap once loaded, ≤ 2 µs per membership lookup (median). Run on its own
// with `node --expose-gc --import tsx bench/blocklist.bench.ts`; password-policy.bench.ts includes it.
import { pathToFileURL } from 'node:url';
import { median } from '@egovkit/testkit/bench-stats';
import { loadDefaultBlocklist } from '../src/blocklist/index.js';

export interface BlocklistBenchResult {
  readonly heapBytes: number;
  readonly entries: number;
  readonly hasMedianNs: number;
  readonly checkMedianNs: number;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * Median of per-batch averages (each batch runs every input `repeat` times), after a warm-up, so that neither
 * timer resolution nor the interpreter before JIT compilation dominates nanosecond operations.
 */
function medianNanoseconds(
  inputs: readonly string[],
  operation: (input: string) => unknown,
  repeat: number,
): number {
  let sink = 0;
  for (let i = 0; i < 20 * repeat; i++) for (const input of inputs) if (operation(input)) sink++;
  const perBatch: number[] = [];
  for (let batch = 0; batch < 51; batch++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) for (const input of inputs) if (operation(input)) sink++;
    perBatch.push(Number(process.hrtime.bigint() - started) / (inputs.length * repeat));
  }
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return median(perBatch);
}

export async function runBlocklistBench(): Promise<BlocklistBenchResult> {
  if (collectGarbage === undefined) throw new Error('run with node --expose-gc to measure the heap');
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const blocklist = loadDefaultBlocklist();
  collectGarbage();
  const heapBytes = process.memoryUsage().heapUsed - before;

  const lookups = [
    'passwort',
    'sommer',
    'schalke04',
    'qwertz',
    'dragon',
    '123456',
    'kx7#vr2!mqp9',
    'lampe-gurke-wolke',
    'zulassungsstelle',
    'wx9$tt',
    'erzgebirge',
    'xq3!zzpl',
    'fussball',
    'hunter2',
    'p4ssw0rt',
    'bundesliga',
  ];
  const passwords = [
    'P@ssw0rt2024!',
    'Sommer2025!!',
    'Kx7#vR2!mQp9',
    'Lampe-Gurke-Wolke-47',
    'MeinPasswort!2024',
    'Qwertz123!',
    'Zulassung#01',
    'Schalke04!!',
    'gR8%teW0lf!x',
    'Tr0mp3te.Haus',
    'X7$kd9!Qmw2p',
    'Bayern1900!',
  ];
  return {
    heapBytes,
    entries: blocklist.size,
    hasMedianNs: medianNanoseconds(lookups, (word) => blocklist.has(word), 1000),
    checkMedianNs: medianNanoseconds(passwords, (password) => blocklist.check(password), 10),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runBlocklistBench();
  console.log(`entries: ${result.entries}`);
  console.log(`heap: ${(result.heapBytes / 1024 / 1024).toFixed(2)} MB (budget 8 MB)`);
  console.log(`has(): median ${result.hasMedianNs.toFixed(0)} ns (budget 2000 ns)`);
  console.log(`check(): median ${(result.checkMedianNs / 1000).toFixed(1)} µs`);
}
