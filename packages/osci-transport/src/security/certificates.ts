import { createHash, createPrivateKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import {
  isCertificateAuthority,
  type KeyUsageName,
  keyUsageOf,
  parseDerCertificate,
  pemBlocks,
  spkiSha256Of,
} from '@egovkit/internal';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OsciError } from '../errors.js';

/** Key usage bits of RFC 5280 § 4.2.1.3. */
export type { KeyUsageName };

/** A certificate as PEM text (one or more blocks) or DER bytes. */
export type CertificateInput = string | Uint8Array;

/** What callers learn about a certificate that passed validation. */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Base64 SHA-256 of the DER SubjectPublicKeyInfo. */
  readonly spkiSha256: string;
  readonly certificateDer: Uint8Array;
}

/** What a certificate path is validated against: the settings every verifying function takes. */
export interface TrustOptions {
  /** Root certificates (PEM, one or more blocks each, or DER). */
  readonly trustAnchors: readonly CertificateInput[];
  /** Untrusted intermediate CA certificates that may help to build the path. */
  readonly intermediates?: readonly CertificateInput[];
  /** Validation time; default now. */
  readonly at?: Date;
  /** CRLs (PEM or DER). When given, every certificate below the anchor needs a CRL from its issuer. */
  readonly crls?: readonly (string | Uint8Array)[];
}

/** Only the trust settings of a larger options object, unset ones left out (exactOptionalPropertyTypes). */
export function trustOptionsOf(options: TrustOptions): TrustOptions;
export function trustOptionsOf(options: Partial<TrustOptions>): Partial<TrustOptions>;
export function trustOptionsOf(options: Partial<TrustOptions>): Partial<TrustOptions> {
  return {
    ...(options.trustAnchors === undefined ? {} : { trustAnchors: options.trustAnchors }),
    ...(options.intermediates === undefined ? {} : { intermediates: options.intermediates }),
    ...(options.at === undefined ? {} : { at: options.at }),
    ...(options.crls === undefined ? {} : { crls: options.crls }),
  };
}

export interface CertificateValidationOptions extends TrustOptions {
  /** Key usage bits of which at least one must be set on the end-entity certificate. */
  readonly keyUsage: readonly KeyUsageName[];
}

/** DER blocks of PEM text or a single DER input; throws `CERTIFICATE_INVALID`. */
export function certificateDerList(input: CertificateInput): Uint8Array[] {
  if (typeof input !== 'string') return [new Uint8Array(input)];
  try {
    const blocks = pemBlocks(input);
    if (blocks.length === 0) throw new Error('no PEM CERTIFICATE block');
    return blocks;
  } catch (cause) {
    throw new OsciError('CERTIFICATE_INVALID', 'certificate PEM is not readable', { cause });
  }
}

interface ParsedCertificate {
  readonly pkijs: pkijs.Certificate;
  readonly node: X509Certificate;
  /** The public key, made once (X509Certificate#publicKey makes a new KeyObject on every access). */
  readonly publicKey: KeyObject;
  /** Names, serial number and SPKI hash, worked out on first use. */
  facts?: { subject: string; issuer: string; serialNumber: string; spkiSha256: string };
}

function facts(parsed: ParsedCertificate): NonNullable<ParsedCertificate['facts']> {
  parsed.facts ??= { ...describe(parsed.node), spkiSha256: spkiSha256Of(parsed.pkijs) };
  return parsed.facts;
}

