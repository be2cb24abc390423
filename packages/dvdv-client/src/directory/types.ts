import type { Filter } from '../ldap/filter.js';

export type SearchScope = 'base' | 'one' | 'sub';

/** One entry as a backend returns it; attribute names lower-cased, values as text or bytes. */
export interface DirectoryEntry {
  readonly dn: string;
  readonly attributes: ReadonlyMap<string, readonly (string | Buffer)[]>;
}

export interface SearchRequest {
  readonly base: string;
  readonly scope: SearchScope;
  readonly filter: Filter;
  /** Entries beyond this make the search fail with `DVDV_SIZE_LIMIT_EXCEEDED`; 0 for no client limit. */
  readonly sizeLimit?: number;
  /** Fetch the result in pages (RFC 2696) where the backend supports it. */
  readonly paged?: boolean;
}

export interface DirectoryCallOptions {
  readonly signal?: AbortSignal;
}

/** Health of one DVDV server as the LDAP backend sees it. */
export interface ServerHealth {
  readonly url: string;
  /** `unknown` until the first operation. `down` servers are skipped until `retryAt`, unless all are down. */
  readonly state: 'up' | 'down' | 'unknown';
  readonly consecutiveFailures: number;
  readonly lastSuccessAt: Date | undefined;
  readonly lastFailureAt: Date | undefined;
  readonly lastError: { readonly code: string; readonly message: string } | undefined;
  readonly retryAt: Date | undefined;
  readonly operations: number;
  readonly failures: number;
}

/** What the client needs from a directory: the LDAP servers, or the embedded LDIF data. */
export interface Directory {
  /** Entries matching the request; `null` when the base entry does not exist. */
  search(request: SearchRequest, options?: DirectoryCallOptions): Promise<DirectoryEntry[] | null>;
  health(): ServerHealth[];
  close(): Promise<void>;
}
