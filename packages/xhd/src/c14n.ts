// Canonical XML 1.0 (inclusive, http://www.w3.org/TR/2001/REC-xml-c14n-20010315) and Exclusive XML
// Canonicalization 1.0 (http://www.w3.org/2001/10/xml-exc-c14n#), both without comments, for the XhD content
// signature (TR-03132 § 4.2: enveloped signature over the whole document, Reference URI=""). Works on the DOM of
// @xmldom/xmldom; DOCTYPEs never get here (the strict parser refuses them), so there are no entity references or
// default attributes to expand. Not implemented: inheritance of xml:* attributes into a document subset.
import type { Element as XmlElement, Node as XmlNode } from '@xmldom/xmldom';

export type C14nMode = 'inclusive' | 'exclusive';

export const C14N_INCLUSIVE = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_EXCLUSIVE = 'http://www.w3.org/2001/10/xml-exc-c14n#';

const XMLNS = 'http://www.w3.org/2000/xmlns/';

export interface C14nOptions {
  readonly mode: C14nMode;
  /** An element left out with everything below it (the enveloped-signature transform). */
  readonly exclude?: XmlElement;
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** The namespace declarations (prefix → URI; '' = default) written on one element. */
function declarations(element: XmlElement): Map<string, string> {
  const result = new Map<string, string>();
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes.item(i);
    if (a === null || a.namespaceURI !== XMLNS) continue;
    result.set(a.prefix === 'xmlns' ? (a.localName ?? '') : '', a.value);
  }
  return result;
}

/** Every namespace in scope at `element` (declarations of the element and all its ancestors). */
function inScope(element: XmlElement): Map<string, string> {
  const chain: XmlElement[] = [];
  for (let n: XmlNode | null = element; n !== null && n.nodeType === 1; n = n.parentNode)
    chain.unshift(n as XmlElement);
  const result = new Map<string, string>();
  for (const e of chain) for (const [prefix, uri] of declarations(e)) result.set(prefix, uri);
  return result;
}

interface Attribute {
  readonly uri: string;
  readonly local: string;
  readonly text: string;
}

/**
 * Canonicalises an element (with the namespaces in scope from its ancestors, as a document subset whose apex it
 * is) or, given the document element of a whole document, the document. Returns the UTF-8 text.
 */
export function canonicalize(apex: XmlElement, options: C14nOptions): string {
  const out: string[] = [];
  const visit = (
    element: XmlElement,
    rendered: ReadonlyMap<string, string>,
    scope: ReadonlyMap<string, string>,
  ) => {
    if (element === options.exclude) return;
    const own = declarations(element);
    const nowInScope = new Map(scope);
    for (const [prefix, uri] of own) nowInScope.set(prefix, uri);
    const candidates: string[] = [];
    if (options.mode === 'inclusive') {
      candidates.push(...nowInScope.keys());
    } else {
      const used = new Set<string>([element.prefix ?? '']);
      const attributes = element.attributes;
      for (let i = 0; i < attributes.length; i++) {
        const a = attributes.item(i);
        if (
          a !== null &&
          a.namespaceURI !== XMLNS &&
          a.prefix !== null &&
          a.prefix !== '' &&
          a.prefix !== 'xml'
        ) {
          used.add(a.prefix);
        }
      }
      candidates.push(...used);
    }
    const nextRendered = new Map(rendered);
    const ns: [string, string][] = [];
    for (const prefix of candidates) {
      if (prefix === 'xml') continue;
      const uri = nowInScope.get(prefix) ?? '';
      const before = rendered.get(prefix);
      if (prefix === '') {
        // xmlns="" only to undo a default namespace an output ancestor rendered.
        if (uri === (before ?? '')) continue;
      } else if (uri === '' || before === uri) continue;
      ns.push([prefix, uri]);
      nextRendered.set(prefix, uri);
    }
    ns.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const attributes: Attribute[] = [];
    const list = element.attributes;
    for (let i = 0; i < list.length; i++) {
      const a = list.item(i);
      if (a === null || a.namespaceURI === XMLNS) continue;
      attributes.push({
        uri: a.namespaceURI ?? '',
        local: a.localName ?? a.name,
        text: `${a.name}="${escapeAttribute(a.value)}"`,
      });
    }
    attributes.sort((a, b) =>
      a.uri === b.uri ? (a.local < b.local ? -1 : a.local > b.local ? 1 : 0) : a.uri < b.uri ? -1 : 1,
    );
    const name = element.tagName;
    out.push(`<${name}`);
    for (const [prefix, uri] of ns)
      out.push(
        prefix === '' ? ` xmlns="${escapeAttribute(uri)}"` : ` xmlns:${prefix}="${escapeAttribute(uri)}"`,
      );
    for (const a of attributes) out.push(` ${a.text}`);
    out.push('>');
    for (let child = element.firstChild; child !== null; child = child.nextSibling) {
      if (child.nodeType === 1) visit(child as XmlElement, nextRendered, nowInScope);
      else if (child.nodeType === 3 || child.nodeType === 4) out.push(escapeText(child.nodeValue ?? ''));
      else if (child.nodeType === 7) {
        const pi = child as unknown as { target: string; data: string };
        out.push(`<?${pi.target}${pi.data === '' ? '' : ` ${pi.data}`}?>`);
      }
    }
    out.push(`</${name}>`);
  };
  const parent = apex.parentNode;
  const ancestors =
    parent !== null && parent.nodeType === 1 ? inScope(parent as XmlElement) : new Map<string, string>();
  // Inclusive: the apex of a subset renders every namespace in scope; exclusive: only those it uses.
  visit(apex, new Map(), ancestors);
  return out.join('');
}
