import type { KeyObject, webcrypto } from 'node:crypto';
import { parseOsciEnvelope } from '../codec/parse.js';
import { serializeOsciMessage } from '../codec/serialize.js';
import type { XElement } from '../codec/xml.js';
import { OsciError } from '../errors.js';
import type { ParsedMultipart } from '../mime/multipart.js';
import { OSCI_NS } from '../model/namespaces.js';
import type {
  ContentContainer,
  ContentPackage,
  OsciMessage,
  ResponseToProcessDelivery,
} from '../model/types.js';
import type { CertificateInput } from '../security/certificates.js';
import { childElements, type Document, type Element, parseXmlStrict } from '../xml/parse.js';

/** A private key as the security core takes it. */
export type PrivateKeyInput = string | Uint8Array | KeyObject | webcrypto.CryptoKey;

/** Who signs: the private key and its certificate, followed by the intermediate CAs. */
export interface SignerCredentials {
  readonly key: PrivateKeyInput;
  readonly certificateChain: readonly CertificateInput[];
}

// Ids of the carrier's own blocks; chosen so that they do not collide with Ids of real content.
const CARRIER_IDS = [
  '__osci-carrier-controlblock',
  '__osci-carrier-response',
  '__osci-carrier-body',
] as const;

/**
 * Content containers and EncryptedData are signed and encrypted inside a minimal OSCI envelope, so that
 * they see the same namespace context as in a real message and go through the codec both ways.
 */
export function carrierDocument(contentPackage: ContentPackage): { document: Document; pkg: Element } {
  const carrier: ResponseToProcessDelivery = {
    type: 'responseToProcessDelivery',
    controlBlock: { id: CARRIER_IDS[0], response: 'carrier' },
    bodyId: CARRIER_IDS[2],
    responseToProcessDelivery: { id: CARRIER_IDS[1], feedback: [{ code: '0800', text: 'carrier' }] },
    contentPackage,
  };
  const document = parseXmlStrict(serializeOsciMessage(carrier, { xmlDeclaration: false }));
  const root = document.documentElement as Element;
  const body = childElements(root).find((element) => element.localName === 'Body') as Element;
  const pkg = childElements(body, OSCI_NS, 'ContentPackage')[0];
  if (pkg === undefined) throw new OsciError('MESSAGE_INVALID', 'carrier has no ContentPackage');
  const used = contentPackageIds(pkg);
  for (const id of CARRIER_IDS) {
    if (used.has(id)) {
      throw new OsciError('MESSAGE_INVALID', `Id "${id}" is reserved`, { details: { id } });
    }
  }
  return { document, pkg };
}

function contentPackageIds(pkg: Element): Set<string> {
  const ids = new Set<string>();
  const stack: Element[] = [pkg];
  for (let element = stack.pop(); element !== undefined; element = stack.pop()) {
    const id = element.getAttribute('Id');
    if (id !== null && id !== '') ids.add(id);
    stack.push(...childElements(element));
  }
  return ids;
}

/** Reads the carrier back through the strict codec and returns its content package. */
export function carrierPackage(document: Document): ContentPackage {
  const message = parseOsciEnvelope(document.documentElement as unknown as XElement) as OsciMessage;
  if (message.type !== 'responseToProcessDelivery' || message.contentPackage === undefined) {
    throw new OsciError('MESSAGE_INVALID', 'carrier lost its ContentPackage');
  }
  return message.contentPackage;
}

/** The only container of a carrier package. */
export function onlyContainer(pkg: ContentPackage): ContentContainer {
  const [container, ...rest] = pkg.contentContainers ?? [];
  if (container === undefined || rest.length > 0) {
    throw new OsciError('MESSAGE_INVALID', 'expected exactly one ContentContainer');
  }
  return container;
}

/**
 * Where the bytes of attachments come from: a parsed MIME package (its non-SOAP parts) or a map from
 * Content-ID (without `cid:`) to bytes. The bytes are used as views, never copied.
 */
export type AttachmentSource = ParsedMultipart | ReadonlyMap<string, Uint8Array>;

function isPackage(source: AttachmentSource): source is ParsedMultipart {
  return 'soapPart' in source;
}

/** Looks an attachment up by `cid:` URI; the SOAP part of a package is not an attachment. */
export function attachmentResolver(
  source: AttachmentSource | undefined,
): (uri: string) => Uint8Array | undefined {
  return (uri) => {
    if (source === undefined || !uri.startsWith('cid:')) return undefined;
    const cid = uri.slice(4);
    if (isPackage(source)) return cid === source.soapPart.contentId ? undefined : source.get(cid)?.body;
    return source.get(cid);
  };
}

/** The `cid:` URIs of every attachment the source holds. */
export function sourceUris(source: AttachmentSource | undefined): string[] {
  if (source === undefined) return [];
  if (isPackage(source)) return source.attachments.map((part) => `cid:${part.contentId}`);
  return [...source.keys()].map((cid) => `cid:${cid}`);
}

/** Refuses with MIME_PART_MISSING unless every URI resolves. */
export function requireAttachments(
  uris: readonly string[],
  resolve: (uri: string) => Uint8Array | undefined,
): void {
  for (const uri of uris) {
    if (resolve(uri) === undefined) {
      throw new OsciError('MIME_PART_MISSING', `attachment ${uri} is missing`, {
        details: { contentId: uri.slice(4) },
      });
    }
  }
}

/** `cid:` URIs of the attachments a container element references, recursively into nested containers. */
export function containerAttachmentUris(container: Element): string[] {
  const out = new Set<string>();
  for (const content of childElements(container, OSCI_NS, 'Content')) {
    const href = content.getAttribute('href');
    if (href !== null && href !== '') out.add(href);
    for (const inner of childElements(content, OSCI_NS, 'ContentContainer')) {
      for (const uri of containerAttachmentUris(inner)) out.add(uri);
    }
  }
  return [...out];
}

/** The same for a container model. */
export function modelAttachmentUris(container: ContentContainer): string[] {
  const out = new Set<string>();
  for (const content of container.contents ?? []) {
    if (content.kind === 'attachment') out.add(content.href);
    else if (content.kind === 'container') {
      for (const uri of modelAttachmentUris(content.container)) out.add(uri);
    }
  }
  return [...out];
}
