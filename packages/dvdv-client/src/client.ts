import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type CacheOutcome,
  type CacheSource,
  DvdvCache,
  type DvdvCacheOptions,
  type DvdvCacheStatistics,
} from './cache.js';
import {
  type CertificateInput,
  type CertificateValidity,
  certificateValidity,
  type DvdvCertificate,
  parseCertificate,
  sameCertificate,
} from './certificate.js';
import { LdapDirectory, type LdapDirectoryOptions } from './directory/ldap.js';
import { MemoryDirectory } from './directory/memory.js';
import type { Directory, DirectoryEntry, SearchRequest, ServerHealth } from './directory/types.js';
import { DvdvError } from './errors.js';
import { parseBehoerdenkennung } from './kennung.js';
import { formatDn, parseDn } from './ldap/dn.js';
import { and, contains, equals, type Filter, or } from './ldap/filter.js';
import { DEFAULT_BASE_DN } from './ldif/build.js';
import { parseLdif } from './ldif/ldif.js';
import {
  type DvdvEndpoint,
  type DvdvOrganisation,
  type DvdvService,
  hasObjectClass,
  toOrganisation,
  toService,
} from './model.js';
import { ORGANISATIONS_RDN, Schema } from './schema.js';

/** Options every call accepts. */
export interface DvdvCallOptions {
  /** Aborts the call; the client's `timeoutMs` applies as well. */
  readonly signal?: AbortSignal;
  /** Overrides the client's overall deadline for this call (all servers, all pages). */
  readonly timeoutMs?: number;
  /** `bypass` asks the directory and leaves the cache untouched. Default `use`. */
  readonly cache?: 'use' | 'bypass';
}

export interface LookupServiceOptions extends DvdvCallOptions {
  /** Time at which certificates must be valid. Default: now (the client's clock). */
  readonly at?: Date;
  /**
   * Throw `DVDV_CERTIFICATE_NOT_VALID` unless a valid encryption certificate is listed and every listed
   * role (signature, intermediary) has a valid certificate. Default true; checked on every call, cached or not.
   */
  readonly requireValidCertificates?: boolean;
}

/** A certificate of a lookup result with its validity at the time of the call. */
export interface CheckedCertificate {
  readonly role: 'encryption' | 'signature' | 'intermediary';
  readonly certificate: DvdvCertificate;
  readonly validity: CertificateValidity;
}

/** What `lookupService` returns: where to send and which keys to use. */
export interface ServiceLookup {
  readonly organisation: DvdvOrganisation;
  readonly service: DvdvService;
  readonly endpoint: DvdvEndpoint;
  /** The valid encryption certificate with the latest expiry; undefined only without `requireValidCertificates`. */
  readonly encryptionCertificate: DvdvCertificate | undefined;
  /** The valid signature certificate with the latest expiry, if the service lists one. */
  readonly signatureCertificate: DvdvCertificate | undefined;
  /** Every listed certificate with its validity at `checkedAt`. */
  readonly certificates: readonly CheckedCertificate[];
  readonly checkedAt: Date;
  /** `directory` (asked now), `cache` or `stale-cache` (served while a refresh runs). */
  readonly source: CacheSource;
}

export interface OrganisationQuery {
  /** Part of the name, case-insensitive. */
  readonly name?: string;
  readonly category?: string;
  /** Bundesland key, e.g. `05`. */
  readonly state?: string;
  readonly district?: string;
  readonly county?: string;
  /** Default 100, at most 1000; more matches throw `DVDV_SIZE_LIMIT_EXCEEDED`. */
  readonly limit?: number;
}

/** Why `verifyAuthority` said no. */
export type VerificationFailureReason =
  /** The Behördenkennung is malformed. */
  | 'INVALID_KENNUNG'
  /** The certificate cannot be parsed. */
  | 'CERTIFICATE_INVALID'
  /** The certificate is expired or not yet valid. */
  | 'CERTIFICATE_NOT_VALID'
  /** No organisation with this Behördenkennung, or none that lists this certificate. */
  | 'NOT_REGISTERED'
  /** The organisation exists but does not list this certificate (for the checked usage). */
  | 'CERTIFICATE_NOT_LISTED'
  /** The organisation is not registered in the requested category. */
  | 'CATEGORY_MISMATCH'
  /** More than one organisation lists the certificate: refused rather than guessed. */
  | 'AMBIGUOUS'
  /** The directory could not be asked (all servers down, timeout, invalid entry); see `error`. */
  | 'LOOKUP_FAILED';

