/**
 * A read-only set of short strings packed into one string plus two typed arrays: about a quarter of the heap
 * of a `Set<string>` with the same words, and lookups that can probe a slice of a longer string without
 * allocating a substring (used by the containment check).
 */
export class PackedWordSet {
  readonly size: number;
  /** Length of the longest word. */
  readonly maxLength: number;
  readonly #text: string;
  readonly #starts: Uint32Array;
  readonly #table: Int32Array;
  readonly #mask: number;

  constructor(words: Iterable<string>) {
    const unique = [...new Set(words)].filter((word) => word.length > 0 && !word.includes('\n'));
    this.size = unique.length;
    this.#text = unique.join('\n');
    this.#starts = new Uint32Array(unique.length + 1);
    let offset = 0;
    let maxLength = 0;
    for (const [index, word] of unique.entries()) {
      this.#starts[index] = offset;
      offset += word.length + 1;
      maxLength = Math.max(maxLength, word.length);
    }
    this.#starts[unique.length] = offset;
    this.maxLength = maxLength;
    // Load factor ≤ 0.5 keeps linear probing short.
    let capacity = 1024;
    while (capacity < unique.length * 2) capacity *= 2;
    this.#mask = capacity - 1;
    this.#table = new Int32Array(capacity).fill(-1);
    for (const [index, word] of unique.entries()) {
      let slot = hashRange(word, 0, word.length) & this.#mask;
      while ((this.#table[slot] ?? -1) !== -1) slot = (slot + 1) & this.#mask;
      this.#table[slot] = index;
    }
  }

  has(word: string): boolean {
    return this.hasRange(word, 0, word.length);
  }

  /** Whether `source.slice(start, end)` is in the set, without creating the slice. */
  hasRange(source: string, start: number, end: number): boolean {
    return this.hasRangeWithHash(source, start, end, hashRange(source, start, end));
  }

  /** As `hasRange`, for a caller that has computed `hashRange(source, start, end)` incrementally. */
  hasRangeWithHash(source: string, start: number, end: number, hash: number): boolean {
    const length = end - start;
    if (length > this.maxLength) return false;
    let slot = hash & this.#mask;
    for (;;) {
      const index = this.#table[slot] ?? -1;
      if (index === -1) return false;
      const wordStart = this.#starts[index] ?? 0;
      const wordLength = (this.#starts[index + 1] ?? 0) - wordStart - 1;
      if (wordLength === length && this.#equals(source, start, wordStart, length)) return true;
      slot = (slot + 1) & this.#mask;
    }
  }

  #equals(source: string, start: number, wordStart: number, length: number): boolean {
    for (let i = 0; i < length; i++) {
      if (source.charCodeAt(start + i) !== this.#text.charCodeAt(wordStart + i)) return false;
    }
    return true;
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units, 32-bit. */
export function hashRange(source: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = extendHash(hash, source.charCodeAt(i));
  return hash >>> 0;
}

/** One FNV-1a step, so that a scan can hash growing prefixes without starting over. */
export function extendHash(hash: number, codeUnit: number): number {
  return Math.imul(hash ^ codeUnit, FNV_PRIME) >>> 0;
}

export const INITIAL_HASH = FNV_OFFSET;
