import { createHash, randomBytes, webcrypto } from 'node:crypto';
import {
  generateTestKeyPair,
  importTestKeyPair,
  signingAlgorithmFor,
  type TestKeyPair,
  type TestKeySpec,
} from './keys.js';
import { derToPem } from './pem.js';
import { createPkcs12 } from './pkcs12.js';
import { x509 } from './x509.js';

/** Password of every PKCS#12 file the test PKI writes. */
export const TEST_PKCS12_PASSWORD = 'egovkit-test-p12';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_KEY: TestKeySpec = { type: 'rsa', bits: 2048 };

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

export type ExtendedKeyUsageName = 'serverAuth' | 'clientAuth' | 'emailProtection';

/**
 * What a certificate is for; it sets the key usage and extended key usage defaults.
 * `signature` and `encryption` are the separate signing and encryption certificates of an OSCI party.
 */
export type CertificateProfile = 'tls-server' | 'tls-client' | 'signature' | 'encryption';

export interface IssueOptions {
  /** File-safe identifier, e.g. `kba-server`; also the PKCS#12 friendly name. */
  readonly name: string;
  readonly commonName: string;
  readonly organizationalUnit?: string;
  readonly profile: CertificateProfile;
  /** A key spec to generate a fresh key, or an existing key pair to certify again. */
  readonly key?: TestKeySpec | TestKeyPair;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Subject alternative names. TLS server profiles default to localhost, 127.0.0.1 and ::1. */
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  /** Replace the profile's key usage or extended key usage. */
  readonly keyUsage?: readonly KeyUsageName[];
  readonly extendedKeyUsage?: readonly ExtendedKeyUsageName[];
}

/** One certificate with its private key in every format tests need. */
export interface TestCertificate {
  readonly name: string;
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex, as in CRLs and `X509Certificate.serialNumber` (which is upper-case). */
  readonly serialNumber: string;
  readonly keySpec: TestKeySpec;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly certificateDer: Buffer;
  readonly certificatePem: string;
  /** Unencrypted PKCS#8. */
  readonly privateKeyDer: Buffer;
  readonly privateKeyPem: string;
  /** This certificate followed by the intermediate CAs up to, not including, the root. */
  readonly chainPem: string;
  /** Key and chain, protected with `pkcs12Password`. */
  readonly pkcs12: Buffer;
  readonly pkcs12Password: string;
  /** Base64 SHA-256 of the DER SubjectPublicKeyInfo, the RFC 7469 pin of this certificate's key. */
  readonly spkiSha256: string;
}

interface CertificateDraft {
  readonly name: string;
  readonly subject: string;
  readonly keyPair: TestKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: x509.Extension[];
}

const KEY_USAGE_FLAGS: Record<KeyUsageName, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
};

const EXTENDED_KEY_USAGE_OIDS: Record<ExtendedKeyUsageName, string> = {
  serverAuth: x509.ExtendedKeyUsage.serverAuth,
  clientAuth: x509.ExtendedKeyUsage.clientAuth,
  emailProtection: x509.ExtendedKeyUsage.emailProtection,
};

function profileDefaults(
  profile: CertificateProfile,
  key: TestKeySpec,
): { keyUsage: KeyUsageName[]; extendedKeyUsage: ExtendedKeyUsageName[] } {
  switch (profile) {
    case 'tls-server':
      // RSA key exchange is not offered by our TLS settings, but keyEncipherment stays for compatibility.
      return {
        keyUsage: key.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
        extendedKeyUsage: ['serverAuth'],
      };
    case 'tls-client':
      return { keyUsage: ['digitalSignature'], extendedKeyUsage: ['clientAuth'] };
    case 'signature':
      return { keyUsage: ['digitalSignature', 'nonRepudiation'], extendedKeyUsage: [] };
    case 'encryption':
      return { keyUsage: ['keyEncipherment', 'dataEncipherment'], extendedKeyUsage: [] };
  }
}

function distinguishedName(commonName: string, organizationalUnit?: string): string {
  const escapeValue = (value: string) => value.replace(/([,+"\\<>;=])/g, '\\$1');
  const ou = organizationalUnit === undefined ? '' : `, OU=${escapeValue(organizationalUnit)}`;
  return `CN=${escapeValue(commonName)}${ou}, O=egovkit test PKI, C=DE`;
}

function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  // A positive INTEGER without a leading zero byte.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex');
}

async function resolveKey(key: TestKeySpec | TestKeyPair | undefined): Promise<TestKeyPair> {
  if (key !== undefined && 'keys' in key) return key;
  return generateTestKeyPair(key ?? DEFAULT_KEY);
}

async function exportPrivateKey(keyPair: TestKeyPair): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keyPair.keys.privateKey));
}

