export type { EgovkitErrorOptions } from '@egovkit/internal';
export { detectFormat, type ImageInfo, inspectImage } from './binary.js';
export {
  type BehoerdenadresseInput,
  type BestellungInput,
  type BiometrieInput,
  type BuildResult,
  buildXhd,
  createBestellungDokument,
  type DienstinfoInput,
  type DokumentInput,
  type KopfInput,
  type NonEmpty,
  type PassAntragInput,
  type PersonalausweisAntragInput,
  type PersonInput,
} from './build.js';
export {
  DOKUMENTENARTEN,
  type Dokumentenart,
  DRUCKZEILEN,
  type Druckzeilentyp,
  type Fingerabdruckformat,
  type Fingerposition,
  GESCHLECHTER,
  type Geschlecht,
  type Lichtbildformat,
  PASSARTEN,
  type Passart,
  XHD_VERSIONS,
  type XhdVersion,
  xhdNamespace,
} from './codes.js';
export { XhdError, type XhdErrorCode } from './errors.js';
export {
  buildFehlerinformation,
  createFehlerinformation,
  type FehlerinformationInput,
  type FehlerinformationReplyOptions,
  type FehlerinformationResult,
  replyFehlerinformation,
} from './fehlerinformation.js';
export {
  createIssue,
  DEFAULT_MESSAGES,
  type IssueParams,
  type MessageCatalogue,
  type XhdIssue,
  type XhdIssueCode,
} from './issues.js';
export type * from './model.js';
export {
  assertSafeXml,
  DEFAULT_MAX_BYTES,
  type ParseOptions,
  parseFehlerinformation,
  parseXhd,
  parseXhdMessage,
} from './parse.js';
export {
  DEFAULT_PROFILES,
  selectProfile,
  type XhdProfile,
  type XhdProfileLimits,
  type XhdRuleId,
} from './profiles.js';
export { checkFehlerinformation, checkRules, icaoCheckDigit } from './rules.js';
export { serializeXhd } from './serialize.js';
export { type SyntheticImageOptions, syntheticJpeg, syntheticWsq } from './synthetic.js';
export {
  DEFAULT_SCHEMA_FILE,
  loadDefaultSchemas,
  type ValidateOptions,
  validateSchema,
  validateXhd,
  type XhdValidationResult,
} from './validate.js';
export {
  clearSchemaCache,
  SCHEMA_CACHE_LIMIT,
  type SchemaCacheStats,
  schemaCacheStats,
  type XhdSchemaFile,
  type XhdSchemaSet,
} from './xsd.js';
