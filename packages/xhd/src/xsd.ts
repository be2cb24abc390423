import { createHash } from 'node:crypto';
import { XhdError } from './errors.js';

/** One file of an XSD set, named as the other schemas refer to it in `schemaLocation`. */
export interface XhdSchemaFile {
  readonly fileName: string;
  readonly contents: string | Uint8Array;
}

/** An XSD set: the entry schema first, then every file it imports or includes, by the names it uses. */
export interface XhdSchemaSet {
  readonly main: XhdSchemaFile;
  readonly imports?: readonly XhdSchemaFile[];
}

/** One finding of libxml2's schema validator, on the validated document. */
export interface XsdFinding {
  readonly message: string;
  readonly line: number;
}

/** Counters of the compiled-schema cache (see `schemaCacheStats`). */
export interface SchemaCacheStats {
  /** Schema sets compiled since the process started (or since `clearSchemaCache`). */
  readonly compilations: number;
  /** Validations that reused an already compiled schema set. */
  readonly hits: number;
  /** Compiled schema sets currently held (each holds WASM memory until evicted or cleared). */
  readonly size: number;
}

/** How many compiled schema sets are kept; the least recently used one beyond this is disposed. */
export const SCHEMA_CACHE_LIMIT = 8;

type Libxml2 = typeof import('libxml2-wasm');
type Validator = InstanceType<Libxml2['XsdValidator']>;

/** Schemas are parsed under this virtual URL, so that imports resolve through our input provider only. */
const VIRTUAL_ROOT = 'egovkit-xhd:/schemas/';

let libxml2: Promise<Libxml2> | undefined;
/** Files of the set being compiled right now (compilation is synchronous, so there is at most one). */
let compiling: { files: Map<string, Uint8Array>; missing: string[] } | undefined;

const encoder = new TextEncoder();
const bytes = (contents: string | Uint8Array): Uint8Array =>
  typeof contents === 'string' ? encoder.encode(contents) : contents;

function resolveVirtual(url: string): Uint8Array | undefined {
  if (compiling === undefined) return undefined;
  const relative = url.slice(VIRTUAL_ROOT.length);
  const found = compiling.files.get(relative) ?? compiling.files.get(relative.split('/').pop() ?? relative);
  if (found === undefined) compiling.missing.push(relative);
  return found;
}

/**
 * libxml2-wasm is an ES module with top-level await (it instantiates the WASM binary), so it is loaded on
 * first use: importing this package has no side effects and works from CommonJS too.
 */
function loadLibxml2(): Promise<Libxml2> {
  libxml2 ??= import('libxml2-wasm').then((lib) => {
    const open = new Map<number, { data: Uint8Array; position: number }>();
    let nextFd = 1;
    // Matches only our virtual URLs: other users of libxml2-wasm in the process are not affected, and the
    // validator never reads the file system or the network.
    lib.xmlRegisterInputProvider({
      match: (fileName) => fileName.startsWith(VIRTUAL_ROOT),
      open: (fileName) => {
        const data = resolveVirtual(fileName);
        if (data === undefined) return undefined;
        const fd = nextFd++;
        open.set(fd, { data, position: 0 });
        return fd;
      },
      read: (fd, buffer) => {
        const file = open.get(fd);
        if (file === undefined) return -1;
        const count = Math.min(buffer.byteLength, file.data.byteLength - file.position);
        buffer.set(file.data.subarray(file.position, file.position + count));
        file.position += count;
        return count;
      },
      close: (fd) => open.delete(fd),
    });
    return lib;
  });
  return libxml2;
}

interface Entry {
  readonly key: string;
  readonly validator: Validator;
}

/** Compiled validators by content hash of the schema set, least recently used first. */
const byKey = new Map<string, Entry>();
/** Fast path for callers that pass the same set object again (such as the bundled default). */
let bySet = new WeakMap<XhdSchemaSet, Entry>();
let compilations = 0;
let hits = 0;

function cacheKey(schemas: XhdSchemaSet): string {
  const hash = createHash('sha256');
  for (const file of [schemas.main, ...(schemas.imports ?? [])]) {
    hash.update(`${file.fileName.length}:${file.fileName}`);
    const data = bytes(file.contents);
    hash.update(`${data.byteLength}:`);
    hash.update(data);
  }
  return hash.digest('hex');
}

function compile(lib: Libxml2, schemas: XhdSchemaSet): Validator {
  const files = new Map<string, Uint8Array>();
  for (const file of schemas.imports ?? []) files.set(file.fileName, bytes(file.contents));
  files.set(schemas.main.fileName, bytes(schemas.main.contents));
  compiling = { files, missing: [] };
  let document: InstanceType<Libxml2['XmlDocument']> | undefined;
  try {
    document = lib.XmlDocument.fromBuffer(bytes(schemas.main.contents), {
      url: `${VIRTUAL_ROOT}${schemas.main.fileName}`,
      option: lib.ParseOption.XML_PARSE_NONET | lib.ParseOption.XML_PARSE_NO_XXE,
    });
    const validator = lib.XsdValidator.fromDoc(document);
    const { missing } = compiling;
    if (missing.length > 0) {
      validator.dispose();
      throw new XhdError(
        'XHD_SCHEMA_INVALID',
        `The XSD set refers to files it does not contain: ${missing.join(', ')}.`,
        { details: { main: schemas.main.fileName, missing: [...missing] } },
      );
    }
    return validator;
  } catch (cause) {
    if (cause instanceof XhdError) throw cause;
    const errors =
      cause instanceof lib.XmlLibError
        ? cause.details.map((d) => ({
            file: (d.file ?? schemas.main.fileName).replace(VIRTUAL_ROOT, ''),
            line: d.line,
            message: d.message.trim().replaceAll(VIRTUAL_ROOT, ''),
          }))
        : [];
    const missing = compiling?.missing ?? [];
    throw new XhdError(
      'XHD_SCHEMA_INVALID',
      `The XSD set with entry ${schemas.main.fileName} could not be compiled${
        missing.length > 0 ? `; it refers to files it does not contain: ${missing.join(', ')}` : ''
      }.`,
      { cause, details: { main: schemas.main.fileName, errors, ...(missing.length > 0 ? { missing } : {}) } },
    );
  } finally {
    document?.dispose();
    compiling = undefined;
  }
}

