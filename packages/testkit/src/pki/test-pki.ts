import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestkitError } from '../errors.js';
import {
  type IssueOptions,
  issueSelfSigned,
  type TestCertificate,
  TestCertificateAuthority,
} from './authority.js';
import { generateTestKeyPair, type TestKeyPair, type TestKeySpec } from './keys.js';

/** Environment variable through which a vitest global setup hands the generated PKI to its test workers. */
export const TEST_PKI_DIR_ENV = 'EGOVKIT_TESTKIT_PKI_DIR';

/** Every certificate of the standard test PKI. */
export type TestCertificateName =
  | 'rootCa'
  | 'subCa'
  | 'osciIntermediarySignature'
  | 'osciIntermediaryEncryption'
  | 'osciIntermediaryTls'
  | 'passportAuthoritySignature'
  | 'passportAuthorityEncryption'
  | 'documentProducerSignature'
  | 'documentProducerEncryption'
  | 'ldapServer'
  | 'kbaServer'
  | 'kbaServerEc'
  | 'kbaClient'
  | 'expired'
  | 'notYetValid'
  | 'wrongKeyUsage'
  | 'selfSigned'
  | 'revoked'
  | 'rsa1024'
  | 'wrongHostName';

export interface TestCertificateFiles {
  readonly certificatePem: string;
  readonly certificateDer: string;
  readonly privateKeyPem: string;
  readonly privateKeyDer: string;
  readonly chainPem: string;
  readonly pkcs12: string;
}

export type TestPkiCertificate = TestCertificate & { readonly files: TestCertificateFiles };

export interface TestCrl {
  readonly der: Buffer;
  readonly pem: string;
  readonly pemFile: string;
  readonly derFile: string;
}

export interface TestPki {
  /** Directory holding every file below; removed when the test run ends. */
  readonly directory: string;
  readonly certificates: Readonly<Record<TestCertificateName, TestPkiCertificate>>;
  /** The root CA certificate: the only trust anchor test clients should configure. */
  readonly trustAnchorPem: string;
  readonly trustAnchorFile: string;
  /** Issuing CA followed by the root, for peers that do not send their intermediates. */
  readonly caBundlePem: string;
  readonly caBundleFile: string;
  /**
   * CRLs of both CAs: the issuing CA's lists `revoked`; the root's is empty. `all` is what node:tls takes as
   * `crl`: OpenSSL then checks every level of the chain and wants both, and Node reads one CRL per string.
   */
  readonly crls: { readonly root: TestCrl; readonly subCa: TestCrl; readonly all: readonly string[] };
  /** The issuing CA with its key, to issue further certificates under the same trust anchor. */
  issuingAuthority(): Promise<TestCertificateAuthority>;
}

interface ManifestEntry {
  readonly key: TestCertificateName;
  /** File name stem, the certificate's `name`. */
  readonly name: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly keySpec: TestKeySpec;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly pkcs12Password: string;
  readonly spkiSha256: string;
}

const MANIFEST_FILE = 'manifest.json';
const MANIFEST_VERSION = 1;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Awaits every promise of a record, keeping the keys. */
async function settle<T extends Record<string, Promise<unknown>>>(
  record: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const entries = await Promise.all(
    Object.entries(record).map(async ([key, value]) => [key, await value] as const),
  );
  return Object.fromEntries(entries) as { [K in keyof T]: Awaited<T[K]> };
}

