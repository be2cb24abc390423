import { createHash } from 'node:crypto';
import {
  derToPem,
  extendedKeyUsageOf,
  type KeyUsageName,
  keyUsageOf,
  parseDerCertificate,
  pemBlocks,
  spkiSha256Of,
  X509Error,
} from '@egovkit/internal';
import type * as pkijs from 'pkijs';
import { DvdvError } from './errors.js';
import { escapeDnValue } from './ldap/escape.js';

/** Key usage bits by their RFC 5280 names. */
export type KeyUsage = KeyUsageName;

/** Whether a certificate is inside its validity period at a given time. */
export type CertificateValidity = 'valid' | 'expired' | 'not-yet-valid';

/** An X.509 certificate from the DVDV, parsed with pkijs. */
export interface DvdvCertificate {
  /** The DER encoding, byte for byte as listed. */
  readonly der: Uint8Array;
  readonly pem: string;
  /** RFC 4514 string: the RDNs in reverse order of the certificate's ASN.1 sequence, values escaped. */
  readonly subject: string;
  readonly issuer: string;
  /** The subject's common name, if any. */
  readonly commonName: string | undefined;
  /** Lower-case hex of the serial number's two's-complement bytes. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Empty when the certificate has no key usage extension. */
  readonly keyUsage: readonly KeyUsage[];
  /** OIDs of the extended key usage extension; empty when absent. */
  readonly extendedKeyUsage: readonly string[];
  /** Base64 SHA-256 of the DER SubjectPublicKeyInfo (the RFC 7469 pin of the key). */
  readonly spkiSha256: string;
  /** Lower-case hex SHA-256 of the whole DER certificate. */
  readonly sha256: string;
}

/** A certificate as PEM text, DER bytes, or already parsed. */
export type CertificateInput = string | Uint8Array | ArrayBuffer | DvdvCertificate;

const NAME_TYPES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function invalid(message: string, cause?: unknown): DvdvError {
  return new DvdvError('DVDV_CERTIFICATE_INVALID', message, cause === undefined ? {} : { cause });
}

function isParsed(input: CertificateInput): input is DvdvCertificate {
  return typeof input === 'object' && input !== null && 'der' in input && 'sha256' in input;
}

/** DER bytes from PEM text or bytes; PEM must hold exactly one CERTIFICATE block. */
function toDer(input: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof input !== 'string') {
    const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
    // A DER certificate starts with a SEQUENCE tag; anything else may be PEM passed as bytes.
    if (bytes[0] === 0x30) return bytes;
    return toDer(Buffer.from(bytes).toString('utf8'));
  }
  let blocks: Uint8Array[];
  try {
    blocks = pemBlocks(input);
  } catch (error) {
    throw invalid('the PEM block is not valid base64', error);
  }
  if (blocks.length !== 1) {
    throw invalid(`expected one PEM CERTIFICATE block, found ${blocks.length}`);
  }
  return blocks[0] as Uint8Array;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function formatName(name: pkijs.RelativeDistinguishedNames): {
  text: string;
  commonName: string | undefined;
} {
  let commonName: string | undefined;
  const parts = name.typesAndValues.map((typeAndValue) => {
    const type = NAME_TYPES[typeAndValue.type] ?? typeAndValue.type;
    const raw: unknown = (typeAndValue.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    if (typeof raw !== 'string') return `${type}=#${hex(new Uint8Array(typeAndValue.value.toBER()))}`;
    if (type === 'CN' && commonName === undefined) commonName = raw;
    return `${type}=${escapeDnValue(raw)}`;
  });
  // RFC 4514 writes the last RDN of the sequence first.
  return { text: parts.reverse().join(','), commonName };
}

/**
 * Parses an X.509 certificate (PEM or DER) into the fields a DVDV client needs. Throws
 * `DVDV_CERTIFICATE_INVALID` for anything that is not exactly one well-formed certificate.
 */
export function parseCertificate(input: CertificateInput): DvdvCertificate {
  if (isParsed(input)) return input;
  const der = toDer(input);
  let certificate: pkijs.Certificate;
  try {
    certificate = parseDerCertificate(der);
  } catch (error) {
    throw invalid(error instanceof X509Error ? error.message : 'not an X.509 certificate', error);
  }
  const subject = formatName(certificate.subject);
  const bytes = new Uint8Array(der);
  return {
    der: bytes,
    pem: derToPem(bytes),
    subject: subject.text,
    issuer: formatName(certificate.issuer).text,
    commonName: subject.commonName,
    serialNumber: hex(certificate.serialNumber.valueBlock.valueHexView),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    keyUsage: keyUsageOf(certificate) ?? [],
    extendedKeyUsage: extendedKeyUsageOf(certificate) ?? [],
    spkiSha256: spkiSha256Of(certificate),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Validity of `certificate` at `at` (inclusive bounds, as RFC 5280 § 4.1.2.5 defines them). */
export function certificateValidity(certificate: DvdvCertificate, at: Date): CertificateValidity {
  const time = at.getTime();
  if (time < certificate.notBefore.getTime()) return 'not-yet-valid';
  if (time > certificate.notAfter.getTime()) return 'expired';
  return 'valid';
}

/** Byte-for-byte equality of two certificates. */
export function sameCertificate(a: DvdvCertificate, b: DvdvCertificate): boolean {
  return Buffer.from(a.der).equals(Buffer.from(b.der));
}
