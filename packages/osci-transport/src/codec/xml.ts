import { XMLSerializer } from '@xmldom/xmldom';
import { OsciError } from '../errors.js';
import { parseXmlStrict } from '../xml/parse.js';

// Minimal structural DOM types; @xmldom/xmldom's own types are used at runtime.
export interface XNode {
  readonly nodeType: number;
  readonly childNodes: { readonly length: number; item(i: number): XNode | null };
  readonly nodeValue: string | null;
}
export interface XElement extends XNode {
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly tagName: string;
  readonly attributes: { readonly length: number; item(i: number): XAttr | null };
  getAttributeNS(ns: string | null, name: string): string | null;
  hasAttributeNS(ns: string | null, name: string): boolean;
}
export interface XAttr {
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly name: string;
  readonly value: string;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

/** Limits of the strict XML parser. */
export interface StrictXmlOptions {
  /** Largest accepted document in UTF-8 bytes (default 64 MiB). */
  readonly maxBytes?: number;
  /** Deepest accepted element nesting (default 100). */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 100;

/** `parseXmlStrict` (no DTDs, UTF-8 only, every parser warning fatal, size limit) plus a nesting limit. */
export function parseXmlDocumentStrict(xml: string, options: StrictXmlOptions = {}): XElement {
  const document = parseXmlStrict(xml, { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
  const root = document.documentElement as unknown as XElement | null;
  if (!root) throw new OsciError('XML_INVALID', 'XML has no document element');
  checkDepth(root, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  return root;
}

function checkDepth(root: XNode, maxDepth: number): void {
  const stack: Array<[XNode, number]> = [[root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (depth > maxDepth) {
      throw new OsciError('XML_INVALID', 'XML nesting is too deep', { details: { maxDepth } });
    }
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) {
      const c = children.item(i);
      if (c && c.nodeType === ELEMENT_NODE) stack.push([c, depth + 1]);
    }
  }
}

/** Serialises an element (with the namespace declarations it needs) to text. */
export function outerXml(el: XElement): string {
  const xml = new XMLSerializer().serializeToString(el as never);
  // Cut out of a document that was parsed strictly: well-formed, with this root (see checkFragment).
  rememberFragment(xml, { namespaceURI: el.namespaceURI, localName: el.localName ?? '' });
  return xml;
}

/** Throws MESSAGE_INVALID with the element path in details. */
export function invalid(path: string, message: string, details: Record<string, unknown> = {}): never {
  throw new OsciError('MESSAGE_INVALID', `${message} at ${path}`, { details: { path, ...details } });
}

/** Element children of `el`; refuses non-whitespace text and processing instructions (element-only content). */
export function elementChildren(el: XElement, path: string): XElement[] {
  const out: XElement[] = [];
  const nodes = el.childNodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes.item(i);
    if (!n) continue;
    if (n.nodeType === ELEMENT_NODE) out.push(n as XElement);
    else if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) {
      if ((n.nodeValue ?? '').trim() !== '') invalid(path, 'Unexpected text in element-only content');
    } else if (n.nodeType === PROCESSING_INSTRUCTION_NODE) {
      invalid(path, 'Processing instructions are not allowed');
    } else if (n.nodeType !== COMMENT_NODE) {
      invalid(path, 'Unexpected node');
    }
  }
  return out;
}

/** Text content of a simple-content element; refuses child elements. */
export function textOf(el: XElement, path: string): string {
  let text = '';
  const nodes = el.childNodes;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes.item(i);
    if (!n) continue;
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) text += n.nodeValue ?? '';
    else if (n.nodeType === ELEMENT_NODE) invalid(path, 'Unexpected element in simple content');
    else if (n.nodeType === PROCESSING_INSTRUCTION_NODE)
      invalid(path, 'Processing instructions are not allowed');
  }
  return text;
}

/** Reads an ordered sequence of element children, like a schema `xsd:sequence`. */
export class ElementSequence {
  readonly #items: XElement[];
  #pos = 0;
  constructor(
    readonly parent: XElement,
    readonly path: string,
  ) {
    this.#items = elementChildren(parent, path);
  }

  /** The next element if it has this namespace and local name. */
  peekIs(ns: string, local: string): boolean {
    const el = this.#items[this.#pos];
    return el !== undefined && (el.namespaceURI ?? '') === ns && el.localName === local;
  }