/**
 * A small bounded cache (insertion order, oldest evicted first). Certificates and keys of one deployment are
 * few and used over and over; parsing and importing them again for every message is avoidable work.
 */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    return this.entries.get(key);
  }
  set(key: K, value: V): V {
    if (this.entries.size >= this.limit && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
}

const parsedCertificates = new BoundedCache<string, ParsedCertificate>(256);

function derKey(der: Uint8Array): string {
  return Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
}

/** Parses a DER certificate once; later calls with the same bytes get the same (read-only) objects. */
function parse(der: Uint8Array): ParsedCertificate {
  const key = derKey(der);
  const cached = parsedCertificates.get(key);
  if (cached !== undefined) return cached;
  try {
    const node = new X509Certificate(der);
    return parsedCertificates.set(key, { pkijs: parseDerCertificate(der), node, publicKey: node.publicKey });
  } catch (cause) {
    throw new OsciError('CERTIFICATE_INVALID', 'certificate is not a valid DER X.509 certificate', { cause });
  }
}

function crlDerList(input: string | Uint8Array): Uint8Array[] {
  if (typeof input !== 'string') return [new Uint8Array(input)];
  try {
    return pemBlocks(input, 'X509 CRL');
  } catch (cause) {
    throw new OsciError('CERTIFICATE_INVALID', 'CRL PEM is not readable', { cause });
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function parseCrl(der: Uint8Array): pkijs.CertificateRevocationList {
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1) throw new OsciError('CERTIFICATE_INVALID', 'CRL is not DER');
  try {
    return new pkijs.CertificateRevocationList({ schema: asn1.result });
  } catch (cause) {
    throw new OsciError('CERTIFICATE_INVALID', 'CRL is not a valid X.509 CRL', { cause });
  }
}

function describe(node: X509Certificate): { subject: string; issuer: string; serialNumber: string } {
  return {
    subject: node.subject.split('\n').join(', '),
    issuer: node.issuer.split('\n').join(', '),
    serialNumber: node.serialNumber.toLowerCase(),
  };
}

/** The public key and modulus size of an end-entity certificate. */
export function certificatePublicKey(der: Uint8Array): { key: KeyObject; type: string; bits: number } {
  const key = parse(der).publicKey;
  const details = key.asymmetricKeyDetails;
  return { key, type: key.asymmetricKeyType ?? 'unknown', bits: details?.modulusLength ?? 0 };
}

/**
 * Paths that pkijs found valid (signatures, CA constraints, key usage of the CAs), by leaf, anchors and
 * intermediates; only without CRLs. Signatures over fixed bytes do not change, so a later validation of the
 * same inputs only has to check the validity periods of the path at its own time; when that check fails,
 * the full validation runs again and gives the exact error.
 */
const validatedPaths = new BoundedCache<string, readonly pkijs.Certificate[]>(256);

function pathKey(
  leaf: Uint8Array,
  anchors: readonly Uint8Array[],
  intermediates: readonly Uint8Array[],
): string {
  const digest = (der: Uint8Array) => createHash('sha256').update(der).digest('base64');
  return [
    digest(leaf),
    anchors.map(digest).sort().join(','),
    intermediates.map(digest).sort().join(','),
  ].join('|');
}

function withinValidity(path: readonly pkijs.Certificate[], at: Date): boolean {
  return path.every((certificate) => certificate.notBefore.value <= at && at <= certificate.notAfter.value);
}

/** Empties the certificate, path and private-key caches (tests, key rotation). */
export function clearSecurityCaches(): void {
  parsedCertificates.clear();
  validatedPaths.clear();
  privateKeys.clear();
}

const engine = new pkijs.CryptoEngine({
  name: 'node',
  crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'],
});

/**
 * Validates `leafDer` against the trust anchors at `at`: path, signatures, validity of every certificate,
 * CA constraints, revocation when CRLs are given, and the end-entity key usage. Fails closed with
 * `CERTIFICATE_UNTRUSTED`, `CERTIFICATE_EXPIRED`, `CERTIFICATE_NOT_YET_VALID` or `CERTIFICATE_KEY_USAGE`.
 */
export async function validateCertificate(
  leafDer: Uint8Array,
  options: CertificateValidationOptions,
): Promise<CertificateInfo> {
  const at = options.at ?? new Date();
  const leaf = parse(leafDer);
  const info: CertificateInfo = {
    ...facts(leaf),
    notBefore: new Date(leaf.node.validFrom),
    notAfter: new Date(leaf.node.validTo),
    certificateDer: new Uint8Array(leafDer),
  };
  const details = { subject: info.subject, issuer: info.issuer, serialNumber: info.serialNumber };
  if (options.trustAnchors.length === 0) {
    throw new OsciError('CERTIFICATE_UNTRUSTED', 'no trust anchors configured', { details });
  }
  if (isCertificateAuthority(leaf.pkijs)) {
    throw new OsciError('CERTIFICATE_KEY_USAGE', 'a CA certificate cannot sign messages', { details });
  }
  const anchorDers = options.trustAnchors.flatMap(certificateDerList);
  const intermediateDers = (options.intermediates ?? []).flatMap(certificateDerList);
  const anchors = anchorDers.map((der) => parse(der).pkijs);
  const intermediates = intermediateDers.map((der) => parse(der).pkijs);
  const crls = (options.crls ?? []).flatMap(crlDerList).map(parseCrl);
  const cacheKey = crls.length === 0 ? pathKey(leafDer, anchorDers, intermediateDers) : undefined;
  const known = cacheKey === undefined ? undefined : validatedPaths.get(cacheKey);
  if (known !== undefined && withinValidity(known, at))
    return checkKeyUsage(leaf.pkijs, info, details, options);
  const chain = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors,
    // pkijs takes the last certificate as the end entity.
    certs: [...intermediates, leaf.pkijs],
    crls,
    checkDate: at,
  });
  let result: pkijs.CertificateChainValidationEngineVerifyResult;
  try {
    result = await chain.verify({}, engine);
  } catch (cause) {
    throw new OsciError('CERTIFICATE_UNTRUSTED', 'certificate path validation failed', { details, cause });
  }
  if (!result.result) {
    if (result.resultCode === 8) {
      // A path to an anchor exists, but some certificate on it is outside its validity period.
      const expired = leaf.pkijs.notAfter.value < at || intermediates.some((c) => c.notAfter.value < at);
      const notYet = leaf.pkijs.notBefore.value > at || intermediates.some((c) => c.notBefore.value > at);
      if (expired) {
        throw new OsciError('CERTIFICATE_EXPIRED', 'certificate has expired', {
          details: { ...details, at },
        });
      }
      if (notYet) {
        throw new OsciError('CERTIFICATE_NOT_YET_VALID', 'certificate is not yet valid', {
          details: { ...details, at },
        });
      }
    }
    const reason =
      result.resultCode === 12
        ? 'revoked'
        : result.resultCode === 11
          ? 'revocation-unknown'
          : (result.resultMessage ?? 'untrusted');
    throw new OsciError('CERTIFICATE_UNTRUSTED', `certificate is not trusted: ${reason}`, {
      details: { ...details, reason, resultCode: result.resultCode },
    });
  }
  // pkijs accepts a CRL whatever its age; an outdated list says nothing about revocation at `at`.
  for (const crl of crls) {
    if (crl.nextUpdate !== undefined && crl.nextUpdate.value < at) {
      throw new OsciError('CERTIFICATE_UNTRUSTED', 'a CRL is outdated', {
        details: { ...details, reason: 'revocation-unknown' },
      });
    }
  }
  if (cacheKey !== undefined && result.certificatePath !== undefined) {
    validatedPaths.set(cacheKey, result.certificatePath);
  }
  return checkKeyUsage(leaf.pkijs, info, details, options);
}

