#!/usr/bin/env node
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConformanceError } from './errors.js';
import {
  type CaseOptions,
  defaultFixturesDir,
  loadManifest,
  OSCI_CHECKS,
  type OsciCheck,
  parseSuite,
  type Suite,
} from './manifest.js';
import { referenceCheck } from './reference.js';
import { toJUnitXml, toMarkdown } from './report.js';
import { type ConformanceTarget, type RunConformanceOptions, runConformance, selectCases } from './runner.js';

/** Exit codes: every case passed / accepted; some case failed / rejected; usage error or the run could not start. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

/** One line on stdout. */
function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Set by the command that ran. */
let exitCode = EXIT_OK;

function integer(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}

function suites(value: string | undefined): Suite[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseSuite(s));
}

function header(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const index = value.indexOf(':');
  if (index <= 0) throw new InvalidArgumentError(`--header must be "Name: value", got "${value}"`);
  return { ...previous, [value.slice(0, index).trim()]: value.slice(index + 1).trim() };
}

function writeOut(path: string, text: string): void {
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}

function program(): Command {
  const cli = new Command('egovkit-conformance')
    .description(
      'Conformance kit for OSCI-Transport, XhD and DVDV: run the fixtures against your implementation, generate a test PKI, check cases with egovkit.',
    )
    .showHelpAfterError()
    .exitOverride();

  cli
    .command('run')
    .description(
      'run the cases against an implementation: a command per case (exit 0 = accept, 1-125 = reject) or an HTTP endpoint (2xx = accept, 4xx = reject)',
    )
    .addOption(
      new Option(
        '--command <template>',
        'shell command per case; placeholders {file} {suite} {case} {kind} {check} {fixtures}',
      ).conflicts('url'),
    )
    .addOption(new Option('--url <url>', 'HTTP endpoint each case is POSTed to').conflicts('command'))
    .option('--header <name: value>', 'extra HTTP request header (repeatable)', header)
    .option('--suite <suites>', 'only these suites, comma-separated: osci, xhd, dvdv')
    .option('--case <prefix...>', 'only cases whose id starts with one of these')
    .option('--fixtures <dir>', 'fixtures directory (default: the package’s own)')
    .option('--timeout <ms>', 'time limit per case in milliseconds', integer('--timeout'), 30_000)
    .option('--concurrency <n>', 'cases run at the same time', integer('--concurrency'))
    .option(
      '--require-verdict',
      'every answer must name its verdict in JSON ({"verdict": "accept"|"reject"})',
    )
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--markdown <file>', 'write a Markdown report')
    .option('--json', 'print the report as JSON instead of the summary')
    .action(
      async (options: {
        command?: string;
        url?: string;
        header?: Record<string, string>;
        suite?: string;
        case?: string[];
        fixtures?: string;
        timeout: number;
        concurrency?: number;
        requireVerdict?: boolean;
        junit?: string;
        markdown?: string;
        json?: boolean;
      }) => {
        let target: ConformanceTarget;
        if (options.command !== undefined) target = { command: options.command };
        else if (options.url !== undefined) {
          target =
            options.header === undefined
              ? { url: options.url }
              : { url: options.url, headers: options.header };
        } else throw new UsageError('give the implementation with --command <template> or --url <url>');
        const suite = suites(options.suite);
        const run: RunConformanceOptions = {
          target,
          timeoutMs: options.timeout,
          ...(suite === undefined ? {} : { suite }),
          ...(options.case === undefined ? {} : { cases: options.case }),
          ...(options.fixtures === undefined ? {} : { fixturesDir: resolve(options.fixtures) }),
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          ...(options.requireVerdict === true ? { requireVerdict: true } : {}),
          onCase: (result) => {
            if (result.status !== 'passed' && options.json !== true) {
              console.error(
                `${result.status === 'failed' ? 'FAIL ' : 'ERROR'} ${result.id}: ${result.reason ?? ''}`,
              );
            }
          },
        };
        const report = await runConformance(run);
        if (options.junit !== undefined) writeOut(options.junit, toJUnitXml(report));
        if (options.markdown !== undefined) writeOut(options.markdown, toMarkdown(report));
        if (options.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else {
          for (const s of report.suites) {
            out(
              `${s.suite.padEnd(5)} ${s.passed}/${s.total} passed, ${s.failed} failed, ${s.errors} errors, codes ${s.codeMatches}/${s.codeMatches + s.codeMismatches} matched`,
            );
          }
          const t = report.summary;
          out(`${report.passed ? 'PASSED' : 'FAILED'}: ${t.passed} of ${t.total} cases passed`);
        }
        exitCode = report.passed ? EXIT_OK : EXIT_FAILED;
      },
    );

  cli
    .command('reference')
    .description(
      "check one case with egovkit's own packages; prints JSON {verdict, code, codes, message}; exit 0 = accept, 1 = reject",
    )
    .argument('<suite>', 'osci, xhd or dvdv')
    .argument('<file>', 'the case file')
    .addOption(
      new Option(
        '--check <layer>',
        'OSCI: check only this layer (default: $EGOVKIT_CONFORMANCE_CHECK, else all)',
      ).choices(OSCI_CHECKS),
    )
    .option(
      '--max-part-bytes <n>',
      'OSCI: largest MIME part (default: from $EGOVKIT_CONFORMANCE_OPTIONS)',
      integer('--max-part-bytes'),
    )
    .option(
      '--content-type <type>',
      'Content-Type the bytes came with (a multipart body without its own headers)',
    )
    .option('--fixtures <dir>', 'fixtures whose trust anchor, keys and validation time to use')
    .action(
      async (
        suiteName: string,
        file: string,
        options: { check?: OsciCheck; maxPartBytes?: number; contentType?: string; fixtures?: string },
      ) => {
        const suite = parseSuite(suiteName);
        let data: Buffer;
        try {
          data = readFileSync(file);
        } catch (error) {
          throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
        }
        const envCheck = process.env.EGOVKIT_CONFORMANCE_CHECK;
        const check =
          options.check ??
          (OSCI_CHECKS.includes(envCheck as OsciCheck) ? (envCheck as OsciCheck) : undefined);
        let caseOptions: CaseOptions = {};
        const envOptions = process.env.EGOVKIT_CONFORMANCE_OPTIONS;
        if (envOptions !== undefined && envOptions !== '') {
          try {
            caseOptions = JSON.parse(envOptions) as CaseOptions;
          } catch {
            throw new UsageError('EGOVKIT_CONFORMANCE_OPTIONS is not JSON');
          }
        }
        if (options.maxPartBytes !== undefined)
          caseOptions = { ...caseOptions, maxPartBytes: options.maxPartBytes };
        const outcome = await referenceCheck({
          suite,
          data,
          ...(check === undefined ? {} : { check }),
          ...(Object.keys(caseOptions).length === 0 ? {} : { options: caseOptions }),
          ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
          ...(options.fixtures === undefined ? {} : { fixturesDir: resolve(options.fixtures) }),
        });
        process.stdout.write(`${JSON.stringify(outcome)}\n`);
        exitCode = outcome.verdict === 'accept' ? EXIT_OK : EXIT_FAILED;
      },
    );

  cli
    .command('pki')
    .description('generate a throwaway test PKI (PEM, DER, PKCS#12, CRLs, pki.json) into a directory')
    .argument('<dir>', 'target directory (created if missing)')
    .option('--json', 'print the description of the PKI as JSON')
    .action(async (dir: string, options: { json?: boolean }) => {
      // Loaded on demand: the PKI code (x509, PKCS#12) is most of the bundle and no other command needs it.
      const { generateConformancePki } = await import('./pki.js');
      const pki = await generateConformancePki(dir);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(pki, null, 2)}\n`);
        return;
      }
      out(`test PKI written to ${pki.directory} (test material only; keys protect nothing)`);
      out(`trust anchor: ${pki.trustAnchorFile}`);
      for (const [name, certificate] of Object.entries(pki.certificates)) {
        out(`  ${name.padEnd(28)} ${certificate.key.padEnd(9)} ${certificate.subject}`);
      }
      out(`description of every file: ${pki.indexFile}`);
    });

  cli
    .command('list')
    .description('list the cases')
    .option('--suite <suites>', 'only these suites, comma-separated')
    .option('--fixtures <dir>', 'fixtures directory')
    .option('--json', 'print the cases as JSON')
    .action((options: { suite?: string; fixtures?: string; json?: boolean }) => {
      const dir = options.fixtures === undefined ? defaultFixturesDir() : resolve(options.fixtures);
      const suite = suites(options.suite);
      const cases = selectCases(loadManifest(dir), suite === undefined ? {} : { suite });
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(cases, null, 2)}\n`);
        return;
      }
      out(`fixtures: ${dir}`);
      for (const c of cases) out(`${c.verdict.padEnd(6)} ${c.id.padEnd(48)} ${c.description}`);
    });

  return cli;
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    exitCode = EXIT_OK;
    await program().parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; every other commander error is a usage error (already printed).
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof ConformanceError) {
      console.error(`error [${error.code}]: ${error.message}`);
      return EXIT_USAGE;
    }
    console.error(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT_USAGE;
  }
}

main().then((code) => {
  process.exitCode = code;
});
