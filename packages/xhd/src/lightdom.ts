/**
 * A light, read-only tree for `validateXhd`'s fast path – so that libxml2 parses the document once for the XSD
 * and the strict model reader does not have to run xmldom's (much slower) parser over the same text again.
 *
 * `scanWellFormed` is **not** a well-formedness checker. It is only called on text that libxml2 has already
 * parsed without an error (which includes namespace well-formedness), and it reproduces what xmldom – the parser
 * of every other path – would build from that text, as far as the model reader looks at it: elements (qualified
 * name, prefix, local name, namespace, line number, attributes) and text/CDATA content with xmldom's entity,
 * attribute and line-end handling (including its XML 1.1 line ends U+0085, U+2028, U+2029). Comments and
 * processing instructions are left out: the reader skips them and `textContent` does not include them.
 *
 * Whatever it does not expect it does not guess at: it returns `undefined` and the caller takes xmldom's path.
 * That covers non-ASCII or odd names, any other XML version than 1.0, undeclared or unbound prefixes, and every
 * element outside the root's namespace (such as the signature or encrypted data in `xhd:any`, which the parser
 * hands back serialised by xmldom).
 */

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** A text or CDATA node (`nodeType` 3 or 4) of the light tree. */
export class LightText {
  readonly nodeName: string;
  readonly localName = null;
  readonly namespaceURI = null;
  readonly prefix = null;
  readonly firstChild = null;
  nextSibling: LightNode | null = null;

  constructor(
    readonly nodeType: 3 | 4,
    readonly nodeValue: string,
  ) {
    this.nodeName = nodeType === 3 ? '#text' : '#cdata-section';
  }

  get textContent(): string {
    return this.nodeValue;
  }
}

interface LightAttribute {
  readonly namespaceURI: string | null;
  readonly localName: string;
  readonly value: string;
}

/** An element (`nodeType` 1) of the light tree, with the members of xmldom's `Element` the reader uses. */
export class LightElement {
  readonly nodeType = 1;
  readonly nodeValue = null;
  firstChild: LightNode | null = null;
  nextSibling: LightNode | null = null;
  /** @internal last child, while the tree is built */
  last: LightNode | null = null;

  constructor(
    readonly nodeName: string,
    readonly prefix: string | null,
    readonly localName: string,
    readonly namespaceURI: string,
    readonly lineNumber: number,
    readonly attributes: readonly LightAttribute[],
  ) {}

  get textContent(): string {
    let text = '';
    for (let node = this.firstChild; node !== null; node = node.nextSibling) text += node.textContent;
    return text;
  }

  getAttributeNS(namespace: string | null, localName: string): string | null {
    for (const attribute of this.attributes) {
      if (attribute.namespaceURI === namespace && attribute.localName === localName) return attribute.value;
    }
    return null;
  }

  append(node: LightNode): void {
    if (this.last === null) this.firstChild = node;
    else this.last.nextSibling = node;
    this.last = node;
  }
}

export type LightNode = LightElement | LightText;

/** Result of `scanWellFormed`: the root, or that the document has more elements than allowed. */
export type LightScan = { readonly root: LightElement } | { readonly tooManyElements: true };

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*(?::[A-Za-z_][A-Za-z0-9._-]*)?$/;
const WHITESPACE_ONLY = /^[ \t\n]*$/;
const XML_DECLARATION = /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1[^<>]*\?>/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** xmldom's `normalizeLineEndings` (XML 1.1 line ends included), applied before it parses. */
function normalizeLineEndings(text: string): string {
  return text.replace(/\r[\n\u0085]/g, '\n').replace(/[\r\u0085\u2028\u2029]/g, '\n');
}

/** Resolves the five predefined entities and character references; undefined on anything else. */
function decode(text: string): string | undefined {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) return undefined;
    const name = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (Object.hasOwn(PREDEFINED, name)) value = PREDEFINED[name];
    else if (/^#[0-9]{1,7}$/.test(name)) value = codePoint(Number.parseInt(name.slice(1), 10));
    else if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) value = codePoint(Number.parseInt(name.slice(2), 16));
    if (value === undefined) return undefined;
    out += text.slice(from, amp) + value;
    from = semi + 1;
    amp = text.indexOf('&', from);
  }
  return out + text.slice(from);
}

