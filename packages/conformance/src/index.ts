export type { EgovkitErrorOptions } from '@egovkit/internal';
export { ConformanceError, type ConformanceErrorCode } from './errors.js';
export {
  CASE_KINDS,
  type CaseKind,
  type CaseOptions,
  type ConformanceCase,
  type ConformanceManifest,
  type DvdvSuiteInfo,
  defaultFixturesDir,
  fixturePath,
  loadManifest,
  OSCI_CHECKS,
  type OsciCheck,
  type OsciSuiteInfo,
  parseSuite,
  SUITES,
  type Suite,
  type Verdict,
  validateManifest,
  type XhdSuiteInfo,
} from './manifest.js';
export {
  type ConformanceCertificate,
  type ConformanceCertificateFiles,
  type ConformanceCertificateName,
  type ConformancePki,
  generateConformancePki,
} from './pki.js';
export { type CheckOutcome, type ReferenceCheckInput, referenceCheck } from './reference.js';
export { escapeXmlAttribute, escapeXmlText, toJUnitXml, toMarkdown } from './report.js';
export {
  type CaseResult,
  type CaseStatus,
  type CommandTarget,
  type ConformanceReport,
  type ConformanceTarget,
  expandCommand,
  type HttpTarget,
  httpPayload,
  KIND_CONTENT_TYPES,
  type RunConformanceOptions,
  runConformance,
  type SuiteSummary,
  selectCases,
  shellQuote,
  summarise,
} from './runner.js';