/** Generates the standard PKI in memory. Keys are generated concurrently on the thread pool. */
async function generateCertificates(): Promise<{
  certificates: Record<TestCertificateName, TestCertificate>;
  crls: { root: { der: Buffer; pem: string }; subCa: { der: Buffer; pem: string } };
}> {
  const now = Date.now();
  const rsa = (bits: 1024 | 2048 | 3072) => generateTestKeyPair({ type: 'rsa', bits });
  const ec = (curve: 'P-256' | 'P-384') => generateTestKeyPair({ type: 'ec', curve });
  // RSA generation dominates the run: start every key now so that it runs on the thread pool while
  // certificates whose keys are ready are already being issued. The CAs use ECDSA to keep this under 3 s.
  const keys = {
    intermediarySignature: rsa(2048),
    intermediaryEncryption: rsa(2048),
    authoritySignature: rsa(2048),
    authorityEncryption: rsa(2048),
    producerSignature: rsa(2048),
    producerEncryption: rsa(2048),
    ldapServer: ec('P-256'),
    intermediaryTls: ec('P-256'),
    // RSA >= 3000 bits, as BSI TR-02102-2 requires of TLS certificates.
    kbaServer: rsa(3072),
    kbaServerEc: ec('P-256'),
    kbaClient: rsa(3072),
    // One key for all bad variants: each differs from a good server certificate in one property only.
    badVariant: rsa(2048),
    rsa1024: rsa(1024),
  };

  const root = await TestCertificateAuthority.createRoot({
    name: 'root-ca',
    commonName: 'egovkit Test Root CA',
    key: await ec('P-384'),
  });
  const sub = await root.createSubordinate({
    name: 'sub-ca',
    commonName: 'egovkit Test Issuing CA',
    key: await ec('P-384'),
  });

  const osci = async (
    name: string,
    commonName: string,
    purpose: 'signature' | 'encryption',
    key: Promise<TestKeyPair>,
  ) =>
    sub.issue({
      name: `${name}-${purpose}`,
      commonName,
      organizationalUnit: purpose === 'signature' ? 'Signatur' : 'Verschlüsselung',
      profile: purpose,
      key: await key,
    });
  const server = async (
    name: string,
    extra: Omit<Partial<IssueOptions>, 'key'> & { key?: Promise<TestKeyPair> } = {},
  ) =>
    sub.issue({
      name,
      commonName: `${name}.egovkit.test`,
      profile: 'tls-server',
      ...extra,
      key: await (extra.key ?? keys.badVariant),
    });

  const leaves = await settle({
    osciIntermediarySignature: osci(
      'osci-intermediary',
      'OSCI-Intermediär (Test)',
      'signature',
      keys.intermediarySignature,
    ),
    osciIntermediaryEncryption: osci(
      'osci-intermediary',
      'OSCI-Intermediär (Test)',
      'encryption',
      keys.intermediaryEncryption,
    ),
    passportAuthoritySignature: osci(
      'passport-authority',
      'Passbehörde Musterstadt (Test)',
      'signature',
      keys.authoritySignature,
    ),
    passportAuthorityEncryption: osci(
      'passport-authority',
      'Passbehörde Musterstadt (Test)',
      'encryption',
      keys.authorityEncryption,
    ),
    documentProducerSignature: osci(
      'document-producer',
      'Dokumentenhersteller (Test)',
      'signature',
      keys.producerSignature,
    ),
    documentProducerEncryption: osci(
      'document-producer',
      'Dokumentenhersteller (Test)',
      'encryption',
      keys.producerEncryption,
    ),
    ldapServer: server('ldap-server', { key: keys.ldapServer }),
    // HTTPS of the local OSCI intermediary (the DVDV lists only https endpoints).
    osciIntermediaryTls: server('osci-intermediary-tls', { key: keys.intermediaryTls }),
    kbaServer: server('kba-server', { key: keys.kbaServer }),
    kbaServerEc: server('kba-server-ec', { key: keys.kbaServerEc }),
    kbaClient: (async () =>
      sub.issue({
        name: 'kba-client',
        commonName: 'Zulassungsstelle Musterkreis (Test)',
        profile: 'tls-client',
        key: await keys.kbaClient,
      }))(),
    expired: server('expired', {
      notBefore: new Date(now - 400 * DAY_MS),
      notAfter: new Date(now - 30 * DAY_MS),
    }),
    notYetValid: server('not-yet-valid', {
      notBefore: new Date(now + 30 * DAY_MS),
      notAfter: new Date(now + 400 * DAY_MS),
    }),
    wrongKeyUsage: server('wrong-key-usage', { keyUsage: ['nonRepudiation'] }),
    selfSigned: (async () =>
      issueSelfSigned({
        name: 'self-signed',
        commonName: 'self-signed.egovkit.test',
        profile: 'tls-server',
        key: await keys.badVariant,
      }))(),
    revoked: server('revoked'),
    rsa1024: server('rsa-1024', { key: keys.rsa1024 }),
    wrongHostName: server('wrong-host-name', { dnsNames: ['wrong-host.egovkit.invalid'], ipAddresses: [] }),
  });
  sub.revoke(leaves.revoked);
  const crls = await settle({ root: root.createCrl(), subCa: sub.createCrl() });
  return { certificates: { rootCa: root.certificate, subCa: sub.certificate, ...leaves }, crls };
}

function certificateFiles(directory: string, name: string): TestCertificateFiles {
  const base = join(directory, name);
  return {
    certificatePem: `${base}.crt.pem`,
    certificateDer: `${base}.crt.der`,
    privateKeyPem: `${base}.key.pem`,
    privateKeyDer: `${base}.key.der`,
    chainPem: `${base}.chain.pem`,
    pkcs12: `${base}.p12`,
  };
}

function crlFiles(directory: string, name: string) {
  return { pemFile: join(directory, `${name}.crl.pem`), derFile: join(directory, `${name}.crl.der`) };
}

function assemble(
  directory: string,
  certificates: Record<TestCertificateName, TestPkiCertificate>,
  crls: { root: TestCrl; subCa: TestCrl },
): TestPki {
  let issuing: Promise<TestCertificateAuthority> | undefined;
  return {
    directory,
    certificates,
    trustAnchorPem: certificates.rootCa.certificatePem,
    trustAnchorFile: certificates.rootCa.files.certificatePem,
    caBundlePem: certificates.subCa.certificatePem + certificates.rootCa.certificatePem,
    caBundleFile: join(directory, 'ca-bundle.pem'),
    crls: { ...crls, all: [crls.subCa.pem, crls.root.pem] },
    issuingAuthority() {
      issuing ??= TestCertificateAuthority.fromCertificate(certificates.subCa, [
        certificates.subCa.certificateDer,
      ]);
      return issuing;
    },
  };
}

