import { writeFile } from 'node:fs/promises';
import type { XhdIssue, XhdValidationResult } from '@egovkit/xhd';
import { CliError, EXIT } from '../errors.js';
import { readInputFile } from '../input.js';
import { type CommandResult, indent, lines } from '../output.js';

export type Language = 'de' | 'en';

export interface XhdValidateOptions {
  readonly lang: Language;
}

/** One issue as the CLI prints it: the message in the chosen language. */
export interface IssueDocument {
  readonly code: string;
  readonly path: string;
  readonly message: string;
  readonly params: Readonly<Record<string, string | number>>;
}

function issueDocument(issue: XhdIssue, lang: Language): IssueDocument {
  return { code: issue.code, path: issue.path, message: issue.message[lang], params: issue.params };
}

/** `egovkit xhd validate <file>`: XSD and business rules of @egovkit/xhd, every issue with code and XPath. */
export async function xhdValidate(file: string, options: XhdValidateOptions): Promise<CommandResult> {
  const xml = (await readInputFile(file, 'XhD message')).toString('utf8');
  const { validateXhd } = await import('@egovkit/xhd');
  const result: XhdValidationResult = await validateXhd(xml);
  const issues = result.issues.map((issue) => issueDocument(issue, options.lang));
  const message = result.message?.nachricht;
  const summary = result.valid
    ? `${file}: valid${message === undefined ? '' : ` ${message}`}${result.profile === undefined ? '' : ` (profile ${result.profile})`}`
    : `${file}: invalid, ${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}`;
  return {
    exitCode: result.valid ? EXIT.OK : EXIT.FAILED,
    json: {
      file,
      valid: result.valid,
      ...(message === undefined ? {} : { message }),
      ...(result.profile === undefined ? {} : { profile: result.profile }),
      issues,
    },
    text: lines(summary, ...issues.map((issue) => `${issue.code} ${issue.path}\n${indent(issue.message)}`)),
  };
}

/**
 * A complete passport order (Reisepass, one application) with synthetic photo and fingerprints, marked as a test
 * message. A fixed date keeps the output reproducible.
 */
export async function exampleBestellung(): Promise<string> {
  const { exampleOrder } = await import('../example-order.js');
  return exampleOrder({
    now: new Date('2026-11-25T09:30:00Z'),
    bestellnummer: 'B-2026-000123',
    senderkennung: 'psb:04011300_00',
    empfaengerkennung: 'dbs:490030010000',
    verfahrenskennung: 'egovkit CLI example',
    testnachricht: 1,
  }).xml;
}

export interface XhdBuildOptions {
  readonly example?: boolean;
  readonly output?: string;
}

/** `egovkit xhd build --example`: prints (or writes) a valid example BestellungDokument. */
export async function xhdBuild(options: XhdBuildOptions): Promise<CommandResult> {
  if (options.example !== true) {
    throw new CliError('USAGE', 'xhd build needs --example (building from your own data is the library API)');
  }
  const xml = await exampleBestellung();
  const { validateXhd } = await import('@egovkit/xhd');
  // The example must pass the same validation as any message; if it does not, the build is broken.
  const validation = await validateXhd(xml);
  if (!validation.valid) {
    throw new CliError('UNEXPECTED', 'the built example does not validate', {
      details: { issues: validation.issues.map((issue) => `${issue.code} ${issue.path}`) },
    });
  }
  if (options.output !== undefined) {
    try {
      await writeFile(options.output, xml);
    } catch (cause) {
      throw new CliError('FILE_UNWRITABLE', `cannot write ${options.output}`, {
        cause,
        details: { path: options.output },
      });
    }
  }
  return {
    exitCode: EXIT.OK,
    json: {
      message: 'BestellungDokument',
      valid: validation.valid,
      ...(validation.profile === undefined ? {} : { profile: validation.profile }),
      ...(options.output === undefined ? { xml } : { file: options.output }),
    },
    text:
      options.output === undefined
        ? xml
        : lines(`wrote ${options.output} (valid, profile ${validation.profile})`),
  };
}
