import { dirname, resolve } from 'node:path';
import type { SecurityStatementOptions } from '@egovkit/kba-ws-client';
import { CliError, EXIT } from '../errors.js';
import { readInputFile } from '../input.js';
import type { CommandResult } from '../output.js';

export interface SecurityStatementCommandOptions {
  readonly config: string;
  /** Also make one TLS handshake with the endpoint and record what it negotiated. */
  readonly probe?: boolean;
}

/** `egovkit kba security-statement --config <file>`: the TLS part of the security concept (Markdown or JSON). */
export async function kbaSecurityStatement(options: SecurityStatementCommandOptions): Promise<CommandResult> {
  const path = resolve(options.config);
  const text = (await readInputFile(path, 'configuration file')).toString('utf8');
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (cause) {
    throw new CliError('INPUT_INVALID', `the configuration file ${options.config} is not JSON`, { cause });
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new CliError('INPUT_INVALID', `the configuration file ${options.config} must hold a JSON object`);
  }
  const { createSecurityStatement, renderSecurityStatementMarkdown, resolveConfigPaths } = await import(
    '@egovkit/kba-ws-client'
  );
  const statement = await createSecurityStatement({
    ...(resolveConfigPaths(config, dirname(path)) as SecurityStatementOptions),
    probe: options.probe === true,
  });
  return {
    exitCode: EXIT.OK,
    json: { statement },
    text: renderSecurityStatementMarkdown(statement),
  };
}

export interface AuditVerifyOptions {
  /** A missing head file is an error (truncation at the end is undetectable without it). */
  readonly requireHead?: boolean;
}

/** `egovkit kba audit-verify <log>`: checks the hash chain of a JSON-lines audit log. */
export async function kbaAuditVerify(log: string, options: AuditVerifyOptions): Promise<CommandResult> {
  const { formatAuditLogVerification, verifyAuditLog } = await import('@egovkit/kba-ws-client');
  const result = await verifyAuditLog(log, { requireHead: options.requireHead === true });
  return {
    exitCode: result.valid ? EXIT.OK : EXIT.FAILED,
    json: { ...result },
    text: formatAuditLogVerification(result),
  };
}