function remember(entry: Entry): void {
  byKey.delete(entry.key);
  byKey.set(entry.key, entry);
  while (byKey.size > SCHEMA_CACHE_LIMIT) {
    const oldest = byKey.values().next().value;
    if (oldest === undefined) break;
    byKey.delete(oldest.key);
    oldest.validator.dispose();
  }
}

function validatorFor(lib: Libxml2, schemas: XhdSchemaSet): Validator {
  const known = bySet.get(schemas);
  if (known !== undefined && byKey.get(known.key) === known) {
    hits++;
    remember(known);
    return known.validator;
  }
  const key = cacheKey(schemas);
  let entry = byKey.get(key);
  if (entry === undefined) {
    entry = { key, validator: compile(lib, schemas) };
    compilations++;
  } else hits++;
  remember(entry);
  bySet.set(schemas, entry);
  return entry.validator;
}

const DOCUMENT_OPTIONS = (lib: Libxml2): number =>
  lib.ParseOption.XML_PARSE_NONET |
  lib.ParseOption.XML_PARSE_NO_XXE |
  lib.ParseOption.XML_PARSE_BIG_LINES |
  lib.ParseOption.XML_PARSE_HUGE;

function findingsOf(lib: Libxml2, validator: Validator, document: InstanceType<Libxml2['XmlDocument']>) {
  try {
    validator.validate(document);
    return [];
  } catch (cause) {
    if (!(cause instanceof lib.XmlValidateError)) throw cause;
    return cause.details
      .filter((d) => d.level >= 2)
      .map((d) => ({ message: `Schemas validity error : ${d.message.trim()}`, line: d.line }));
  }
}

/** A message libxml2 has parsed (well-formed, namespaces included), ready to be validated; dispose it. */
export interface ParsedForXsd {
  /** `runXsd`'s findings for this document (compiles the set on first use, like `runXsd`). */
  validate(schemas: XhdSchemaSet): XsdFinding[];
  dispose(): void;
}

/**
 * Parses `xml` with libxml2 for a later `validate`, so that one parse can serve both the XSD and (through
 * lightdom.ts) the model. The text is handed over as UTF-8 bytes encoded once by Node (the byte-for-byte same
 * encoding as libxml2-wasm's `fromString`, which copies character by character in JavaScript). Returns
 * `undefined` when libxml2 refuses the document or the string is not well-formed UTF-16 (a lone surrogate):
 * the caller then takes the general path, whose `runXsd` reports that exactly as before.
 */
export async function parseForXsd(xml: string): Promise<ParsedForXsd | undefined> {
  const lib = await loadLibxml2();
  if (!(xml as string & { isWellFormed(): boolean }).isWellFormed()) return undefined;
  let document: InstanceType<Libxml2['XmlDocument']>;
  try {
    document = lib.XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'), {
      url: 'message.xml',
      option: DOCUMENT_OPTIONS(lib),
    });
  } catch {
    return undefined;
  }
  return {
    validate: (schemas) => findingsOf(lib, validatorFor(lib, schemas), document),
    dispose: () => document.dispose(),
  };
}

/**
 * Validates `xml` against the schema set, compiling the set once and reusing the compiled validator on later
 * calls. Returns libxml2's errors on the document; throws `XhdError` `XHD_SCHEMA_INVALID` when the set itself
 * does not compile (or refers to files it does not contain).
 */
export async function runXsd(xml: string, schemas: XhdSchemaSet): Promise<XsdFinding[]> {
  const lib = await loadLibxml2();
  const validator = validatorFor(lib, schemas);
  let document: InstanceType<Libxml2['XmlDocument']>;
  try {
    document = lib.XmlDocument.fromString(xml, { url: 'message.xml', option: DOCUMENT_OPTIONS(lib) });
  } catch (cause) {
    // The DOM parser accepted the text before we got here, so this is a libxml2 limit, not the caller's XML.
    const detail =
      cause instanceof lib.XmlLibError ? (cause.details[0]?.message.trim() ?? '') : String(cause);
    return [{ message: `libxml2 could not parse the document: ${detail}`, line: 0 }];
  }
  try {
    return findingsOf(lib, validator, document);
  } finally {
    document.dispose();
  }
}

/** Counters of the compiled-schema cache: a second validation against the same set is a `hit`. */
export function schemaCacheStats(): SchemaCacheStats {
  return { compilations, hits, size: byKey.size };
}

/** Disposes every compiled schema set (freeing its WASM memory) and resets the counters. */
export function clearSchemaCache(): void {
  for (const entry of byKey.values()) entry.validator.dispose();
  byKey.clear();
  bySet = new WeakMap();
  compilations = 0;
  hits = 0;
}