  peek(): XElement | undefined {
    return this.#items[this.#pos];
  }

  optional(ns: string, local: string): XElement | undefined {
    if (!this.peekIs(ns, local)) return undefined;
    const el = this.#items[this.#pos];
    this.#pos++;
    return el;
  }

  required(ns: string, local: string): XElement {
    const el = this.optional(ns, local);
    if (!el) {
      const found = this.peek();
      invalid(`${this.path}/${local}`, `Missing required element ${local}`, {
        found: found ? found.localName : null,
      });
    }
    return el;
  }

  many(ns: string, local: string): XElement[] {
    const out: XElement[] = [];
    for (let el = this.optional(ns, local); el; el = this.optional(ns, local)) out.push(el);
    return out;
  }

  /** Takes every remaining element. */
  rest(): XElement[] {
    const out = this.#items.slice(this.#pos);
    this.#pos = this.#items.length;
    return out;
  }

  end(): void {
    const el = this.peek();
    if (el) invalid(`${this.path}/${el.localName ?? el.tagName}`, `Unexpected element ${el.tagName}`);
  }
}

// ------------------------------------------------------------------------------------------------
// Writing
// ------------------------------------------------------------------------------------------------

const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checkChars(value: string, path: string): void {
  if (INVALID_XML_CHARS.test(value)) invalid(path, 'Character not allowed in XML');
}

/** Escapes text content; CR is written as a character reference so that it survives parsing. */
export function escText(value: string, path: string): string {
  checkChars(value, path);
  return value.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
  );
}

/** Escapes an attribute value (double quoted); whitespace characters become references so they survive normalisation. */
export function escAttr(value: string, path: string): string {
  checkChars(value, path);
  return value.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case '\t':
        return '&#9;';
      case '\n':
        return '&#10;';
      default:
        return '&#13;';
    }
  });
}

/**
 * Checks that `xml` is one complete, self-contained element (optionally with the expected name),
 * so that inserting it verbatim cannot change the structure around it.
 */
export function checkFragment(xml: string, path: string, expected?: { ns: string; local: string }): string {
  if (!xml.startsWith('<') || xml.startsWith('<?') || xml.startsWith('<!')) {
    invalid(path, 'XML fragment must start with an element');
  }
  let root: FragmentRoot | undefined = checkedFragments.get(xml);
  if (root === undefined) {
    let parsed: XElement;
    try {
      parsed = parseXmlDocumentStrict(xml);
    } catch (cause) {
      throw new OsciError('MESSAGE_INVALID', `XML fragment is not a well-formed element at ${path}`, {
        details: { path },
        cause,
      });
    }
    root = { namespaceURI: parsed.namespaceURI, localName: parsed.localName ?? '' };
    rememberFragment(xml, root);
  }
  if (expected && (root.namespaceURI !== expected.ns || root.localName !== expected.local)) {
    invalid(path, `XML fragment must be a ${expected.local} element`, {
      found: root.localName,
      namespace: root.namespaceURI,
    });
  }
  return xml;
}

/**
 * Fragments (signatures, encrypted data, any XML) found well-formed before, with their root element: a
 * message is serialised several times on its way through the security layers (carrier, signing, sending),
 * and parsing the same fragment text again proves nothing new. Bounded in entries and in total size.
 */
interface FragmentRoot {
  readonly namespaceURI: string | null;
  readonly localName: string;
}
const checkedFragments = new Map<string, FragmentRoot>();
let checkedFragmentChars = 0;
const MAX_CHECKED_FRAGMENTS = 256;
const MAX_CHECKED_FRAGMENT_CHARS = 8 * 1024 * 1024;

function rememberFragment(xml: string, root: FragmentRoot): void {
  if (xml.length > MAX_CHECKED_FRAGMENT_CHARS / 4) return;
  while (
    checkedFragments.size > 0 &&
    (checkedFragments.size >= MAX_CHECKED_FRAGMENTS ||
      checkedFragmentChars + xml.length > MAX_CHECKED_FRAGMENT_CHARS)
  ) {
    const oldest = checkedFragments.keys().next().value as string;
    checkedFragments.delete(oldest);
    checkedFragmentChars -= oldest.length;
  }
  checkedFragments.set(xml, root);
  checkedFragmentChars += xml.length;
}