function checkKeyUsage(
  leaf: pkijs.Certificate,
  info: CertificateInfo,
  details: Record<string, unknown>,
  options: CertificateValidationOptions,
): CertificateInfo {
  const usage = keyUsageOf(leaf);
  // Fail closed: a signing certificate without key usage is not accepted.
  if (usage === undefined || !options.keyUsage.some((bit) => usage.includes(bit))) {
    throw new OsciError(
      'CERTIFICATE_KEY_USAGE',
      `certificate key usage does not allow ${options.keyUsage.join(' or ')}`,
      { details: { ...details, keyUsage: usage ?? [], required: options.keyUsage } },
    );
  }
  return info;
}

/** PEM private keys imported before, by their text (bounded): importing an RSA key costs more than using it. */
const privateKeys = new BoundedCache<string, KeyObject>(32);

/** Imports a PKCS#8 private key (PEM or DER) into a node:crypto KeyObject; throws `KEY_INVALID`. */
export function importPrivateKey(input: string | Uint8Array | KeyObject | webcrypto.CryptoKey): KeyObject {
  let key: KeyObject;
  try {
    if (typeof input === 'string') {
      key = privateKeys.get(input) ?? privateKeys.set(input, createPrivateKey({ key: input, format: 'pem' }));
    } else if (input instanceof Uint8Array) {
      key = createPrivateKey({ key: Buffer.from(input), format: 'der', type: 'pkcs8' });
    } else if (input instanceof KeyObject) key = input;
    else key = KeyObject.from(input);
  } catch (cause) {
    throw new OsciError('KEY_INVALID', 'private key is not a readable PKCS#8 key', { cause });
  }
  if (key.type !== 'private') throw new OsciError('KEY_INVALID', 'a private key is required');
  return key;
}
