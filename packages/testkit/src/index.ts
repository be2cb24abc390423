export { expectErrorClassContract } from './contracts.js';
export { TestkitError, type TestkitErrorCode } from './errors.js';
export {
  type CertificateProfile,
  type ExtendedKeyUsageName,
  type IssueOptions,
  issueSelfSigned,
  type KeyUsageName,
  TEST_PKCS12_PASSWORD,
  type TestCertificate,
  TestCertificateAuthority,
} from './pki/authority.js';
export { describeKeySpec, generateTestKeyPair, type TestKeyPair, type TestKeySpec } from './pki/keys.js';
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
} from './pki/test-pki.js';
export {
  findExecutable,
  getFreePort,
  isPortAccepting,
  isProcessAlive,
  LOOPBACK,
  type ServerExit,
  type ServerProcess,
  type StartServerProcessOptions,
  startServerProcess,
} from './servers/process.js';
export { type RedisOptions, type RedisServer, redisPing, startRedis } from './servers/redis.js';
export { type SlapdOptions, type SlapdServer, type SlapdTlsMaterial, startSlapd } from './servers/slapd.js';
export {
  startHttpsServer,
  startTlsServer,
  type TestHttpsServer,
  type TestHttpsServerOptions,
  type TestTlsServer,
  type TestTlsServerOptions,
  type TlsConnectionInfo,
  type TlsServerCertificate,
} from './servers/tls.js';
