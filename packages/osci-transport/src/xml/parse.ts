import { DOMParser, type Document, type Element, type Node, XMLSerializer } from '@xmldom/xmldom';
import { OsciError } from '../errors.js';

export type { Document, Element, Node } from '@xmldom/xmldom';

/** Default size limit of `parseXmlStrict`: OSCI messages carry large content as MIME attachments, not inline. */
export const DEFAULT_MAX_XML_BYTES = 10 * 1024 * 1024;

export interface ParseXmlOptions {
  /** Largest accepted input in bytes (UTF-8). Default 10 MiB. */
  readonly maxBytes?: number;
}

const NODE_ELEMENT = 1;

/** Namespace of `wsu:Id`, which some OSCI peers use instead of a plain `Id`. */
export const WSU_NAMESPACE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decode(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // Cheap upper bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
    if (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes) {
      throw new OsciError('XML_TOO_LARGE', `XML document exceeds ${maxBytes} bytes`, {
        details: { maxBytes },
      });
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (input.byteLength > maxBytes) {
    throw new OsciError('XML_TOO_LARGE', `XML document exceeds ${maxBytes} bytes`, {
      details: { maxBytes, size: input.byteLength },
    });
  }
  if ((input[0] === 0xfe && input[1] === 0xff) || (input[0] === 0xff && input[1] === 0xfe)) {
    throw new OsciError('XML_INVALID', 'XML document is UTF-16; only UTF-8 is accepted');
  }
  try {
    // TextDecoder strips a UTF-8 byte order mark.
    return decoder.decode(input);
  } catch (cause) {
    throw new OsciError('XML_INVALID', 'XML document is not valid UTF-8', { cause });
  }
}

const XML_DECLARATION = /^<\?xml\s[^?]*?encoding\s*=\s*(["'])([^"']*)\1/;

function checkDeclaredEncoding(text: string): void {
  const match = XML_DECLARATION.exec(text);
  const encoding = match?.[2];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new OsciError('XML_INVALID', `XML encoding ${encoding} is not accepted; only UTF-8 is`, {
      details: { encoding },
    });
  }
}

/**
 * Refuses any markup declaration (`<!DOCTYPE`, `<!ENTITY`, ...) before the parser sees it: internal subsets
 * enable entity expansion (billion laughs) and external ones XXE. Comments and CDATA sections are skipped,
 * and `<` cannot occur in attribute values or character data, so any other `<!` is a declaration.
 */
function refuseDeclarations(text: string): void {
  let index = text.indexOf('<!');
  while (index !== -1) {
    if (text.startsWith('<!--', index)) {
      const end = text.indexOf('-->', index + 4);
      if (end === -1) throw new OsciError('XML_INVALID', 'unterminated XML comment');
      index = text.indexOf('<!', end + 3);
    } else if (text.startsWith('<![CDATA[', index)) {
      const end = text.indexOf(']]>', index + 9);
      if (end === -1) throw new OsciError('XML_INVALID', 'unterminated CDATA section');
      index = text.indexOf('<!', end + 3);
    } else {
      throw new OsciError('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted', {
        details: { offset: index },
      });
    }
  }
}

/**
 * Parses UTF-8 XML into a namespace-aware DOM. Refuses DOCTYPE and entity declarations
 * (`XML_DOCTYPE_FORBIDDEN`), documents over `maxBytes` (`XML_TOO_LARGE`), other encodings and anything the
 * parser reports, even warnings (`XML_INVALID`).
 */
export function parseXmlStrict(text: string | Uint8Array, options: ParseXmlOptions = {}): Document {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const source = decode(text, maxBytes);
  checkDeclaredEncoding(source);
  refuseDeclarations(source);
  let document: Document;
  try {
    const parser = new DOMParser({
      onError: (level, message) => {
        // xmldom only logs warnings and errors by default; a message it cannot read exactly is refused.
        throw new Error(`${level}: ${message}`);
      },
    });
    document = parser.parseFromString(source, 'application/xml');
  } catch (cause) {
    throw new OsciError('XML_INVALID', 'XML document is not well-formed', { cause });
  }
  if (document.documentElement === null) {
    throw new OsciError('XML_INVALID', 'XML document has no root element');
  }
  if (document.doctype !== null) {
    throw new OsciError('XML_DOCTYPE_FORBIDDEN', 'DOCTYPE declarations are not accepted');
  }
  return document;
}

/** Serializes a document or element as XML text (no XML declaration). */
export function serializeXml(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === NODE_ELEMENT;
}

/** The element children of `parent`, optionally only those with the given namespace and local name. */
export function childElements(parent: Node, namespaceUri?: string | null, localName?: string): Element[] {
  const result: Element[] = [];
  for (let child = parent.firstChild; child !== null; child = child.nextSibling) {
    if (!isElement(child)) continue;
    if (namespaceUri !== undefined && child.namespaceURI !== namespaceUri) continue;
    if (localName !== undefined && child.localName !== localName) continue;
    result.push(child);
  }
  return result;
}

/** Every descendant element of `root` (document order) with this namespace and local name. */
export function findElements(root: Node, namespaceUri: string | null, localName: string): Element[] {
  const result: Element[] = [];
  walkElements(root, (element) => {
    if (element.namespaceURI === namespaceUri && element.localName === localName) result.push(element);
  });
  return result;
}

/** The first descendant element with this namespace and local name, or undefined. */
export function findElement(root: Node, namespaceUri: string | null, localName: string): Element | undefined {
  return findElements(root, namespaceUri, localName)[0];
}

/** Visits `root` (if an element) and every element below it in document order, without recursion. */
export function walkElements(root: Node, visit: (element: Element) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (isElement(node)) visit(node);
    const children: Node[] = [];
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (isElement(child)) children.push(child);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
  }
}

/** Values of the Id-typed attributes this package recognises on an element: `Id`, `ID`, `id`, `wsu:Id`. */
export function elementIds(element: Element): string[] {
  const ids: string[] = [];
  for (const name of ['Id', 'ID', 'id']) {
    const attribute = element.getAttributeNodeNS(null, name);
    if (attribute !== null) ids.push(attribute.value);
  }
  const wsu = element.getAttributeNodeNS(WSU_NAMESPACE, 'Id');
  if (wsu !== null) ids.push(wsu.value);
  return ids;
}

/** Every element of the document by Id value; an Id held by more than one element maps to all of them. */
export function indexIds(document: Document): Map<string, Element[]> {
  const index = new Map<string, Element[]>();
  const root = document.documentElement;
  if (root === null) return index;
  walkElements(root, (element) => {
    for (const id of elementIds(element)) {
      const list = index.get(id);
      if (list === undefined) index.set(id, [element]);
      else if (!list.includes(element)) list.push(element);
    }
  });
  return index;
}

/**
 * The single element carrying this Id. Throws `SIGNATURE_REFERENCE_INVALID` if none or several elements
 * carry it: a duplicate Id is the classic lever of signature wrapping.
 */
export function getElementByIdStrict(document: Document, id: string): Element {
  const matches = indexIds(document).get(id) ?? [];
  if (matches.length !== 1) {
    throw new OsciError(
      'SIGNATURE_REFERENCE_INVALID',
      matches.length === 0 ? `no element with Id "${id}"` : `Id "${id}" is not unique in the document`,
      { details: { id, count: matches.length } },
    );
  }
  return matches[0] as Element;
}
