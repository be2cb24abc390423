import { createPrivateKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
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

export interface CertificateValidationOptions {
  /** Root certificates (PEM, one or more blocks each, or DER). */
  readonly trustAnchors: readonly CertificateInput[];
  /** Untrusted intermediate CA certificates that may help to build the path. */
  readonly intermediates?: readonly CertificateInput[];
  /** Validation time; default now. */
  readonly at?: Date;
  /** CRLs (PEM or DER). When given, every certificate below the anchor needs a CRL from its issuer. */
  readonly crls?: readonly (string | Uint8Array)[];
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

function parse(der: Uint8Array): { pkijs: pkijs.Certificate; node: X509Certificate } {
  try {
    return { pkijs: parseDerCertificate(der), node: new X509Certificate(der) };
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
  const { node } = parse(der);
  const key = node.publicKey;
  const details = key.asymmetricKeyDetails;
  return { key, type: key.asymmetricKeyType ?? 'unknown', bits: details?.modulusLength ?? 0 };
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
    ...describe(leaf.node),
    notBefore: new Date(leaf.node.validFrom),
    notAfter: new Date(leaf.node.validTo),
    spkiSha256: spkiSha256Of(leaf.pkijs),
    certificateDer: new Uint8Array(leafDer),
  };
  const details = { subject: info.subject, issuer: info.issuer, serialNumber: info.serialNumber };
  if (options.trustAnchors.length === 0) {
    throw new OsciError('CERTIFICATE_UNTRUSTED', 'no trust anchors configured', { details });
  }
  if (isCertificateAuthority(leaf.pkijs)) {
    throw new OsciError('CERTIFICATE_KEY_USAGE', 'a CA certificate cannot sign messages', { details });
  }
  const anchors = options.trustAnchors.flatMap(certificateDerList).map((der) => parse(der).pkijs);
  const intermediates = (options.intermediates ?? [])
    .flatMap(certificateDerList)
    .map((der) => parse(der).pkijs);
  const crls = (options.crls ?? []).flatMap(crlDerList).map(parseCrl);
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
  const usage = keyUsageOf(leaf.pkijs);
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

/** Imports a PKCS#8 private key (PEM or DER) into a node:crypto KeyObject; throws `KEY_INVALID`. */
export function importPrivateKey(input: string | Uint8Array | KeyObject | webcrypto.CryptoKey): KeyObject {
  let key: KeyObject;
  try {
    if (typeof input === 'string') key = createPrivateKey({ key: input, format: 'pem' });
    else if (input instanceof Uint8Array) {
      key = createPrivateKey({ key: Buffer.from(input), format: 'der', type: 'pkcs8' });
    } else if (input instanceof KeyObject) key = input;
    else key = KeyObject.from(input);
  } catch (cause) {
    throw new OsciError('KEY_INVALID', 'private key is not a readable PKCS#8 key', { cause });
  }
  if (key.type !== 'private') throw new OsciError('KEY_INVALID', 'a private key is required');
  return key;
}