function codePoint(code: number): string | undefined {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a;
}

interface Open {
  readonly element: LightElement;
  /** Prefixes this element declares ('' for the default namespace), unbound again when it closes. */
  readonly declared: readonly string[];
}

/**
 * Builds the light tree of `source`, a document libxml2 has parsed without error. Returns `undefined` for
 * anything outside the subset described above (the caller then parses with xmldom).
 */
export function scanWellFormed(source: string, maxElements: number): LightScan | undefined {
  const xml =
    source.includes('\r') ||
    source.includes('\u0085') ||
    source.includes('\u2028') ||
    source.includes('\u2029')
      ? normalizeLineEndings(source)
      : source;
  const length = xml.length;
  let position = 0;
  if (xml.startsWith('<?xml')) {
    const declaration = XML_DECLARATION.exec(xml);
    if (declaration === null) return undefined;
    position = declaration[0].length;
  }
  // Line numbers as xmldom counts them (after the line-end normalisation above): each `\n` is found once.
  let line = 1;
  let nextNewline = xml.indexOf('\n');
  const lineAt = (index: number): number => {
    while (nextNewline >= 0 && nextNewline < index) {
      line++;
      nextNewline = xml.indexOf('\n', nextNewline + 1);
    }
    return line;
  };
  const stack: Open[] = [];
  // In-scope namespaces: one stack of URIs per prefix, so that lookups and scopes stay O(1) however deep the
  // nesting and however many declarations there are (no copy of the whole map per element).
  const bindings = new Map<string, string[]>();
  const bound = (prefix: string): string | undefined => bindings.get(prefix)?.at(-1);
  const unbind = (declared: readonly string[]): void => {
    for (const prefix of declared) bindings.get(prefix)?.pop();
  };
  let root: LightElement | undefined;
  let rootNamespace: string | undefined;
  let elements = 0;

  while (position < length) {
    const open = xml.indexOf('<', position);
    const textEnd = open < 0 ? length : open;
    const top = stack[stack.length - 1];
    if (textEnd > position) {
      const raw = xml.slice(position, textEnd);
      if (top === undefined) {
        if (!WHITESPACE_ONLY.test(raw)) return undefined;
      } else {
        const text = decode(raw);
        if (text === undefined || text.includes(']]>')) return undefined;
        top.element.append(new LightText(3, text));
      }
    }
    if (open < 0) break;
    const next = xml.charCodeAt(open + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', open)) {
        const end = xml.indexOf('-->', open + 4);
        if (end < 0) return undefined;
        position = end + 3;
      } else if (xml.startsWith('<![CDATA[', open) && top !== undefined) {
        const end = xml.indexOf(']]>', open + 9);
        if (end < 0) return undefined;
        top.element.append(new LightText(4, xml.slice(open + 9, end)));
        position = end + 3;
      } else return undefined;
      continue;
    }
    if (next === 0x3f /* ? */) {
      const end = xml.indexOf('?>', open + 2);
      if (end < 0) return undefined;
      const target = /^[A-Za-z_][A-Za-z0-9._-]*/.exec(xml.slice(open + 2, Math.min(end, open + 66)))?.[0];
      if (target === undefined || target.toLowerCase() === 'xml') return undefined;
      position = end + 2;
      continue;
    }
    if (next === 0x2f /* / */) {
      const end = xml.indexOf('>', open + 2);
      if (end < 0 || top === undefined) return undefined;
      if (xml.slice(open + 2, end).trimEnd() !== top.element.nodeName) return undefined;
      stack.pop();
      unbind(top.declared);
      position = end + 1;
      continue;
    }
    // Start tag: the name, then attributes up to `>` or `/>`.
    let p = open + 1;
    while (p < length) {
      const c = xml.charCodeAt(p);
      if (isSpace(c) || c === 0x3e /* > */ || c === 0x2f /* / */) break;
      p++;
    }
    const qName = xml.slice(open + 1, p);
    if (!NAME.test(qName)) return undefined;
    const raw: { name: string; value: string }[] = [];
    const names = new Set<string>();
    let selfClosing = false;
    for (;;) {
      while (p < length && isSpace(xml.charCodeAt(p))) p++;
      const c = xml.charCodeAt(p);
      if (c === 0x3e) {
        p++;
        break;
      }
      if (c === 0x2f) {
        if (xml.charCodeAt(p + 1) !== 0x3e) return undefined;
        selfClosing = true;
        p += 2;
        break;
      }
      const nameStart = p;
      while (p < length) {
        const d = xml.charCodeAt(p);
        if (isSpace(d) || d === 0x3d /* = */ || d === 0x3e || d === 0x2f) break;
        p++;
      }
      const name = xml.slice(nameStart, p);
      if (!NAME.test(name) || names.has(name)) return undefined;
      names.add(name);
      while (p < length && isSpace(xml.charCodeAt(p))) p++;
      if (xml.charCodeAt(p) !== 0x3d) return undefined;
      p++;
      while (p < length && isSpace(xml.charCodeAt(p))) p++;
      const quote = xml[p];
      if (quote !== '"' && quote !== "'") return undefined;
      const valueEnd = xml.indexOf(quote, p + 1);
      if (valueEnd < 0) return undefined;
      const rawValue = xml.slice(p + 1, valueEnd);
      if (rawValue.includes('<')) return undefined;
      // xmldom: whitespace characters become spaces first, then references are resolved.
      const value = decode(rawValue.replace(/[\t\n\r]/g, ' '));
      if (value === undefined) return undefined;
      raw.push({ name, value });
      p = valueEnd + 1;
      const after = xml.charCodeAt(p);
      if (!isSpace(after) && after !== 0x3e && after !== 0x2f) return undefined;
    }

    const declared: string[] = [];
    for (const { name, value } of raw) {
      if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
      if (value === '') return undefined;
      const prefix = name === 'xmlns' ? '' : name.slice(6);
      const uris = bindings.get(prefix);
      if (uris === undefined) bindings.set(prefix, [value]);
      else uris.push(value);
      declared.push(prefix);
    }
    const attributes: LightAttribute[] = [];
    for (const { name, value } of raw) {
      const colon = name.indexOf(':');
      const prefix = colon < 0 ? null : name.slice(0, colon);
      const localName = colon < 0 ? name : name.slice(colon + 1);
      let namespaceURI: string | null = null;
      if (name === 'xmlns' || prefix === 'xmlns') namespaceURI = XMLNS_NAMESPACE;
      else if (prefix === 'xml') namespaceURI = XML_NAMESPACE;
      else if (prefix !== null) {
        const uri = bound(prefix);
        if (uri === undefined) return undefined;
        namespaceURI = uri;
      }
      attributes.push({ namespaceURI, localName, value });
    }
    const colon = qName.indexOf(':');
    const prefix = colon < 0 ? null : qName.slice(0, colon);
    const localName = colon < 0 ? qName : qName.slice(colon + 1);
    const namespaceURI = bound(prefix ?? '');
    if (namespaceURI === undefined || (rootNamespace !== undefined && namespaceURI !== rootNamespace)) {
      return undefined;
    }
    elements++;
    if (elements > maxElements) return { tooManyElements: true };
    const element = new LightElement(qName, prefix, localName, namespaceURI, lineAt(open), attributes);
    if (top === undefined) {
      if (root !== undefined) return undefined;
      root = element;
      rootNamespace = namespaceURI;
    } else top.element.append(element);
    if (selfClosing) unbind(declared);
    else stack.push({ element, declared });
    position = p;
  }
  if (root === undefined || stack.length > 0) return undefined;
  return { root };
}
