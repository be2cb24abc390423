import { readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConformanceError } from './errors.js';

/** The three suites of the kit. */
export type Suite = 'osci' | 'xhd' | 'dvdv';
export const SUITES: readonly Suite[] = ['osci', 'xhd', 'dvdv'];

/** What an implementation must answer for a case. */
export type Verdict = 'accept' | 'reject';

/**
 * The form of a case file, which decides the Content-Type sent to HTTP targets:
 * - `osci-xml`: a bare OSCI-Transport 1.2 SOAP envelope (`text/xml; charset=utf-8`);
 * - `osci-mime`: an OSCI MIME package (multipart/related) whose first lines are its entity headers;
 * - `xhd-xml`: an XhD 1.7 document (`application/xml`);
 * - `dvdv-ldif`: a DVDV directory as LDIF (`text/plain; charset=utf-8`).
 */
export type CaseKind = 'osci-xml' | 'osci-mime' | 'xhd-xml' | 'dvdv-ldif';
export const CASE_KINDS: readonly CaseKind[] = ['osci-xml', 'osci-mime', 'xhd-xml', 'dvdv-ldif'];

/**
 * The layer of the receiving side a negative OSCI case targets: `parse` (XML and message structure),
 * `order` (MIME package and order signature), `content` (author signatures of the plain content containers),
 * `decrypt` (encrypted content containers and their attachments) or `decrypt-order` (an order encrypted for
 * the intermediary in a MIME part of its own, then its order signature).
 */
export type OsciCheck = 'parse' | 'order' | 'content' | 'decrypt' | 'decrypt-order';
export const OSCI_CHECKS: readonly OsciCheck[] = ['parse', 'order', 'content', 'decrypt', 'decrypt-order'];

/** Settings a case needs beyond the defaults of a receiver. */
export interface CaseOptions {
  /** Largest accepted MIME part in bytes: the receiver is configured with this limit for the case. */
  readonly maxPartBytes?: number;
}

/** One case of the kit: a file, what it is, and the verdict an implementation must give. */
export interface ConformanceCase {
  /** Stable, unique: `<suite>/<group>/<name>`, e.g. `osci/negative/tampered-order`. */
  readonly id: string;
  readonly suite: Suite;
  readonly kind: CaseKind;
  /** Path relative to the fixtures directory, with forward slashes. */
  readonly file: string;
  readonly verdict: Verdict;
  /**
   * The codes egovkit's own implementation gives when it rejects the case (`OsciErrorCode`, `XhdIssueCode`
   * or `DvdvErrorCode`); empty for accepted cases. Informative for other implementations.
   */
  readonly codes: readonly string[];
  readonly description: string;
  /** OSCI negative cases: the layer the defect is in. */
  readonly check?: OsciCheck;
  readonly options?: CaseOptions;
  /** OSCI golden messages: the message type. */
  readonly messageType?: string;
  /** OSCI golden messages with an order signature: the signer's subject. */
  readonly signer?: string;
  /** Where the file comes from in the egovkit repository. */
  readonly source: string;
}

export interface OsciSuiteInfo {
  readonly description: string;
  /**
   * The time at which signatures and certificates are to be validated: the fixtures are signed with a
   * throwaway test PKI whose certificates expire, so check them "as of" this instant.
   */
  readonly validationTime: string;
  /** Root certificate (PEM) of the throwaway test PKI the messages are signed with. */
  readonly trustAnchor: string;
  /** Private keys (PEM) the encrypted parts are encrypted for. Test material only. */
  readonly decryptionKeys: {
    /** Decrypts `soapMessageEncrypted` (the intermediary's key). */
    readonly intermediary: string;
    /** Decrypts encrypted content containers (the document producer's key). */
    readonly producer: string;
  };
  /** The certificates that go with the keys. */
  readonly certificates: { readonly intermediary: string; readonly producer: string };
}

export interface XhdSuiteInfo {
  readonly description: string;
}

export interface DvdvSuiteInfo {
  readonly description: string;
  /** The LDAP schema (OpenLDAP format) the LDIF needs. */
  readonly schema: string;
}

export interface ConformanceManifest {
  readonly version: 1;
  /** How the fixtures were made; regenerate rather than edit. */
  readonly generatedBy: string;
  readonly suites: {
    readonly osci: OsciSuiteInfo;
    readonly xhd: XhdSuiteInfo;
    readonly dvdv: DvdvSuiteInfo;
  };
  readonly cases: readonly ConformanceCase[];
}