export type AuthorityVerification =
  | {
      readonly verified: true;
      readonly organisation: DvdvOrganisation;
      readonly category: string;
      /** The presented certificate, when one was checked. */
      readonly certificate: DvdvCertificate | undefined;
      readonly checkedAt: Date;
    }
  | {
      readonly verified: false;
      readonly reason: VerificationFailureReason;
      readonly message: string;
      readonly error: DvdvError | undefined;
      readonly checkedAt: Date;
    };

/** Who claims to be an authority: the certificate it signed with, its Behördenkennung, or both. */
export interface AuthoritySender {
  readonly certificate?: CertificateInput;
  readonly kennung?: string;
}

export interface VerifyAuthorityOptions extends DvdvCallOptions {
  /** Time at which the certificate must be valid. Default: now. */
  readonly at?: Date;
  /**
   * Which listed certificates count: `signature` (default; a sender signs) or `any` (also encryption
   * certificates).
   */
  readonly usage?: 'signature' | 'any';
}

export interface DvdvClientSettings {
  /** Default `dc=dvdv,dc=example`. */
  readonly baseDn?: string;
  /** Cache settings, or `false` for none. */
  readonly cache?: DvdvCacheOptions | false;
  /** Overall deadline of one call across all servers and pages. Default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Clock (tests): the time used for certificate validity and cache ages. */
  readonly now?: () => Date;
}

export interface DvdvClientOptions extends LdapDirectoryOptions, DvdvClientSettings {}

export interface EmbeddedDvdvClientOptions extends DvdvClientSettings {
  /** LDIF text. Default: the demo directory shipped in `data/dvdv-demo.ldif`. */
  readonly ldif?: string;
}

interface OrganisationRecord {
  readonly organisation: DvdvOrganisation;
  readonly services: readonly DvdvService[];
}

interface ServiceRecord {
  readonly organisation: DvdvOrganisation;
  readonly service: DvdvService;
}

/** Path of the demo LDIF shipped with the package. */
export const DEMO_LDIF_PATH = fileURLToPath(new URL('../data/dvdv-demo.ldif', import.meta.url));

function normaliseCategory(category: string): string {
  if (typeof category !== 'string' || category.trim() === '') {
    throw new DvdvError('DVDV_INVALID_ARGUMENT', 'a category is required, e.g. "passbehoerde"');
  }
  return category.trim().toLowerCase();
}

function latestValid(certificates: readonly DvdvCertificate[], at: Date): DvdvCertificate | undefined {
  return certificates
    .filter((certificate) => certificateValidity(certificate, at) === 'valid')
    .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime())[0];
}

/**
 * The DVDV client: lookups of organisations, services, endpoints and certificates, search, and the
 * PassDEÜV role check, over LDAP (`createDvdvClient`) or embedded LDIF data (`createEmbeddedDvdvClient`).
 */