/** Generates the standard test PKI and writes it (PEM, DER, PKCS#12, CRLs, manifest) into `directory`. */
export async function generateTestPki(directory: string): Promise<TestPki> {
  const generated = await generateCertificates();
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const manifest: ManifestEntry[] = [];
  const certificates = {} as Record<TestCertificateName, TestPkiCertificate>;
  for (const [key, certificate] of Object.entries(generated.certificates) as [
    TestCertificateName,
    TestCertificate,
  ][]) {
    const files = certificateFiles(directory, certificate.name);
    writeFileSync(files.certificatePem, certificate.certificatePem);
    writeFileSync(files.certificateDer, certificate.certificateDer);
    writeFileSync(files.privateKeyPem, certificate.privateKeyPem, { mode: 0o600 });
    writeFileSync(files.privateKeyDer, certificate.privateKeyDer, { mode: 0o600 });
    writeFileSync(files.chainPem, certificate.chainPem);
    writeFileSync(files.pkcs12, certificate.pkcs12, { mode: 0o600 });
    certificates[key] = { ...certificate, files };
    manifest.push({
      key,
      name: certificate.name,
      subject: certificate.subject,
      issuer: certificate.issuer,
      serialNumber: certificate.serialNumber,
      keySpec: certificate.keySpec,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      pkcs12Password: certificate.pkcs12Password,
      spkiSha256: certificate.spkiSha256,
    });
  }
  const crls = {} as { root: TestCrl; subCa: TestCrl };
  for (const [key, fileName] of [
    ['root', 'root-ca'],
    ['subCa', 'sub-ca'],
  ] as const) {
    const files = crlFiles(directory, fileName);
    writeFileSync(files.pemFile, generated.crls[key].pem);
    writeFileSync(files.derFile, generated.crls[key].der);
    crls[key] = { ...generated.crls[key], ...files };
  }
  const pki = assemble(directory, certificates, crls);
  writeFileSync(pki.caBundleFile, pki.caBundlePem);
  // Written last: its presence marks a complete PKI directory.
  writeFileSync(
    join(directory, MANIFEST_FILE),
    JSON.stringify({ version: MANIFEST_VERSION, certificates: manifest }),
  );
  return pki;
}

/** Loads a PKI that `generateTestPki` wrote, e.g. in a test worker after the global setup generated it. */
export function loadTestPki(directory: string): TestPki {
  const manifestPath = join(directory, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new TestkitError(
      'TESTKIT_PKI_MANIFEST_INVALID',
      `no test PKI in ${directory}: ${MANIFEST_FILE} is missing`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    version?: number;
    certificates?: ManifestEntry[];
  };
  if (manifest.version !== MANIFEST_VERSION || !Array.isArray(manifest.certificates)) {
    throw new TestkitError(
      'TESTKIT_PKI_MANIFEST_INVALID',
      `${manifestPath} is not a version ${MANIFEST_VERSION} manifest`,
    );
  }
  const certificates = {} as Record<TestCertificateName, TestPkiCertificate>;
  for (const entry of manifest.certificates) {
    const files = certificateFiles(directory, entry.name);
    certificates[entry.key] = {
      name: entry.name,
      subject: entry.subject,
      issuer: entry.issuer,
      serialNumber: entry.serialNumber,
      keySpec: entry.keySpec,
      notBefore: new Date(entry.notBefore),
      notAfter: new Date(entry.notAfter),
      certificateDer: readFileSync(files.certificateDer),
      certificatePem: readFileSync(files.certificatePem, 'utf8'),
      privateKeyDer: readFileSync(files.privateKeyDer),
      privateKeyPem: readFileSync(files.privateKeyPem, 'utf8'),
      chainPem: readFileSync(files.chainPem, 'utf8'),
      pkcs12: readFileSync(files.pkcs12),
      pkcs12Password: entry.pkcs12Password,
      spkiSha256: entry.spkiSha256,
      files,
    };
  }
  const loadCrl = (fileName: string): TestCrl => {
    const files = crlFiles(directory, fileName);
    return { der: readFileSync(files.derFile), pem: readFileSync(files.pemFile, 'utf8'), ...files };
  };
  return assemble(directory, certificates, { root: loadCrl('root-ca'), subCa: loadCrl('sub-ca') });
}

let shared: Promise<TestPki> | undefined;

/**
 * The test PKI of this test run. A vitest global setup (`@egovkit/testkit/global-setup`) generates it once and
 * passes its directory to the workers through `EGOVKIT_TESTKIT_PKI_DIR`; without it, the first call in a process
 * generates one into a temporary directory that is removed when the process exits.
 */
export function getTestPki(): Promise<TestPki> {
  shared ??= (async () => {
    const inherited = process.env[TEST_PKI_DIR_ENV];
    if (inherited !== undefined && existsSync(join(inherited, MANIFEST_FILE))) return loadTestPki(inherited);
    const directory = mkdtempSync(join(tmpdir(), 'egovkit-pki-'));
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    const pki = await generateTestPki(directory);
    process.env[TEST_PKI_DIR_ENV] = directory;
    return pki;
  })();
  return shared;
}
