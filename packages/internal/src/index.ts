export { EgovkitError, type EgovkitErrorOptions } from './errors.js';
export {
  derToPem,
  describeSignatureAlgorithm,
  extendedKeyUsageOf,
  isCertificateAuthority,
  KEY_USAGE_NAMES,
  type KeyUsageName,
  keyUsageOf,
  parseDerCertificate,
  pemBlocks,
  type SignatureAlgorithmInfo,
  spkiSha256Of,
  X509Error,
} from './x509.js';
