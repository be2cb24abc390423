/**
 * Gathers the fixtures of the other packages into one corpus with one manifest. Pure: reads the sources and
 * returns what `fixtures/` must contain; `collect-fixtures.ts` writes it, `test/fixtures.test.ts` compares it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CaseOptions, ConformanceCase, ConformanceManifest, OsciCheck } from '../src/manifest.js';

/** `packages/` of the repository. */
export const PACKAGES_DIR = resolve(import.meta.dirname, '..', '..');
/** The collected corpus. */
export const FIXTURES_DIR = resolve(import.meta.dirname, '..', 'fixtures');

export interface CollectedFile {
  /** Relative to the fixtures directory, forward slashes. */
  readonly path: string;
  readonly data: Buffer;
}

export interface Collected {
  readonly files: readonly CollectedFile[];
  readonly manifest: ConformanceManifest;
}

interface OsciGoldenManifest {
  generatedAt: string;
  messages: Record<string, { file: string; orderSignature: boolean; signer?: string }>;
  /** MIME forms, e.g. soapMessageEncrypted with the encrypted order in a part of its own. */
  packages?: Record<string, { file: string; inner: string; attachments: string[]; signer: string }>;
}

type OsciNegativeManifest = Record<
  string,
  { check: OsciCheck; code: string; defect: string; options?: CaseOptions }
>;

interface XhdManifest {
  fixtures: { file: string; description: string; valid: boolean; expected: string[] }[];
}

