import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KbaWsError } from '../errors.js';

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

export interface SignatureAlgorithmInfo {
  readonly oid: string;
  readonly name: string;
  /** RSA PKCS#1 v1.5 (or worse): TLS `sigalgs` cannot exclude it for chains, so it is reported. */
  readonly legacy: boolean;
}

export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: readonly KeyUsage[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const SIGNATURE_ALGORITHMS: Readonly<Record<string, { name: string; legacy: boolean }>> = {
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', legacy: true },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', legacy: true },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', legacy: true },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', legacy: true },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', legacy: true },
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS', legacy: false },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', legacy: true },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', legacy: false },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', legacy: false },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', legacy: false },
  '1.3.101.112': { name: 'Ed25519', legacy: false },
  '1.3.101.113': { name: 'Ed448', legacy: false },
};

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

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Parses a DER certificate; throws `CERTIFICATE_INVALID`-style errors with the given code. */
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
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1) throw new Error('not DER');
    parsed = new pkijs.Certificate({ schema: asn1.result });
  } catch (cause) {
    throw new KbaWsError(errorCode, 'The certificate cannot be parsed as DER X.509.', { cause });
  }
  const signatureOid = parsed.signatureAlgorithm.algorithmId;
  const known = SIGNATURE_ALGORITHMS[signatureOid];
  let keyUsage: KeyUsage[] | undefined;
  let extendedKeyUsage: string[] | undefined;
  let isCertificateAuthority = false;
  for (const extension of parsed.extensions ?? []) {
    if (extension.extnID === '2.5.29.15') {
      const bits = extension.parsedValue as asn1js.BitString | undefined;
      const view = bits === undefined ? new Uint8Array() : new Uint8Array(bits.valueBlock.valueHexView);
      keyUsage = KEY_USAGE_BITS.filter((_, index) => {
        const byte = view[index >> 3] ?? 0;
        return (byte & (0x80 >> (index & 7))) !== 0;
      });
    } else if (extension.extnID === '2.5.29.37') {
      const usages = extension.parsedValue as pkijs.ExtKeyUsage | undefined;
      extendedKeyUsage = (usages?.keyPurposes ?? []).map((oid) => EXTENDED_KEY_USAGES[oid] ?? oid);
    } else if (extension.extnID === '2.5.29.19') {
      isCertificateAuthority = (extension.parsedValue as pkijs.BasicConstraints | undefined)?.cA === true;
    }
  }
  return {
    subject: node.subject.replaceAll('\n', ', '),
    issuer: node.issuer.replaceAll('\n', ', '),
    serialNumber: node.serialNumber,
    notBefore: new Date(node.validFrom),
    notAfter: new Date(node.validTo),
    key: describePublicKey(node),
    spkiPin: spkiPinOf(node.publicKey.export({ type: 'spki', format: 'der' })),
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    signatureAlgorithm: {
      oid: signatureOid,
      name: known?.name ?? signatureOid,
      legacy: known?.legacy ?? true,
    },
    keyUsage,
    extendedKeyUsage,
    isCertificateAuthority,
  };
}

/** Splits a PEM bundle into DER certificates; ignores everything that is not a CERTIFICATE block. */
export function pemCertificatesToDer(pem: string): Uint8Array[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) =>
    Buffer.from(block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64'),
  );
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