export class DvdvClient {
  readonly #directory: Directory;
  readonly #baseDn: string;
  readonly #container: string;
  readonly #cache: DvdvCache | undefined;
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  constructor(directory: Directory, settings: DvdvClientSettings = {}) {
    this.#directory = directory;
    this.#baseDn = settings.baseDn ?? DEFAULT_BASE_DN;
    try {
      this.#container = formatDn([...parseDn(ORGANISATIONS_RDN), ...parseDn(this.#baseDn)]);
    } catch (error) {
      throw new DvdvError('DVDV_INVALID_ARGUMENT', `baseDn is not a DN: ${this.#baseDn}`, { cause: error });
    }
    this.#now = settings.now ?? (() => new Date());
    this.#timeoutMs = settings.timeoutMs ?? 15_000;
    if (!Number.isFinite(this.#timeoutMs) || this.#timeoutMs <= 0) {
      throw new DvdvError('DVDV_INVALID_ARGUMENT', 'timeoutMs must be a positive number');
    }
    this.#cache =
      settings.cache === false ? undefined : new DvdvCache(settings.cache ?? {}, () => this.#now().getTime());
  }

  /** The organisation with this Behördenkennung. Throws `DVDV_ORGANISATION_NOT_FOUND`. */
  async getOrganisation(kennung: string, options: DvdvCallOptions = {}): Promise<DvdvOrganisation> {
    return (await this.#organisationRecord(kennung, options)).organisation;
  }

  /** Every service the organisation offers (empty when it offers none). */
  async listServices(kennung: string, options: DvdvCallOptions = {}): Promise<DvdvService[]> {
    return [...(await this.#organisationRecord(kennung, options)).services];
  }

  /**
   * Endpoint, certificates and service description of one service of one organisation. Certificate validity
   * is checked at every call, also when the answer comes from the cache.
   */
  async lookupService(
    kennung: string,
    serviceUri: string,
    options: LookupServiceOptions = {},
  ): Promise<ServiceLookup> {
    const key = parseBehoerdenkennung(kennung).value;
    if (typeof serviceUri !== 'string' || serviceUri.trim() === '') {
      throw new DvdvError('DVDV_INVALID_ARGUMENT', 'a service URI is required');
    }
    const { value, source } = await this.#cached<ServiceRecord>(
      `service\n${key}\n${serviceUri}`,
      options,
      (signal) => this.#loadService(key, serviceUri, signal),
    );
    const at = options.at ?? this.#now();
    const { service } = value;
    const checked: CheckedCertificate[] = [
      ...service.encryptionCertificates.map((certificate) => ({ role: 'encryption' as const, certificate })),
      ...service.signatureCertificates.map((certificate) => ({ role: 'signature' as const, certificate })),
      ...(service.endpoint.intermediaryCertificate === undefined
        ? []
        : [{ role: 'intermediary' as const, certificate: service.endpoint.intermediaryCertificate }]),
    ].map((entry) => ({ ...entry, validity: certificateValidity(entry.certificate, at) }));
    const encryptionCertificate = latestValid(service.encryptionCertificates, at);
    const signatureCertificate = latestValid(service.signatureCertificates, at);
    if (options.requireValidCertificates !== false) {
      for (const role of ['encryption', 'signature', 'intermediary'] as const) {
        const ofRole = checked.filter((entry) => entry.role === role);
        const required = role === 'encryption' || ofRole.length > 0;
        if (required && !ofRole.some((entry) => entry.validity === 'valid')) {
          throw new DvdvError(
            'DVDV_CERTIFICATE_NOT_VALID',
            ofRole.length === 0
              ? `${key} lists no ${role} certificate for ${serviceUri}`
              : `no ${role} certificate of ${key} for ${serviceUri} is valid at ${at.toISOString()}`,
            {
              details: {
                kennung: key,
                serviceUri,
                role,
                at: at.toISOString(),
                certificates: ofRole.map((entry) => ({
                  serialNumber: entry.certificate.serialNumber,
                  validity: entry.validity,
                  notBefore: entry.certificate.notBefore.toISOString(),
                  notAfter: entry.certificate.notAfter.toISOString(),
                })),
              },
            },
          );
        }
      }
    }
    return {
      organisation: value.organisation,
      service,
      endpoint: service.endpoint,
      encryptionCertificate,
      signatureCertificate,
      certificates: checked,
      checkedAt: at,
      source,
    };
  }

  /** Organisations by part of the name, category and region; all criteria must match. */
  async searchOrganisations(
    query: OrganisationQuery,
    options: DvdvCallOptions = {},
  ): Promise<DvdvOrganisation[]> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new DvdvError('DVDV_INVALID_ARGUMENT', 'limit must be an integer from 1 to 1000', {
        details: { limit },
      });
    }
    const criteria: Filter[] = [equals('objectClass', Schema.organisationClass)];
    const text = (name: string, value: string | undefined) => {
      if (value === undefined) return undefined;
      if (typeof value !== 'string') throw new DvdvError('DVDV_INVALID_ARGUMENT', `${name} must be a string`);
      return value.trim();
    };
    const name = text('name', query.name);
    if (name !== undefined && name !== '') criteria.push(contains(Schema.name, name));
    const category = text('category', query.category);
    if (category !== undefined) criteria.push(equals(Schema.category, normaliseCategory(category)));
    for (const [attribute, value] of [
      [Schema.state, text('state', query.state)],
      [Schema.district, text('district', query.district)],
      [Schema.county, text('county', query.county)],
    ] as const) {
      if (value !== undefined) criteria.push(equals(attribute, value));
    }
    const key = `search\n${JSON.stringify([name, category, query.state, query.district, query.county, limit])}`;
    const { value } = await this.#cached<DvdvOrganisation[]>(key, options, async (signal) => {
      const entries = await this.#search(
        { base: this.#container, scope: 'sub', filter: and(...criteria), sizeLimit: limit, paged: true },
        signal,
      );
      return { ok: true, value: (entries ?? []).map(toOrganisation) };
    });
    return [...value];
  }

