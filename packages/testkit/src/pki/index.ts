// The test PKI alone, without the server helpers: what a published package may bundle (e.g. the conformance kit).
export {
  type CertificateProfile,
  type ExtendedKeyUsageName,
  type IssueOptions,
  issueSelfSigned,
  type KeyUsageName,
  TEST_PKCS12_PASSWORD,
  type TestCertificate,
  TestCertificateAuthority,
} from './authority.js';
export { describeKeySpec, generateTestKeyPair, type TestKeyPair, type TestKeySpec } from './keys.js';
export {
  generateTestPki,
  getTestPki,
  loadTestPki,
  TEST_PKI_DIR_ENV,
  type TestCertificateFiles,
  type TestCertificateName,
  type TestCrl,
  type TestPki,
  type TestPkiCertificate,
} from './test-pki.js';
