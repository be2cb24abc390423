import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * X.509 parsing shared by the packages that read certificates (TLS chains, DVDV entries, OSCI signers).
 * Functions throw `X509Error`; each package turns it into its own error class and code.
 */
export class X509Error extends Error {
  override readonly name = 'X509Error';
}

/** The key usage bits of RFC 5280 § 4.2.1.3, in bit order. */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export interface SignatureAlgorithmInfo {
  readonly oid: string;
  readonly name: string;
  /** RSA PKCS#1 v1.5 or SHA-1: not covered by TLS `sigalgs`, refused by modern profiles. */
  readonly legacy: boolean;
}

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

/** Names of well-known signature algorithm OIDs; unknown ones count as legacy (fail closed). */
export function describeSignatureAlgorithm(oid: string): SignatureAlgorithmInfo {
  const known = SIGNATURE_ALGORITHMS[oid];
  return { oid, name: known?.name ?? oid, legacy: known?.legacy ?? true };
}

/** DER of every PEM block with the given label; strict base64, throws on a malformed block. */
export function pemBlocks(text: string, label = 'CERTIFICATE'): Uint8Array[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(pattern)].map((match) => {
    const body = (match[1] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new X509Error(`a PEM ${label} block is not valid base64`);
    return new Uint8Array(Buffer.from(body, 'base64'));
  });
}

/** PEM text of a DER certificate, 64 characters per line. */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Parses exactly one DER certificate (no trailing bytes). */
export function parseDerCertificate(der: Uint8Array): pkijs.Certificate {
  const buffer = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  const asn1 = asn1js.fromBER(buffer);
  if (asn1.offset === -1) throw new X509Error(`not DER: ${asn1.result.error}`);
  if (asn1.offset !== der.byteLength) throw new X509Error('trailing bytes after the certificate');
  try {
    return new pkijs.Certificate({ schema: asn1.result });
  } catch (cause) {
    throw new X509Error('not an X.509 certificate', { cause });
  }
}

/** Key usage bits by name; undefined when the extension is absent. */
export function keyUsageOf(certificate: pkijs.Certificate): KeyUsageName[] | undefined {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === '2.5.29.15');
  if (extension === undefined) return undefined;
  const bits = extension.parsedValue as asn1js.BitString | undefined;
  const bytes = bits?.valueBlock.valueHexView ?? new Uint8Array();
  return KEY_USAGE_NAMES.filter((_, bit) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

/** Extended key usage OIDs; undefined when the extension is absent. */
export function extendedKeyUsageOf(certificate: pkijs.Certificate): string[] | undefined {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === '2.5.29.37');
  if (extension === undefined) return undefined;
  return [...((extension.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [])];
}

/** Whether basic constraints mark the certificate as a CA. */
export function isCertificateAuthority(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === '2.5.29.19');
  return (extension?.parsedValue as pkijs.BasicConstraints | undefined)?.cA === true;
}

/** Base64 SHA-256 of the DER SubjectPublicKeyInfo: the RFC 7469 pin value of the key. */
export function spkiSha256Of(certificate: pkijs.Certificate): string {
  const spki = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER());
  return createHash('sha256').update(spki).digest('base64');
}