  /**
   * The PassDEÜV check: is the sender registered as an organisation of `category`, and is the certificate
   * it used one the DVDV lists for it? Fails closed: any error, doubt or missing data gives `verified: false`.
   */
  async verifyAuthority(
    sender: AuthoritySender,
    category: string,
    options: VerifyAuthorityOptions = {},
  ): Promise<AuthorityVerification> {
    const checkedAt = options.at ?? this.#now();
    const wanted = normaliseCategory(category);
    if (sender?.certificate === undefined && sender?.kennung === undefined) {
      throw new DvdvError(
        'DVDV_INVALID_ARGUMENT',
        'verifyAuthority needs a certificate, a Behördenkennung or both',
      );
    }
    const deny = (
      reason: VerificationFailureReason,
      message: string,
      error?: DvdvError,
    ): AuthorityVerification => ({
      verified: false,
      reason,
      message,
      error,
      checkedAt,
    });

    let certificate: DvdvCertificate | undefined;
    if (sender.certificate !== undefined) {
      try {
        certificate = parseCertificate(sender.certificate);
      } catch (error) {
        return deny('CERTIFICATE_INVALID', 'the presented certificate cannot be parsed', error as DvdvError);
      }
      const validity = certificateValidity(certificate, checkedAt);
      if (validity !== 'valid') {
        return deny(
          'CERTIFICATE_NOT_VALID',
          `the presented certificate is ${validity} at ${checkedAt.toISOString()}`,
        );
      }
    }

    try {
      let candidates: OrganisationRecord[];
      if (sender.kennung !== undefined) {
        let key: string;
        try {
          key = parseBehoerdenkennung(sender.kennung).value;
        } catch (error) {
          return deny('INVALID_KENNUNG', 'the Behördenkennung is malformed', error as DvdvError);
        }
        const found = await this.#organisationOutcome(key, options);
        if (!found.ok) return deny('NOT_REGISTERED', `${key} is not registered in the DVDV`, found.error);
        candidates = [found.value];
      } else {
        candidates = await this.#organisationsListing(certificate as DvdvCertificate, options);
        if (candidates.length === 0) {
          return deny('NOT_REGISTERED', 'no organisation in the DVDV lists this certificate');
        }
      }

      if (certificate !== undefined) {
        const presented = certificate;
        const listing = candidates.filter((record) =>
          this.#listedCertificates(record, options.usage ?? 'signature').some((listed) =>
            sameCertificate(listed, presented),
          ),
        );
        if (listing.length === 0) {
          return sender.kennung === undefined
            ? deny('NOT_REGISTERED', 'no organisation in the DVDV lists this certificate')
            : deny(
                'CERTIFICATE_NOT_LISTED',
                `${candidates[0]?.organisation.kennung} does not list this certificate`,
              );
        }
        if (listing.length > 1) {
          return deny(
            'AMBIGUOUS',
            `${listing.length} organisations list this certificate: ${listing.map((r) => r.organisation.kennung).join(', ')}`,
          );
        }
        candidates = listing;
      }

      const record = candidates[0] as OrganisationRecord;
      if (!record.organisation.categories.includes(wanted)) {
        return deny(
          'CATEGORY_MISMATCH',
          `${record.organisation.kennung} is registered as ${record.organisation.categories.join(', ') || 'nothing'}, not ${wanted}`,
        );
      }
      return { verified: true, organisation: record.organisation, category: wanted, certificate, checkedAt };
    } catch (error) {
      if (error instanceof DvdvError)
        return deny('LOOKUP_FAILED', `the DVDV could not be asked: ${error.message}`, error);
      throw error;
    }
  }

  /** Like `verifyAuthority`, but throws `DVDV_VERIFICATION_FAILED` (with `details.reason`) unless verified. */
  async assertAuthority(
    sender: AuthoritySender,
    category: string,
    options: VerifyAuthorityOptions = {},
  ): Promise<Extract<AuthorityVerification, { verified: true }>> {
    const result = await this.verifyAuthority(sender, category, options);
    if (result.verified) return result;
    throw new DvdvError('DVDV_VERIFICATION_FAILED', result.message, {
      cause: result.error,
      details: { reason: result.reason, category: normaliseCategory(category) },
    });
  }

  /** Health of each configured server (empty for the embedded directory). */
  health(): ServerHealth[] {
    return this.#directory.health();
  }

  cacheStatistics(): DvdvCacheStatistics | undefined {
    return this.#cache?.statistics();
  }

  clearCache(): void {
    this.#cache?.clear();
  }

  /** Waits for running background refreshes, then closes the connections. */
  async close(): Promise<void> {
    await this.#cache?.settle();
    await this.#directory.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #listedCertificates(record: OrganisationRecord, usage: 'signature' | 'any'): DvdvCertificate[] {
    return [
      ...record.organisation.signatureCertificates,
      ...record.services.flatMap((service) =>
        usage === 'any'
          ? [...service.signatureCertificates, ...service.encryptionCertificates]
          : service.signatureCertificates,
      ),
    ];
  }

  #organisationDn(kennung: string): string {
    return formatDn([[{ attribute: Schema.kennung, value: kennung }], ...parseDn(this.#container)]);
  }

  #deadline(timeoutMs: number | undefined): AbortSignal {
    return AbortSignal.timeout(timeoutMs ?? this.#timeoutMs);
  }

  /** The call's signal: the caller's, combined with the overall deadline. */
  #signal(options: DvdvCallOptions): AbortSignal {
    const timeout = this.#deadline(options.timeoutMs);
    return options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  }

  async #search(request: SearchRequest, signal: AbortSignal): Promise<DirectoryEntry[] | null> {
    return this.#directory.search(request, { signal });
  }

  async #cached<V>(
    key: string,
    options: DvdvCallOptions,
    load: (signal: AbortSignal) => Promise<CacheOutcome<V>>,
  ): Promise<{ value: V; source: CacheSource }> {
    const outcome = await this.#cachedOutcome(key, options, load);
    if (!outcome.outcome.ok) throw outcome.outcome.error;
    return { value: outcome.outcome.value, source: outcome.source };
  }

  async #cachedOutcome<V>(
    key: string,
    options: DvdvCallOptions,
    load: (signal: AbortSignal) => Promise<CacheOutcome<V>>,
  ): Promise<{ outcome: CacheOutcome<V>; source: CacheSource }> {
    // A background refresh must not be cut short by the caller's signal, so each load gets its own deadline.
    const loader = () => load(this.#deadline(options.timeoutMs));
    if (this.#cache === undefined || options.cache === 'bypass') {
      const outcome = await load(this.#signal(options));
      return { outcome, source: 'directory' };
    }
    const signal = options.signal;
    const aborted = () => new DvdvError('DVDV_ABORTED', 'the call was aborted', { cause: signal?.reason });
    if (signal === undefined) return this.#cache.get(key, loader);
    if (signal.aborted) throw aborted();
    // The caller stops waiting when its signal fires; the shared load goes on for other callers.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(aborted());
      signal.addEventListener('abort', onAbort, { once: true });
      (this.#cache as DvdvCache)
        .get(key, loader)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #organisationOutcome(
    kennung: string,
    options: DvdvCallOptions,
  ): Promise<CacheOutcome<OrganisationRecord>> {
    return (
      await this.#cachedOutcome<OrganisationRecord>(`organisation\n${kennung}`, options, (signal) =>
        this.#loadOrganisation(kennung, signal),
      )
    ).outcome;
  }

  async #organisationRecord(kennung: string, options: DvdvCallOptions): Promise<OrganisationRecord> {
    const outcome = await this.#organisationOutcome(parseBehoerdenkennung(kennung).value, options);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  async #loadOrganisation(kennung: string, signal: AbortSignal): Promise<CacheOutcome<OrganisationRecord>> {
    const entries = await this.#search(
      {
        base: this.#organisationDn(kennung),
        scope: 'sub',
        filter: or(
          equals('objectClass', Schema.organisationClass),
          equals('objectClass', Schema.serviceClass),
        ),
        paged: true,
        sizeLimit: 10_000,
      },
      signal,
    );
    const organisationEntry = entries?.find((entry) => hasObjectClass(entry, Schema.organisationClass));
    if (entries === null || organisationEntry === undefined) {
      return { ok: false, error: this.#notFound(kennung) };
    }
    return {
      ok: true,
      value: {
        organisation: toOrganisation(organisationEntry),
        services: entries.filter((entry) => hasObjectClass(entry, Schema.serviceClass)).map(toService),
      },
    };
  }

  async #loadService(
    kennung: string,
    serviceUri: string,
    signal: AbortSignal,
  ): Promise<CacheOutcome<ServiceRecord>> {
    // One round trip: the organisation entry and the matching service below it.
    const entries = await this.#search(
      {
        base: this.#organisationDn(kennung),
        scope: 'sub',
        filter: or(
          equals('objectClass', Schema.organisationClass),
          and(equals('objectClass', Schema.serviceClass), equals(Schema.serviceUri, serviceUri)),
        ),
        sizeLimit: 100,
      },
      signal,
    );
    const organisationEntry = entries?.find((entry) => hasObjectClass(entry, Schema.organisationClass));
    if (entries === null || organisationEntry === undefined)
      return { ok: false, error: this.#notFound(kennung) };
    const serviceEntries = entries.filter((entry) => hasObjectClass(entry, Schema.serviceClass));
    if (serviceEntries.length !== 1) {
      if (serviceEntries.length > 1) {
        throw new DvdvError(
          'DVDV_ENTRY_INVALID',
          `${kennung} lists ${serviceUri} ${serviceEntries.length} times`,
          {
            details: { kennung, serviceUri },
          },
        );
      }
      return {
        ok: false,
        error: new DvdvError('DVDV_SERVICE_NOT_FOUND', `${kennung} offers no service ${serviceUri}`, {
          details: { kennung, serviceUri },
        }),
      };
    }
    return {
      ok: true,
      value: {
        organisation: toOrganisation(organisationEntry),
        service: toService(serviceEntries[0] as DirectoryEntry),
      },
    };
  }

  /** Organisations whose entry or services carry the certificate's hash in the search index. */
  async #organisationsListing(
    certificate: DvdvCertificate,
    options: DvdvCallOptions,
  ): Promise<OrganisationRecord[]> {
    const { value: kennungen } = await this.#cached<string[]>(
      `certificate\n${certificate.sha256}`,
      options,
      async (signal) => {
        const entries = await this.#search(
          {
            base: this.#container,
            scope: 'sub',
            filter: equals(Schema.certificateSha256, certificate.sha256),
            sizeLimit: 100,
          },
          signal,
        );
        const found = new Set<string>();
        for (const entry of entries ?? []) {
          // The organisation is the entry itself or, for a service, its parent.
          const rdns = parseDn(entry.dn);
          const organisationRdn = hasObjectClass(entry, Schema.organisationClass) ? rdns[0] : rdns[1];
          const part = organisationRdn?.find(
            (candidate) => candidate.attribute.toLowerCase() === Schema.kennung.toLowerCase(),
          );
          if (part !== undefined) found.add(parseBehoerdenkennung(part.value).value);
        }
        return { ok: true, value: [...found] };
      },
    );
    const records: OrganisationRecord[] = [];
    for (const kennung of kennungen) {
      const outcome = await this.#organisationOutcome(kennung, options);
      if (outcome.ok) records.push(outcome.value);
    }
    return records;
  }

  #notFound(kennung: string): DvdvError {
    return new DvdvError('DVDV_ORGANISATION_NOT_FOUND', `no organisation ${kennung} in the DVDV`, {
      details: { kennung },
    });
  }
}

/** A client for DVDV servers over LDAP (LDAPS or StartTLS), with failover and a cache. */
export function createDvdvClient(options: DvdvClientOptions): DvdvClient {
  return new DvdvClient(new LdapDirectory(options), options);
}

/**
 * The same API on LDIF data held in memory: for development, demos and tests without a server. Without
 * `ldif`, the demo directory shipped with the package.
 */
export function createEmbeddedDvdvClient(options: EmbeddedDvdvClientOptions = {}): DvdvClient {
  const ldif = options.ldif ?? readFileSync(DEMO_LDIF_PATH, 'utf8');
  return new DvdvClient(new MemoryDirectory(parseLdif(ldif)), options);
}
