import { DOMParser, XMLSerializer, type Element as XmlElement } from '@xmldom/xmldom';
import { XHD_VERSIONS, xhdNamespace } from './codes.js';
import { XhdError } from './errors.js';

const XHD_NAMESPACES: readonly string[] = XHD_VERSIONS.map(xhdNamespace);

function invalid(path: string, reason: string, cause?: unknown): never {
  throw new XhdError('XHD_VALUE_INVALID', `${path} must be one well-formed element outside XhD: ${reason}.`, {
    details: { path, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Checks one child of `xhd:any` (a `ds:Signature`, an `xenc:EncryptedData`, … – TR-03132 § 4) and returns it in
 * the form the parser gives back: the element serialised on its own, with the namespace declarations it needs.
 * The schema allows only elements of another namespace there (`##other`), so no-namespace and XhD elements are
 * refused.
 */
export function anyElementXml(element: XmlElement, path: string): string {
  const ns = element.namespaceURI;
  if (ns === null || ns === '') invalid(path, 'the element has no namespace');
  if (XHD_NAMESPACES.includes(ns)) invalid(path, 'the element is in the XhD namespace');
  return new XMLSerializer().serializeToString(element);
}

/** `anyElementXml` for a string: exactly one element, nothing else but whitespace and comments around it. */
export function normalizeAnyElement(xml: string, path: string): string {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) invalid(path, 'DOCTYPE and entity declarations are not allowed');
  if (/^\s*<\?xml/.test(xml)) invalid(path, 'an XML declaration is not allowed');
  let document: ReturnType<DOMParser['parseFromString']>;
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (cause) {
    return invalid(path, 'not well-formed XML', cause);
  }
  const elements: XmlElement[] = [];
  for (let node = document.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1) elements.push(node as XmlElement);
    else if (node.nodeType !== 8 && (node.nodeValue ?? '').trim() !== '')
      invalid(path, 'text outside the element');
  }
  const [element] = elements;
  if (elements.length !== 1 || element === undefined) invalid(path, `${elements.length} elements`);
  return anyElementXml(element, path);
}
