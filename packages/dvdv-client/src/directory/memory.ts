import { DvdvError } from '../errors.js';
import { normaliseDn, normaliseValue, parentDn } from '../ldap/dn.js';
import type { Filter } from '../ldap/filter.js';
import type { LdifEntry } from '../ldif/ldif.js';
import type {
  Directory,
  DirectoryCallOptions,
  DirectoryEntry,
  SearchRequest,
  ServerHealth,
} from './types.js';

function text(value: string | Buffer): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Evaluates a filter against an entry with the schema's matching rules (case-insensitive except URIs). */
export function matches(entry: DirectoryEntry, filter: Filter): boolean {
  switch (filter.type) {
    case 'and':
      return filter.filters.every((inner) => matches(entry, inner));
    case 'or':
      return filter.filters.some((inner) => matches(entry, inner));
    case 'present':
      return (entry.attributes.get(filter.attribute.toLowerCase())?.length ?? 0) > 0;
    case 'equals': {
      const wanted = normaliseValue(filter.attribute, filter.value);
      const values = entry.attributes.get(filter.attribute.toLowerCase()) ?? [];
      return values.some((value) => normaliseValue(filter.attribute, text(value)) === wanted);
    }
    case 'contains': {
      const wanted = normaliseValue(filter.attribute, filter.value);
      const values = entry.attributes.get(filter.attribute.toLowerCase()) ?? [];
      return values.some((value) => normaliseValue(filter.attribute, text(value)).includes(wanted));
    }
  }
}

/**
 * The embedded directory: LDIF entries held in memory and searched with the same filters the LDAP backend
 * sends, so that both backends answer the same calls the same way.
 */
export class MemoryDirectory implements Directory {
  readonly #entries = new Map<string, DirectoryEntry>();
  readonly #children = new Map<string, string[]>();
  #closed = false;

  constructor(entries: readonly LdifEntry[]) {
    for (const entry of entries) {
      let key: string;
      try {
        key = normaliseDn(entry.dn);
      } catch (error) {
        throw new DvdvError('DVDV_LDIF_INVALID', `invalid DN in LDIF: ${entry.dn}`, { cause: error });
      }
      if (this.#entries.has(key)) {
        throw new DvdvError('DVDV_LDIF_INVALID', `duplicate entry in LDIF: ${entry.dn}`, {
          details: { dn: entry.dn },
        });
      }
      this.#entries.set(key, entry);
      const parent = normaliseDn(parentDn(entry.dn));
      const siblings = this.#children.get(parent);
      if (siblings === undefined) this.#children.set(parent, [key]);
      else siblings.push(key);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  async search(request: SearchRequest, options: DirectoryCallOptions = {}): Promise<DirectoryEntry[] | null> {
    if (this.#closed) throw new DvdvError('DVDV_CLIENT_CLOSED', 'the embedded directory is closed');
    if (options.signal?.aborted) {
      throw new DvdvError('DVDV_ABORTED', 'the call was aborted', { cause: options.signal.reason });
    }
    const base = normaliseDn(request.base);
    const baseEntry = this.#entries.get(base);
    if (baseEntry === undefined) return null;
    const candidates: DirectoryEntry[] = [];
    if (request.scope === 'base') candidates.push(baseEntry);
    else this.#collect(base, request.scope === 'sub', candidates);
    if (request.scope === 'sub') candidates.unshift(baseEntry);
    const found = candidates.filter((entry) => matches(entry, request.filter));
    const limit = request.sizeLimit ?? 0;
    if (limit > 0 && found.length > limit) {
      throw new DvdvError('DVDV_SIZE_LIMIT_EXCEEDED', `more than ${limit} entries match`, {
        details: { sizeLimit: limit },
      });
    }
    return found;
  }

  #collect(key: string, deep: boolean, into: DirectoryEntry[]): void {
    for (const child of this.#children.get(key) ?? []) {
      const entry = this.#entries.get(child);
      if (entry !== undefined) into.push(entry);
      if (deep) this.#collect(child, true, into);
    }
  }

  health(): ServerHealth[] {
    return [];
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
