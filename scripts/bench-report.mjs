// Renders bench/results/*.json into the table between the bench markers of the root README.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './lib/workspace.mjs';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const resultsDirectory = join(repositoryRoot, 'bench', 'results');

/** @typedef {{ name: string; unit: string; median: number; max?: number; runs: number; target?: number; meetsTarget?: boolean }} Result */
/** @typedef {{ benchmark: string; date: string; machine: { node: string; cpus: number; cpuModel: string }; results: Result[] }} Report */

const reports = readdirSync(resultsDirectory)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => /** @type {Report} */ (JSON.parse(readFileSync(join(resultsDirectory, file), 'utf8'))));

const rows = reports.flatMap((report) =>
  report.results.map((result) => {
    const target =
      result.target === undefined
        ? '—'
        : `< ${result.target} ${result.unit} ${result.meetsTarget ? '✅' : '❌'}`;
    const max = result.max === undefined ? '—' : `${result.max} ${result.unit}`;
    return `| ${report.benchmark} | ${result.name} | ${result.median} ${result.unit} | ${max} | ${target} |`;
  }),
);
const machines = [
  ...new Set(reports.map((r) => `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`)),
];
const table = [
  START,
  '| package | what | median | max | target |',
  '|---|---|---|---|---|',
  ...rows,
  '',
  `Measured with \`pnpm bench\` on ${machines.join('; ')}; raw numbers in \`bench/results/\`.`,
  END,
].join('\n');

const readmePath = join(repositoryRoot, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
writeFileSync(readmePath, readme.slice(0, start) + table + readme.slice(end + END.length));
console.log(`README.md: benchmark table updated from ${reports.length} result file(s).`);
