export type { EgovkitErrorOptions } from '@egovkit/internal';
export { AuditEmitter } from './audit/emitter.js';
export {
  createJsonLinesAuditSink,
  type JsonLinesAuditSink,
  type JsonLinesAuditSinkOptions,
} from './audit/json-lines-sink.js';
export {
  createSyslogTlsAuditSink,
  type SyslogTlsAuditSink,
  type SyslogTlsAuditSinkOptions,
} from './audit/syslog-tls-sink.js';
export type { AuditAttributeValue, AuditEvent, AuditEventName, AuditSink } from './audit/types.js';
export {
  type AuditLogIssue,
  type AuditLogIssueCode,
  type AuditLogIssueSeverity,
  type AuditLogVerification,
  formatAuditLogVerification,
  type VerifyAuditLogOptions,
  verifyAuditLog,
} from './audit/verify.js';
export {
  type CallOptions,
  type CallResult,
  type ConnectionInfo,
  createKbaClient,
  KbaClient,
  type KbaClientOptions,
  type KbaClientRetry,
  type KbaClientTimeouts,
  type ServiceDefinition,
} from './client.js';
export {
  REASON_CODES_NEEDING_CASE_REFERENCE,
  type ReasonCode,
  type RequestContext,
  type ResolvedRequestContext,
  resolveRequestContext,
} from './context.js';
export { KbaWsError, type KbaWsErrorCode } from './errors.js';
export { type Redactor, redactPersonalData } from './redaction.js';
export {
  buildSecurityStatement,
  probeServer,
  renderSecurityStatementMarkdown,
  type SecurityStatement,
  type StatementCertificate,
} from './security-statement.js';
export {
  assertSafeXml,
  buildSoapEnvelope,
  getSoapFault,
  type ParsedSoapEnvelope,
  type ParseSoapOptions,
  parseSoapEnvelope,
  SOAP_ENVELOPE_NAMESPACES,
  type SoapEnvelopeInput,
  type SoapFault,
  type SoapVersion,
  type XmlContent,
  type XmlObject,
  type XmlValue,
} from './soap.js';
export {
  createSecurityStatement,
  resolveConfigPaths,
  type SecurityStatementOptions,
} from './statement-from-config.js';
export {
  type CertificateInfo,
  describeCertificate,
  type KeyUsage,
  type PublicKeyInfo,
  type SignatureAlgorithmInfo,
  spkiPinOf,
} from './tls/certificates.js';
export { type ClientCertificateSource, loadClientIdentity } from './tls/client-identity.js';
export { PinSet } from './tls/pinning.js';
export {
  type CipherSuite,
  getTlsPreset,
  type MinimumKeySizes,
  type PresetSource,
  presetConnectionOptions,
  TLS_PRESET_NAMES,
  type TlsPreset,
  type TlsPresetName,
} from './tls/presets.js';
export type { LegacyChainSignaturePolicy } from './tls/server-verification.js';
export type { TrustAnchors } from './tls/trust.js';
export {
  buildXkfzVerarbeitung,
  parseXkfzResponseHeader,
  XKFZ_DEFAULT_NAMESPACE,
  type XkfzCallOptions,
  type XkfzMessageHeader,
  type XkfzResponseHeader,
  xkfzVerarbeitung,
} from './xkfz.js';
