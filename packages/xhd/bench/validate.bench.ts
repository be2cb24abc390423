// `pnpm bench` in this package: messages validated per second by validateXhd (XSD + business rules) for a
// typical passport application with a 20 KB photo and two 12 KB fingerprints, side by side in one run with
// Debian's native `xmllint --noout --schema` on the same file – once per process (one file per call, what a
// shell loop or a CI step does) and once over N copies in a single call (no per-process cost).
// Writes bench/results/xhd.json at the repository root.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findExecutable } from '@egovkit/testkit';
import { median, opsPerSecond } from '@egovkit/testkit/bench-stats';
import {
  buildXhd,
  DEFAULT_SCHEMA_FILE,
  examplePassportOrder,
  schemaCacheStats,
  validateSchema,
  validateXhd,
} from '../src/index.js';

const execFileAsync = promisify(execFile);
const RUNS = 5;
const COUNT = { validateXhd: 300, validateSchema: 300, xmllint: 50, xmllintBatch: 200 } as const;
const GOAL = 0.5; // issue #8: ≥ 50 % of xmllint's throughput

type Summary = ReturnType<typeof summary>;

function summary(runs: number[]) {
  return { median: Math.round(median(runs)), max: Math.round(Math.max(...runs)), runs: runs.length };
}

const xmllint = findExecutable('xmllint');
if (xmllint === undefined) throw new Error('xmllint is not installed: apt-get install -y libxml2-utils');

// A fixed date keeps the message, and so its size, the same from run to run.
const { xml } = buildXhd(
  examplePassportOrder({
    now: new Date('2026-11-25T09:30:00Z'),
    bestellnummer: 'B-BENCH-1',
    verfahrenskennung: 'Benchmark 1.0',
  }),
);

const directory = mkdtempSync(join(tmpdir(), 'xhd-bench-'));
try {
  const file = join(directory, 'message.xml');
  writeFileSync(file, xml);
  const copies = Array.from({ length: COUNT.xmllintBatch }, (_, index) => {
    const copy = join(directory, `copy-${index}.xml`);
    writeFileSync(copy, xml);
    return copy;
  });
  const xsd = join(import.meta.dirname, '..', 'schemas', DEFAULT_SCHEMA_FILE);

  const check = await validateXhd(xml);
  if (!check.valid) throw new Error(`benchmark message is invalid: ${JSON.stringify(check.issues)}`);
  const validateOnce = async () => {
    if (!(await validateXhd(xml)).valid) throw new Error('validateXhd failed');
  };
  const schemaOnce = async () => {
    if ((await validateSchema(xml)).length > 0) throw new Error('validateSchema failed');
  };
  const xmllintOnce = () => execFileAsync(xmllint, ['--noout', '--schema', xsd, file]);
  // One process over all copies: the schema is compiled once, as in validateXhd's cache.
  const xmllintBatch = async () => {
    const started = process.hrtime.bigint();
    await execFileAsync(xmllint, ['--noout', '--schema', xsd, ...copies], { maxBuffer: 1 << 24 });
    return copies.length / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  // Warm-up (JIT, schema compilation, page cache), then the four measurements interleaved per run, so that
  // load changes on a shared machine hit all of them alike; the ratios are taken per run.
  await opsPerSecond(30, validateOnce);
  await opsPerSecond(30, schemaOnce);
  await opsPerSecond(5, xmllintOnce);
  await xmllintBatch();
  const runs = {
    full: [] as number[],
    schema: [] as number[],
    perProcess: [] as number[],
    batch: [] as number[],
  };
  const ratios = { perProcess: [] as number[], batch: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const full = await opsPerSecond(COUNT.validateXhd, validateOnce);
    runs.full.push(full);
    runs.schema.push(await opsPerSecond(COUNT.validateSchema, schemaOnce));
    const perProcess = await opsPerSecond(COUNT.xmllint, xmllintOnce);
    runs.perProcess.push(perProcess);
    const batch = await xmllintBatch();
    runs.batch.push(batch);
    ratios.perProcess.push(full / perProcess);
    ratios.batch.push(full / batch);
  }
  const cache = schemaCacheStats();
  const [full, schemaOnly, perProcess, batch] = [runs.full, runs.schema, runs.perProcess, runs.batch].map(
    summary,
  ) as [Summary, Summary, Summary, Summary];
  const { stdout, stderr } = await execFileAsync(xmllint, ['--version']);
  const version = `${stderr}${stdout}`.split('\n')[0]?.trim() ?? 'unknown';
  const ratio = median(ratios.perProcess);
  const ratioBatch = median(ratios.batch);
  const percent = (value: number) => Math.round(value * 100);

  const report = {
    benchmark: 'xhd',
    package: '@egovkit/xhd',
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown' },
    sample: {
      message: 'BestellungDokument RP, 1 Antrag, 20 000-byte JPEG photo, 2 × 12 000-byte WSQ fingerprints',
      bytes: Buffer.byteLength(xml),
      schema: `schemas/${DEFAULT_SCHEMA_FILE}`,
      xmllint: version,
      runsOf: COUNT,
      schemaCache: cache,
      goal: `validateXhd ≥ ${percent(GOAL)} % of xmllint --schema throughput (many files in one xmllint process)`,
      ratioToXmllintPerProcess: Math.round(ratio * 100) / 100,
      ratioToXmllintBatch: Math.round(ratioBatch * 100) / 100,
      meetsGoal: ratioBatch >= GOAL,
    },
    results: [
      { name: 'validateXhd() – XSD (libxml2-wasm, compiled once) + parse + rules', unit: 'msg/s', ...full },
      { name: 'validateSchema() – XSD only', unit: 'msg/s', ...schemaOnly },
      { name: 'xmllint --noout --schema, one process per file (baseline)', unit: 'msg/s', ...perProcess },
      {
        name: `xmllint --noout --schema, ${COUNT.xmllintBatch} files in one process`,
        unit: 'msg/s',
        ...batch,
      },
      {
        name: 'validateXhd vs. xmllint run once per file (process start-up included; no goal)',
        unit: '%',
        median: percent(ratio),
        max: percent(Math.max(...ratios.perProcess)),
        runs: RUNS,
      },
      {
        name: `validateXhd vs. xmllint over many files in one process (goal ≥ ${percent(GOAL)} %: ${ratioBatch >= GOAL ? 'met' : 'NOT met'})`,
        unit: '%',
        median: percent(ratioBatch),
        max: percent(Math.max(...ratios.batch)),
        runs: RUNS,
      },
    ],
  };
  const resultsDirectory = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, 'xhd.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const result of report.results)
    console.log(
      `${result.name}: ${result.median} ${result.unit}${'max' in result ? ` (max ${result.max})` : ''}`,
    );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
