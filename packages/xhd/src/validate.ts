import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XhdError } from './errors.js';
import { createIssue, type MessageCatalogue, type XhdIssue, type XhdIssueCode } from './issues.js';
import { scanWellFormed } from './lightdom.js';
import type { XhdMessage } from './model.js';
import {
  assertSafeXml,
  DEFAULT_MAX_ELEMENTS,
  type DomElement,
  type ParseOptions,
  parseDom,
  parseRoot,
  tooManyElements,
} from './parse.js';
import { DEFAULT_PROFILES, selectProfile, type XhdProfile } from './profiles.js';
import { checkFehlerinformation, checkMessage, checkRules } from './rules.js';
import { type ParsedForXsd, parseForXsd, runXsd, type XhdSchemaSet, type XsdFinding } from './xsd.js';

export interface ValidateOptions extends ParseOptions {
  /** XSD set to validate against; defaults to the package's own model of XhD 1.7 (schemas/). */
  readonly schemas?: XhdSchemaSet;
  /** Skip XSD validation (rules only). */
  readonly schema?: boolean;
  readonly profiles?: readonly XhdProfile[];
  /** Replacement messages per issue code. */
  readonly messages?: Partial<MessageCatalogue>;
}

export interface XhdValidationResult {
  readonly valid: boolean;
  readonly issues: readonly XhdIssue[];
  /** The parsed message when the structure could be read; branch on `message.nachricht`. */
  readonly message?: XhdMessage;
  /** The profile whose rules ran (every message but the `Fehlerinformation`). */
  readonly profile?: string;
}

export const DEFAULT_SCHEMA_FILE = 'xhd-1.7-egovkit.xsd';

let defaultSchemas: XhdSchemaSet | undefined;

/** The package's own XSD (schemas/xhd-1.7-egovkit.xsd), read once from next to the module. */
export function loadDefaultSchemas(): XhdSchemaSet {
  if (defaultSchemas === undefined) {
    const url = new URL(`../schemas/${DEFAULT_SCHEMA_FILE}`, import.meta.url);
    try {
      defaultSchemas = {
        main: { fileName: DEFAULT_SCHEMA_FILE, contents: readFileSync(fileURLToPath(url), 'utf8') },
      };
    } catch (cause) {
      throw new XhdError('XHD_SCHEMA_UNAVAILABLE', `The bundled XSD could not be read from ${url.href}.`, {
        cause,
      });
    }
  }
  return defaultSchemas;
}

function lineIndex(root: DomElement): Map<number, string> {
  const map = new Map<number, string>();
  const visit = (element: DomElement, path: string): void => {
    const line = element.lineNumber;
    if (line !== undefined && !map.has(line)) map.set(line, path);
    const counts = new Map<string, number>();
    const totals = new Map<string, number>();
    for (let n = element.firstChild; n !== null; n = n.nextSibling) {
      if (n.nodeType === 1) totals.set(n.nodeName, (totals.get(n.nodeName) ?? 0) + 1);
    }
    for (let n = element.firstChild; n !== null; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      const child = n as DomElement;
      const position = (counts.get(child.nodeName) ?? 0) + 1;
      counts.set(child.nodeName, position);
      const name = `xhd:${child.localName}`;
      visit(child, `${path}/${name}${(totals.get(child.nodeName) ?? 0) > 1 ? `[${position}]` : ''}`);
    }
  };
  visit(root, `/xhd:${root.localName}`);
  return map;
}

const ERROR_TO_ISSUE: Readonly<Record<string, XhdIssueCode>> = {
  XHD_INPUT_TOO_LARGE: 'INPUT_TOO_LARGE',
  XHD_DOCTYPE_FORBIDDEN: 'DOCTYPE_FORBIDDEN',
  XHD_XML_MALFORMED: 'XML_MALFORMED',
  XHD_NUTZDATEN_ENCRYPTED: 'NUTZDATEN_ENCRYPTED',
};

function issueFromError(error: XhdError, messages: Partial<MessageCatalogue>): XhdIssue {
  const code = ERROR_TO_ISSUE[error.code] ?? 'STRUCTURE_INVALID';
  const path = typeof error.details?.path === 'string' ? error.details.path : '/';
  return createIssue(code, path, { detail: error.message }, messages);
}

/**
 * XSD validation only (libxml2 compiled to WebAssembly); every error becomes a SCHEMA_VIOLATION issue. The
 * schema set is compiled once and the compiled validator reused (see `schemaCacheStats`); a set that does not
 * compile throws `XhdError` `XHD_SCHEMA_INVALID`.
 */