const stem = (file: string) => file.replace(/\.[^.]+$/, '').replace(/^.*\//, '');

/** Reads the sources below `packagesDir` and returns the corpus. */
export function collectFixtures(packagesDir: string = PACKAGES_DIR): Collected {
  const files: CollectedFile[] = [];
  const cases: ConformanceCase[] = [];
  const source = (path: string) => relative(join(packagesDir, '..'), path).split('\\').join('/');
  const copy = (from: string, to: string): string => {
    files.push({ path: to, data: readFileSync(from) });
    return source(from);
  };
  const json = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

  // --- OSCI-Transport: golden messages of every type, the negative corpus, the throwaway PKI ---
  const osciRoot = join(packagesDir, 'osci-transport', 'fixtures');
  const golden = json<OsciGoldenManifest>(join(osciRoot, 'manifest.json'));
  const pki = {
    trustAnchor: 'osci/pki/trust-anchor.pem',
    intermediaryKey: 'osci/pki/intermediary-encryption.key.pem',
    producerKey: 'osci/pki/producer-encryption.key.pem',
    intermediaryCertificate: 'osci/pki/intermediary-encryption.pem',
    producerCertificate: 'osci/pki/producer-encryption.pem',
  };
  for (const name of readdirSync(join(osciRoot, 'pki')).sort()) {
    copy(join(osciRoot, 'pki', name), `osci/pki/${name}`);
  }
  for (const [type, entry] of Object.entries(golden.messages)) {
    const file = `osci/messages/${entry.file.replace(/^messages\//, '')}`;
    const from = copy(join(osciRoot, entry.file), file);
    const what =
      type === 'soapMessageEncrypted'
        ? 'a signed storeDelivery encrypted for the intermediary (decrypt with the intermediary key)'
        : type === 'soapFault'
          ? 'a SOAP fault, unsigned'
          : `order signature of ${/CN=([^,]+)/.exec(entry.signer ?? '')?.[1] ?? 'the sender'}`;
    cases.push({
      id: `osci/message/${type}`,
      suite: 'osci',
      kind: 'osci-xml',
      file,
      verdict: 'accept',
      codes: [],
      description: `golden ${type} message: ${what}`,
      messageType: type,
      ...(entry.signer === undefined ? {} : { signer: entry.signer }),
      source: from,
    });
  }
  for (const [type, entry] of Object.entries(golden.packages ?? {})) {
    const file = `osci/messages/${entry.file.replace(/^messages\//, '')}`;
    const from = copy(join(osciRoot, entry.file), file);
    const attachments =
      entry.attachments.length === 0 ? 'no attachments' : `attachments ${entry.attachments.join(', ')}`;
    cases.push({
      id: `osci/package/${type}`,
      suite: 'osci',
      kind: 'osci-mime',
      file,
      verdict: 'accept',
      codes: [],
      description: `golden ${type} MIME package: a ${entry.inner} with ${attachments}, order encrypted for the intermediary, signed by ${/CN=([^,]+)/.exec(entry.signer)?.[1] ?? 'the sender'}`,
      messageType: type,
      signer: entry.signer,
      source: from,
    });
  }
  const negative = json<OsciNegativeManifest>(join(osciRoot, 'negative', 'manifest.json'));
  const negativeFiles = readdirSync(join(osciRoot, 'negative'))
    .filter((name) => name !== 'manifest.json')
    .sort();
  // Unmodified messages the defective ones derive from: in the directory, not in the manifest.
  const controls = negativeFiles.filter(
    (name) => name.startsWith('control-') && negative[name] === undefined,
  );
  for (const name of [...controls, ...Object.keys(negative)]) {
    if (!negativeFiles.includes(name)) throw new Error(`negative corpus: ${name} is in the manifest only`);
    const file = `osci/negative/${name}`;
    const from = copy(join(osciRoot, 'negative', name), file);
    const kind = name.endsWith('.mime') ? 'osci-mime' : 'osci-xml';
    const entry = negative[name];
    if (entry === undefined) {
      cases.push({
        id: `osci/negative/${stem(name)}`,
        suite: 'osci',
        kind,
        file,
        verdict: 'accept',
        codes: [],
        description: `unmodified message the negative cases derive from (${stem(name)}); passes every check`,
        source: from,
      });
      continue;
    }
    cases.push({
      id: `osci/negative/${stem(name)}`,
      suite: 'osci',
      kind,
      file,
      verdict: 'reject',
      codes: [entry.code],
      description: entry.defect,
      check: entry.check,
      ...(entry.options === undefined ? {} : { options: entry.options }),
      source: from,
    });
  }
  const unlisted = negativeFiles.filter((name) => !controls.includes(name) && negative[name] === undefined);
  if (unlisted.length > 0) throw new Error(`negative corpus: not in its manifest: ${unlisted.join(', ')}`);

  // --- XhD: valid and invalid documents with the expected issue codes ---
  const xhdRoot = join(packagesDir, 'xhd', 'fixtures');
  for (const fixture of json<XhdManifest>(join(xhdRoot, 'manifest.json')).fixtures) {
    const file = `xhd/${fixture.file}`;
    const from = copy(join(xhdRoot, fixture.file), file);
    cases.push({
      id: `xhd/${fixture.valid ? 'valid' : 'invalid'}/${stem(fixture.file)}`,
      suite: 'xhd',
      kind: 'xhd-xml',
      file,
      verdict: fixture.valid ? 'accept' : 'reject',
      codes: [...fixture.expected].sort(),
      description: fixture.description,
      source: from,
    });
  }

  // --- DVDV: the demo directory and the schema it needs ---
  const dvdvRoot = join(packagesDir, 'dvdv-client', 'data');
  copy(join(dvdvRoot, 'dvdv.schema'), 'dvdv/dvdv.schema');
  cases.push({
    id: 'dvdv/directory/demo',
    suite: 'dvdv',
    kind: 'dvdv-ldif',
    file: 'dvdv/dvdv-demo.ldif',
    verdict: 'accept',
    codes: [],
    description:
      'the DVDV demo directory: loads, and every service of every organisation resolves to an endpoint with valid certificates',
    source: copy(join(dvdvRoot, 'dvdv-demo.ldif'), 'dvdv/dvdv-demo.ldif'),
  });

  const manifest: ConformanceManifest = {
    version: 1,
    generatedBy:
      'packages/conformance/scripts/collect-fixtures.ts (pnpm --filter @egovkit/conformance fixtures); do not edit',
    suites: {
      osci: {
        description:
          'OSCI-Transport 1.2: one golden message per type, and a negative corpus of defective MIME packages and envelopes derived from one valid storeDelivery',
        validationTime: golden.generatedAt,
        trustAnchor: pki.trustAnchor,
        decryptionKeys: { intermediary: pki.intermediaryKey, producer: pki.producerKey },
        certificates: { intermediary: pki.intermediaryCertificate, producer: pki.producerCertificate },
      },
      xhd: {
        description:
          'XhD 1.7 (BSI TR-03123): valid orders of every document type and a corpus of invalid ones',
      },
      dvdv: {
        description: 'DVDV: a demo directory of fictional authorities as LDIF',
        schema: 'dvdv/dvdv.schema',
      },
    },
    cases,
  };
  files.push({ path: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
  return { files, manifest };
}