async function finishCertificate(
  draft: CertificateDraft,
  certificate: x509.X509Certificate,
  intermediatesDer: readonly Buffer[],
): Promise<TestCertificate> {
  const certificateDer = Buffer.from(certificate.rawData);
  const privateKeyDer = await exportPrivateKey(draft.keyPair);
  const pkcs12 = await createPkcs12({
    privateKeyPkcs8Der: privateKeyDer,
    certificatesDer: [certificateDer, ...intermediatesDer],
    password: TEST_PKCS12_PASSWORD,
    friendlyName: draft.name,
  });
  return {
    name: draft.name,
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber.toLowerCase(),
    keySpec: draft.keyPair.spec,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    certificateDer,
    certificatePem: derToPem(certificateDer, 'CERTIFICATE'),
    privateKeyDer,
    privateKeyPem: derToPem(privateKeyDer, 'PRIVATE KEY'),
    chainPem: [certificateDer, ...intermediatesDer].map((der) => derToPem(der, 'CERTIFICATE')).join(''),
    pkcs12,
    pkcs12Password: TEST_PKCS12_PASSWORD,
    spkiSha256: createHash('sha256').update(Buffer.from(certificate.publicKey.rawData)).digest('base64'),
  };
}

function validity(options: { notBefore?: Date; notAfter?: Date }, defaultDays: number) {
  // Backdated by an hour so that small clock differences between processes never matter.
  const notBefore = options.notBefore ?? new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + defaultDays * DAY_MS);
  return { notBefore, notAfter };
}

async function leafExtensions(options: IssueOptions, keyPair: TestKeyPair): Promise<x509.Extension[]> {
  const defaults = profileDefaults(options.profile, keyPair.spec);
  const keyUsage = options.keyUsage ?? defaults.keyUsage;
  const extendedKeyUsage = options.extendedKeyUsage ?? defaults.extendedKeyUsage;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      keyUsage.reduce((flags, usage) => flags | KEY_USAGE_FLAGS[usage], 0),
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keyPair.keys.publicKey),
  ];
  if (extendedKeyUsage.length > 0) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension(extendedKeyUsage.map((u) => EXTENDED_KEY_USAGE_OIDS[u])),
    );
  }
  const isServer = options.profile === 'tls-server';
  const dnsNames = options.dnsNames ?? (isServer ? ['localhost'] : []);
  const ipAddresses = options.ipAddresses ?? (isServer ? ['127.0.0.1', '::1'] : []);
  if (dnsNames.length + ipAddresses.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  return extensions;
}

export interface CertificateAuthorityOptions {
  readonly name: string;
  readonly commonName: string;
  /** Default: a fresh RSA-3072 key. */
  readonly key?: TestKeySpec | TestKeyPair;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

async function caDraft(
  options: CertificateAuthorityOptions,
  pathLength: number,
  defaultDays: number,
): Promise<CertificateDraft> {
  const keyPair = await resolveKey(options.key ?? { type: 'rsa', bits: 3072 });
  return {
    name: options.name,
    subject: distinguishedName(options.commonName),
    keyPair,
    ...validity(options, defaultDays),
    extensions: [
      new x509.BasicConstraintsExtension(true, pathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keyPair.keys.publicKey),
    ],
  };
}

async function leafDraft(options: IssueOptions): Promise<CertificateDraft> {
  const keyPair = await resolveKey(options.key);
  return {
    name: options.name,
    subject: distinguishedName(options.commonName, options.organizationalUnit),
    keyPair,
    ...validity(options, 365),
    extensions: await leafExtensions(options, keyPair),
  };
}

function selfSign(draft: CertificateDraft): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: draft.subject,
    notBefore: draft.notBefore,
    notAfter: draft.notAfter,
    keys: draft.keyPair.keys,
    signingAlgorithm: signingAlgorithmFor(draft.keyPair.spec),
    extensions: draft.extensions,
  });
}

/** A certificate authority of the test PKI: issues certificates and CRLs, and keeps its revocation list. */
export class TestCertificateAuthority {
  readonly certificate: TestCertificate;
  readonly #keyPair: TestKeyPair;
  readonly #x509: x509.X509Certificate;
  /** DER of the CAs between this one and the root (this one first), sent along with issued certificates. */
  readonly #intermediatesDer: readonly Buffer[];
  readonly #revoked = new Map<string, Date>();