export async function validateSchema(
  xml: string,
  options: Pick<ValidateOptions, 'schemas' | 'messages' | 'maxBytes' | 'maxElements'> = {},
): Promise<XhdIssue[]> {
  const read = await readChecked(xml, options, true);
  return 'refused' in read ? [read.refused] : read.schemaIssues;
}

type Checked =
  /** The input was refused before any structure could be read (size, DOCTYPE, not well-formed, …). */
  { readonly refused: XhdIssue } | { readonly root: DomElement; readonly schemaIssues: XhdIssue[] };

/**
 * Reads `xml` into a DOM for the model reader and, with `schema`, validates it against the XSD set.
 *
 * Fast path: libxml2 parses the text once; when it accepts it, the XSD validates that document and the model
 * reader gets the light tree of lightdom.ts, built from the same text without a second full parse. Whatever the
 * light tree does not cover, and every document libxml2 refuses, takes the general path – xmldom first (its
 * complaints become the issue), then `runXsd` – with exactly the results it always had.
 */
async function readChecked(
  xml: string,
  options: Pick<ValidateOptions, 'schemas' | 'messages' | 'maxBytes' | 'maxElements'>,
  schema: boolean,
): Promise<Checked> {
  const messages = options.messages ?? {};
  let parsed: ParsedForXsd | undefined;
  if (schema) {
    try {
      assertSafeXml(xml, options);
    } catch (error) {
      if (error instanceof XhdError) return { refused: issueFromError(error, messages) };
      throw error;
    }
    parsed = await parseForXsd(xml);
  }
  try {
    let root: DomElement;
    try {
      const scan =
        parsed === undefined ? undefined : scanWellFormed(xml, options.maxElements ?? DEFAULT_MAX_ELEMENTS);
      if (scan === undefined) root = parseDom(xml, options);
      else if ('tooManyElements' in scan) throw tooManyElements(options.maxElements ?? DEFAULT_MAX_ELEMENTS);
      else root = scan.root;
    } catch (error) {
      if (error instanceof XhdError) return { refused: issueFromError(error, messages) };
      throw error;
    }
    if (!schema) return { root, schemaIssues: [] };
    const findings =
      parsed === undefined
        ? await runXsd(xml, options.schemas ?? loadDefaultSchemas())
        : parsed.validate(options.schemas ?? loadDefaultSchemas());
    return { root, schemaIssues: schemaIssues(findings, root, messages) };
  } finally {
    parsed?.dispose();
  }
}

function schemaIssues(
  findings: readonly XsdFinding[],
  root: DomElement,
  messages: Partial<MessageCatalogue>,
): XhdIssue[] {
  if (findings.length === 0) return [];
  const lines = lineIndex(root);
  return findings.map((finding) =>
    createIssue(
      'SCHEMA_VIOLATION',
      lines.get(finding.line) ?? '/',
      { detail: finding.message, line: finding.line },
      messages,
    ),
  );
}

/**
 * Validates an XhD message: XSD (default: the bundled model; pass the official set with `schemas`) and the
 * business rules of the profile that matches the message's Produktart and XhD version. Never throws for bad
 * input: everything found comes back as issues. A schema set that does not compile is a configuration error and
 * throws `XhdError` `XHD_SCHEMA_INVALID`.
 */
export async function validateXhd(xml: string, options: ValidateOptions = {}): Promise<XhdValidationResult> {
  const messages = options.messages ?? {};
  const read = await readChecked(xml, options, options.schema !== false);
  if ('refused' in read) return { valid: false, issues: [read.refused] };
  const { root } = read;
  const issues: XhdIssue[] = [...read.schemaIssues];
  let message: XhdMessage;
  try {
    message = parseRoot(root);
  } catch (error) {
    if (!(error instanceof XhdError)) throw error;
    if (issues.length === 0) issues.push(issueFromError(error, messages));
    return { valid: false, issues };
  }
  if (message.nachricht === 'Fehlerinformation') {
    issues.push(...checkFehlerinformation(message, messages));
    return { valid: issues.length === 0, issues, message };
  }
  const profile = selectProfile(message, options.profiles ?? DEFAULT_PROFILES);
  if (profile === undefined) {
    issues.push(
      createIssue(
        'PROFILE_UNKNOWN',
        `/xhd:${message.nachricht}/xhd:Nachrichtenkopf/xhd:Produktart`,
        { produktart: message.kopf.produktart, version: message.version },
        messages,
      ),
    );
    return { valid: false, issues, message };
  }
  if (message.nachricht === 'BestellungDokument') issues.push(...checkRules(message, profile, messages));
  else issues.push(...checkMessage(message, profile, messages));
  return { valid: issues.length === 0, issues, message, profile: profile.id };
}
