// How fast the testkit gets tests going: test PKI generation (target < 3 s) and slapd / redis-server start-up
// (target < 5 s each). Writes bench/results/testkit.json at the repository root.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, roundToTenth } from '../src/bench-stats.js';
import { generateTestPki, getTestPki, startRedis, startSlapd } from '../src/index.js';

const RUNS = 7;

interface Measurement {
  readonly name: string;
  readonly unit: 'ms';
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly target: number;
  readonly meetsTarget: boolean;
}

async function measure(name: string, target: number, once: () => Promise<void>): Promise<Measurement> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const max = roundToTenth(samples.at(-1) ?? Number.NaN);
  return {
    name,
    unit: 'ms',
    runs: RUNS,
    median: roundToTenth(median(samples)),
    min: roundToTenth(samples[0] ?? Number.NaN),
    max,
    target,
    meetsTarget: max < target,
  };
}

/** Times server start-ups only; the servers are stopped after all runs, outside the measured spans. */
async function measureStart(
  name: string,
  start: () => Promise<{ stop(): Promise<void> }>,
): Promise<Measurement> {
  const servers: Array<{ stop(): Promise<void> }> = [];
  const result = await measure(name, 5000, async () => {
    servers.push(await start());
  });
  await Promise.all(servers.map((server) => server.stop()));
  return result;
}

await getTestPki(); // the servers' TLS material; not part of their start-up time

const results = [
  await measure('test PKI generation (19 certificates, 2 CRLs, PEM/DER/PKCS#12 files)', 3000, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'egovkit-bench-pki-'));
    await generateTestPki(directory);
    rmSync(directory, { recursive: true, force: true });
  }),
  await measureStart('slapd start until LDAP and LDAPS accept connections', () => startSlapd()),
  await measureStart('redis-server start until PING answers', () => startRedis()),
];

const resultsDirectory = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');
mkdirSync(resultsDirectory, { recursive: true });
const report = {
  benchmark: 'testkit',
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
  results,
};
writeFileSync(join(resultsDirectory, 'testkit.json'), `${JSON.stringify(report, null, 2)}\n`);
for (const result of results) {
  console.log(
    `${result.meetsTarget ? 'ok  ' : 'SLOW'} ${result.name}: median ${result.median} ms, max ${result.max} ms (target < ${result.target} ms)`,
  );
}
if (results.some((result) => !result.meetsTarget)) process.exitCode = 1;