/** The fixtures shipped with the package (`fixtures/` next to `dist/` and `src/`). */
export function defaultFixturesDir(): string {
  return fileURLToPath(new URL('../fixtures/', import.meta.url));
}

/** Absolute path of a file named in the manifest; refuses paths that leave the fixtures directory. */
export function fixturePath(fixturesDir: string, file: string): string {
  const normalised = normalize(file);
  if (isAbsolute(file) || normalised.startsWith('..')) {
    throw new ConformanceError('CONFORMANCE_MANIFEST_INVALID', `fixture path leaves the fixtures: ${file}`, {
      details: { file },
    });
  }
  return join(resolve(fixturesDir), normalised);
}

function invalid(message: string, details: Record<string, unknown> = {}): ConformanceError {
  return new ConformanceError('CONFORMANCE_MANIFEST_INVALID', message, { details });
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Checks the shape of a parsed manifest; returns it typed or throws `CONFORMANCE_MANIFEST_INVALID`. */
export function validateManifest(value: unknown): ConformanceManifest {
  if (typeof value !== 'object' || value === null) throw invalid('the manifest is not a JSON object');
  const manifest = value as Partial<ConformanceManifest>;
  if (manifest.version !== 1) throw invalid('unsupported manifest version', { version: manifest.version });
  const suites = manifest.suites;
  if (
    typeof suites !== 'object' ||
    suites === null ||
    !isString(suites.osci?.validationTime) ||
    Number.isNaN(Date.parse(suites.osci.validationTime)) ||
    !isString(suites.osci.trustAnchor)
  ) {
    throw invalid('suites.osci needs a validationTime and a trustAnchor');
  }
  if (!Array.isArray(manifest.cases)) throw invalid('cases is not an array');
  const ids = new Set<string>();
  for (const [index, entry] of manifest.cases.entries()) {
    const c = entry as Partial<ConformanceCase> | null;
    const where = { index, id: c?.id };
    if (typeof c !== 'object' || c === null || !isString(c.id)) throw invalid('a case has no id', where);
    if (ids.has(c.id)) throw invalid(`duplicate case id ${c.id}`, where);
    ids.add(c.id);
    if (!SUITES.includes(c.suite as Suite)) throw invalid(`case ${c.id}: unknown suite`, where);
    if (!CASE_KINDS.includes(c.kind as CaseKind)) throw invalid(`case ${c.id}: unknown kind`, where);
    if (!isString(c.file)) throw invalid(`case ${c.id}: no file`, where);
    if (c.verdict !== 'accept' && c.verdict !== 'reject') throw invalid(`case ${c.id}: bad verdict`, where);
    if (!Array.isArray(c.codes) || !c.codes.every(isString)) throw invalid(`case ${c.id}: bad codes`, where);
    if (c.verdict === 'accept' && c.codes.length > 0) {
      throw invalid(`case ${c.id}: an accepted case has no codes`, where);
    }
    if (c.check !== undefined && !OSCI_CHECKS.includes(c.check))
      throw invalid(`case ${c.id}: bad check`, where);
    if (!isString(c.description)) throw invalid(`case ${c.id}: no description`, where);
  }
  return manifest as ConformanceManifest;
}

/** Reads and checks `manifest.json` of a fixtures directory (default: the package's own). */
export function loadManifest(fixturesDir: string = defaultFixturesDir()): ConformanceManifest {
  const path = join(fixturesDir, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConformanceError('CONFORMANCE_FIXTURES_MISSING', `cannot read ${path}`, {
      cause,
      details: { path },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConformanceError('CONFORMANCE_MANIFEST_INVALID', `${path} is not JSON`, { cause });
  }
  return validateManifest(parsed);
}

/** Parses a suite name; throws `CONFORMANCE_SUITE_UNKNOWN`. */
export function parseSuite(value: string): Suite {
  if ((SUITES as readonly string[]).includes(value)) return value as Suite;
  throw new ConformanceError('CONFORMANCE_SUITE_UNKNOWN', `unknown suite "${value}" (osci, xhd or dvdv)`, {
    details: { suite: value },
  });
}