  private constructor(
    certificate: TestCertificate,
    keyPair: TestKeyPair,
    cert: x509.X509Certificate,
    intermediatesDer: readonly Buffer[],
  ) {
    this.certificate = certificate;
    this.#keyPair = keyPair;
    this.#x509 = cert;
    this.#intermediatesDer = intermediatesDer;
  }

  /**
   * Restores a CA from its certificate and PKCS#8 key, e.g. the test PKI's issuing CA inside a test worker,
   * so that tests can issue further certificates under the same trust anchor.
   */
  static async fromCertificate(
    certificate: TestCertificate,
    intermediatesDer: readonly Buffer[],
  ): Promise<TestCertificateAuthority> {
    const keyPair = await importTestKeyPair(
      certificate.keySpec,
      certificate.privateKeyDer,
      certificate.certificateDer,
    );
    return new TestCertificateAuthority(
      certificate,
      keyPair,
      new x509.X509Certificate(certificate.certificateDer),
      intermediatesDer,
    );
  }

  /** A self-signed root CA (path length 1: one level of issuing CAs below it). */
  static async createRoot(options: CertificateAuthorityOptions): Promise<TestCertificateAuthority> {
    const draft = await caDraft(options, 1, 3650);
    const cert = await selfSign(draft);
    return new TestCertificateAuthority(await finishCertificate(draft, cert, []), draft.keyPair, cert, []);
  }

  /** A CA certified by this one, limited to issuing end-entity certificates (path length 0). */
  async createSubordinate(options: CertificateAuthorityOptions): Promise<TestCertificateAuthority> {
    const draft = await caDraft(options, 0, 1825);
    const cert = await this.#sign(draft);
    const certificate = await finishCertificate(draft, cert, this.#intermediatesDer);
    return new TestCertificateAuthority(certificate, draft.keyPair, cert, [
      certificate.certificateDer,
      ...this.#intermediatesDer,
    ]);
  }

  /** Issues an end-entity certificate; its chain and PKCS#12 carry this CA and the ones above it, not the root. */
  async issue(options: IssueOptions): Promise<TestCertificate> {
    const draft = await leafDraft(options);
    return finishCertificate(draft, await this.#sign(draft), this.#intermediatesDer);
  }

  /** Adds a certificate issued by this CA to the revocation list of the next `createCrl()`. */
  revoke(
    certificate: TestCertificate,
    revocationDate: Date = new Date(Date.now() - 2 * 60 * 60 * 1000),
  ): void {
    if (certificate.issuer !== this.#x509.subject) {
      throw new TypeError(`${certificate.name} was not issued by ${this.certificate.name}`);
    }
    this.#revoked.set(certificate.serialNumber, revocationDate);
  }

  /** A CRL signed by this CA over the certificates revoked so far, valid for `validDays` days. */
  async createCrl(validDays = 30): Promise<{ der: Buffer; pem: string }> {
    const thisUpdate = new Date(Date.now() - 60 * 60 * 1000);
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.#x509.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + validDays * DAY_MS),
      entries: [...this.#revoked].map(([serialNumber, revocationDate]) => ({
        serialNumber,
        revocationDate,
        reason: x509.X509CrlReason.keyCompromise,
      })),
      extensions: [await x509.AuthorityKeyIdentifierExtension.create(this.#keyPair.keys.publicKey)],
      signingKey: this.#keyPair.keys.privateKey,
      signingAlgorithm: signingAlgorithmFor(this.#keyPair.spec),
    });
    const der = Buffer.from(crl.rawData);
    return { der, pem: derToPem(der, 'X509 CRL') };
  }

  async #sign(draft: CertificateDraft): Promise<x509.X509Certificate> {
    return x509.X509CertificateGenerator.create({
      serialNumber: randomSerialNumber(),
      subject: draft.subject,
      issuer: this.#x509.subjectName,
      notBefore: draft.notBefore,
      notAfter: draft.notAfter,
      publicKey: draft.keyPair.keys.publicKey,
      signingKey: this.#keyPair.keys.privateKey,
      signingAlgorithm: signingAlgorithmFor(this.#keyPair.spec),
      extensions: [
        ...draft.extensions,
        await x509.AuthorityKeyIdentifierExtension.create(this.#keyPair.keys.publicKey),
      ],
    });
  }
}

/** A self-signed end-entity certificate: trusted by nobody, for negative tests. */
export async function issueSelfSigned(options: IssueOptions): Promise<TestCertificate> {
  const draft = await leafDraft(options);
  return finishCertificate(draft, await selfSign(draft), []);
}
