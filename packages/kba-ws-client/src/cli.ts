#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatAuditLogVerification, verifyAuditLog } from './audit/verify.js';
import { KbaWsError } from './errors.js';
import { renderSecurityStatementMarkdown } from './security-statement.js';
import {
  createSecurityStatement,
  resolveConfigPaths,
  type SecurityStatementOptions,
} from './statement-from-config.js';

/** Exit codes: 0 success, 1 the check failed (invalid log, refused configuration), 2 usage error. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const USAGE = `Usage:
  egovkit-kba security-statement --config <file.json> [--probe] [--format markdown|json]
  egovkit-kba audit-verify <log.jsonl> [--require-head] [--json]

Exit codes: 0 ok, 1 check failed, 2 usage error.
`;

function fail(error: unknown, json: boolean): number {
  const payload =
    error instanceof KbaWsError
      ? error.toJSON()
      : {
          name: 'Error',
          code: 'UNEXPECTED',
          message: error instanceof Error ? error.message : String(error),
        };
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: payload }, null, 2)}\n`);
  else process.stderr.write(`egovkit-kba: ${payload.code}: ${payload.message}\n`);
  return error instanceof KbaWsError && error.code === 'CONFIG_INVALID' ? EXIT_USAGE : EXIT_FAILED;
}

async function securityStatement(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      probe: { type: 'boolean', default: false },
      format: { type: 'string', default: 'markdown' },
    },
  });
  if (values.config === undefined || !['markdown', 'json'].includes(values.format)) {
    process.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  const json = values.format === 'json';
  let options: SecurityStatementOptions;
  try {
    const path = resolve(values.config);
    options = resolveConfigPaths(
      JSON.parse(readFileSync(path, 'utf8')),
      dirname(path),
    ) as SecurityStatementOptions;
  } catch (cause) {
    return fail(
      new KbaWsError('CONFIG_INVALID', `The configuration file cannot be read as JSON.`, { cause }),
      json,
    );
  }
  try {
    const statement = await createSecurityStatement({ ...options, probe: values.probe });
    process.stdout.write(
      json ? `${JSON.stringify(statement, null, 2)}\n` : renderSecurityStatementMarkdown(statement),
    );
    return EXIT_OK;
  } catch (error) {
    return fail(error, json);
  }
}

async function auditVerify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'require-head': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [path] = positionals;
  if (path === undefined || positionals.length !== 1) {
    process.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  try {
    const result = await verifyAuditLog(path, { requireHead: values['require-head'] });
    process.stdout.write(
      values.json ? `${JSON.stringify(result, null, 2)}\n` : formatAuditLogVerification(result),
    );
    return result.valid ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    return fail(error, values.json);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'security-statement') return await securityStatement(rest);
    if (command === 'audit-verify') return await auditVerify(rest);
  } catch (error) {
    // parseArgs rejects unknown options with a TypeError.
    process.stderr.write(`egovkit-kba: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  process.stderr.write(USAGE);
  return EXIT_USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`egovkit-kba: unexpected failure: ${String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
