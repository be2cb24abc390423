export type { EgovkitErrorOptions } from '@egovkit/internal';
export type { CacheSource, DvdvCacheOptions, DvdvCacheStatistics } from './cache.js';
export {
  type CertificateInput,
  type CertificateValidity,
  certificateValidity,
  type DvdvCertificate,
  type KeyUsage,
  parseCertificate,
  sameCertificate,
} from './certificate.js';
export {
  type AuthoritySender,
  type AuthorityVerification,
  type CheckedCertificate,
  createDvdvClient,
  createEmbeddedDvdvClient,
  DEMO_LDIF_PATH,
  type DvdvCallOptions,
  DvdvClient,
  type DvdvClientOptions,
  type DvdvClientSettings,
  type EmbeddedDvdvClientOptions,
  type LookupServiceOptions,
  type OrganisationQuery,
  type ServiceLookup,
  type VerificationFailureReason,
  type VerifyAuthorityOptions,
} from './client.js';
export {
  type DvdvServer,
  type DvdvTlsOptions,
  LdapDirectory,
  type LdapDirectoryOptions,
} from './directory/ldap.js';
export { MemoryDirectory } from './directory/memory.js';
export type {
  Directory,
  DirectoryCallOptions,
  DirectoryEntry,
  SearchRequest,
  SearchScope,
  ServerHealth,
} from './directory/types.js';
export { DvdvError, type DvdvErrorCode } from './errors.js';
export { type Behoerdenkennung, DvdvCategory, isBehoerdenkennung, parseBehoerdenkennung } from './kennung.js';
export { escapeDnValue, escapeFilterValue } from './ldap/escape.js';
export { and, contains, equals, type Filter, or, present, renderFilter } from './ldap/filter.js';
export {
  type CreateDvdvLdifOptions,
  createDvdvLdif,
  DEFAULT_BASE_DN,
  type DvdvOrganisationInput,
  type DvdvServiceInput,
} from './ldif/build.js';
export { formatLdif, type LdifEntry, type LdifRecord, parseLdif } from './ldif/ldif.js';
export type { DvdvEndpoint, DvdvOrganisation, DvdvRegion, DvdvService } from './model.js';
export { BINARY_ATTRIBUTES, DVDV_LDAP_SCHEMA, ORGANISATIONS_RDN, Schema } from './schema.js';
export {
  DVDV_EXTENSION_NAMESPACE,
  parseServiceDescription,
  type ServiceDescription,
  type ServiceDescriptionPort,
  type ServiceDescriptionTransport,
  WSDL_NAMESPACE,
} from './service-description/service-description.js';
