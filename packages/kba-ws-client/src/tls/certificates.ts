import { createHash, X509Certificate } from 'node:crypto';
import {
  describeSignatureAlgorithm,
  extendedKeyUsageOf,
  isCertificateAuthority,
  type KeyUsageName,
  keyUsageOf,
  parseDerCertificate,
  pemBlocks,
  type SignatureAlgorithmInfo,
  spkiSha256Of,
} from '@egovkit/internal';
import type * as pkijs from 'pkijs';
import { KbaWsError } from '../errors.js';

export type { SignatureAlgorithmInfo };

/** What the client reports about a certificate: in audit events, the security statement and errors. */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as Node reports it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly key: PublicKeyInfo;
  /** `sha256/<base64>` over the DER SubjectPublicKeyInfo, as in RFC 7469. */
  readonly spkiPin: string;
  /** SHA-256 over the whole certificate, hex. */
  readonly fingerprintSha256: string;
  readonly signatureAlgorithm: SignatureAlgorithmInfo;
  /** Key usage bits by name; undefined when the extension is absent. */
  readonly keyUsage: readonly KeyUsage[] | undefined;
  /** Extended key usage OIDs or names; undefined when the extension is absent. */
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly isCertificateAuthority: boolean;
}

export interface PublicKeyInfo {
  readonly type: 'rsa' | 'rsa-pss' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'dh' | 'unknown';
  /** RSA modulus length or EC group size in bits. */
  readonly bits: number | undefined;
  readonly namedCurve: string | undefined;
}

/** Key usage bits by their RFC 5280 names. */
export type KeyUsage = KeyUsageName;

const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

// Curve group orders in bits; Node names curves by OpenSSL short names.
const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  secp256r1: 256,
  secp384r1: 384,
  secp521r1: 521,
  secp224r1: 224,
  prime192v1: 192,
  secp256k1: 256,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
  brainpoolP224r1: 224,
};

/** `sha256/<base64>` of a DER SubjectPublicKeyInfo. */
export function spkiPinOf(spkiDer: Uint8Array): string {
  return `sha256/${createHash('sha256').update(spkiDer).digest('base64')}`;
}

function describePublicKey(certificate: X509Certificate): PublicKeyInfo {
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const type = (key.asymmetricKeyType ?? 'unknown') as PublicKeyInfo['type'];
  if (type === 'ec') {
    const curve = details.namedCurve;
    return { type, bits: curve === undefined ? undefined : CURVE_BITS[curve], namedCurve: curve };
  }
  if (type === 'ed25519') return { type, bits: 256, namedCurve: undefined };
  if (type === 'ed448') return { type, bits: 456, namedCurve: undefined };
  return { type, bits: details.modulusLength, namedCurve: undefined };
}

/** Parses a DER certificate; throws with the given code when it is not one. */
export function describeCertificate(
  der: Uint8Array,
  errorCode:
    | 'CLIENT_CERTIFICATE_INVALID'
    | 'SERVER_CERTIFICATE_INVALID'
    | 'TRUST_ANCHORS_INVALID' = 'SERVER_CERTIFICATE_INVALID',
): CertificateInfo {
  let node: X509Certificate;
  let parsed: pkijs.Certificate;
  try {
    node = new X509Certificate(der);
    parsed = parseDerCertificate(der);
  } catch (cause) {
    throw new KbaWsError(errorCode, 'The certificate cannot be parsed as DER X.509.', { cause });
  }
  const spkiPin = `sha256/${spkiSha256Of(parsed)}`;
  return {
    subject: node.subject.replaceAll('\n', ', '),
    issuer: node.issuer.replaceAll('\n', ', '),
    serialNumber: node.serialNumber,
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    key: describePublicKey(node),
    spkiPin,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    signatureAlgorithm: describeSignatureAlgorithm(parsed.signatureAlgorithm.algorithmId),
    keyUsage: keyUsageOf(parsed),
    extendedKeyUsage: extendedKeyUsageOf(parsed)?.map((oid) => EXTENDED_KEY_USAGES[oid] ?? oid),
    isCertificateAuthority: isCertificateAuthority(parsed),
  };
}

/** Splits a PEM bundle into DER certificates; ignores everything that is not a CERTIFICATE block. */
export function pemCertificatesToDer(
  pem: string,
  errorCode: 'CLIENT_CERTIFICATE_INVALID' | 'TRUST_ANCHORS_INVALID' = 'TRUST_ANCHORS_INVALID',
): Uint8Array[] {
  try {
    return pemBlocks(pem);
  } catch (cause) {
    throw new KbaWsError(errorCode, 'A PEM certificate block is not valid base64.', { cause });
  }
}

/** Is the key at least as strong as the preset's floor? */
export function keyMeetsMinimum(key: PublicKeyInfo, minimum: { rsa: number; ec: number }): boolean {
  if (key.bits === undefined) return false;
  if (key.type === 'rsa' || key.type === 'rsa-pss') return key.bits >= minimum.rsa;
  if (key.type === 'ec' || key.type === 'ed25519' || key.type === 'ed448') return key.bits >= minimum.ec;
  return false;
}

export function describeKey(key: PublicKeyInfo): string {
  if (key.type === 'ec') return `EC ${key.namedCurve ?? 'unknown curve'} (${key.bits ?? '?'} bits)`;
  return `${key.type.toUpperCase()} ${key.bits ?? '?'} bits`;
}
