export type { EgovkitErrorOptions } from '@egovkit/internal';
export {
  type Blocklist,
  type BlocklistMatch,
  type BlocklistOptions,
  type Candidates,
  combineBlocklists,
  createBlocklist,
  findContextWord,
  loadBlocklistFile,
  loadDefaultBlocklist,
  normalisedCandidates,
} from './blocklist/index.js';
export {
  type BreachedPasswordLookup,
  createRangeLookup,
  type HttpRangeFetcherOptions,
  httpRangeFetcher,
  PWNED_PASSWORDS_RANGE_URL,
  type RangeFetcher,
  type RangeLookupOptions,
} from './breach/range-lookup.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export { PasswordPolicyError, type PasswordPolicyErrorCode } from './errors.js';
export {
  type CompromiseDetector,
  type CompromiseDetectorOptions,
  type CompromiseReason,
  type CompromiseSignal,
  type CompromiseStateStore,
  createCompromiseDetector,
  InMemoryCompromiseStateStore,
  type LoginEvent,
  RedisCompromiseStateStore,
  type SessionRecord,
} from './expiry/compromise-detector.js';
export {
  addMonths,
  checkPasswordExpiry,
  type ExpiryCheck,
  type ExpiryStatus,
  passwordExpiresAt,
} from './expiry/expiry.js';
export type { ExpiryPolicy, PasswordKind } from './expiry/policy.js';
export { createScryptHasher, type PasswordHasher, type ScryptParameters } from './history/hasher.js';
export { PasswordHistory, type PasswordHistoryOptions } from './history/history.js';
export {
  InMemoryPasswordHistoryStore,
  type PasswordHistoryStore,
  RedisPasswordHistoryStore,
} from './history/stores.js';
export * from './lockout/index.js';
export {
  createPasswordPolicy,
  type PasswordPolicyEngine,
  type PasswordPolicyOptions,
} from './policy/engine.js';
export {
  builtInMessages,
  type MessageCatalogue,
  type MessageOverrides,
  type MessageTemplate,
} from './policy/messages.js';
export type { StrengthEstimator } from './policy/strength.js';
export type {
  CharacterClass,
  ContextField,
  EvaluationContext,
  EvaluationResult,
  FailureParams,
  Locale,
  PasswordFailure,
  PasswordFailureCode,
  PasswordPolicy,
  PasswordRule,
  PasswordRuleType,
  PolicySource,
} from './policy/types.js';
export { validateLockoutPolicy, validatePolicy } from './policy/validate.js';
export {
  asvs5Preset,
  BSI_ORP4_SOURCES,
  bsiOrp4Preset,
  KBA_SOURCE,
  type KbaPolicy,
  kbaPreset,
  NIST_800_63B_4_SOURCE,
  nist80063b4Preset,
  OWASP_ASVS_5_SOURCE,
  type PresetId,
  presets,
} from './presets/index.js';
export {
  type IoredisLike,
  ioredisScriptRunner,
  type NodeRedisLike,
  nodeRedisScriptRunner,
  type RedisScriptRunner,
} from './redis.js';
