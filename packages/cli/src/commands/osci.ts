import { X509Certificate } from 'node:crypto';
import type {
  ContentContainer,
  ContentPackage,
  findElements,
  OsciMessage,
  ParsedMultipart,
} from '@egovkit/osci-transport';
import { CliError, EXIT } from '../errors.js';
import { readInputFile, readPemFile } from '../input.js';
import { type CommandResult, errorDocument, indent, lines } from '../output.js';

type OsciTransport = typeof import('@egovkit/osci-transport');

// Loaded by osciInspect, so that the other commands do not pay for it at start-up.
let loaded: OsciTransport | undefined;
function lib(): OsciTransport {
  if (loaded === undefined) throw new CliError('UNEXPECTED', '@egovkit/osci-transport is not loaded');
  return loaded;
}

export interface OsciInspectOptions {
  /** PEM files with trust anchors; without any, signatures are reported as not checked. */
  readonly trust: readonly string[];
  /**
   * PEM file with a private key: opens a soapMessageEncrypted envelope (the intermediary's key) or, in any
   * other message, the end-to-end encrypted content containers (the reader's key).
   */
  readonly key?: string;
  /** Validation time of certificates (ISO 8601); default now. */
  readonly at?: string;
}

/**
 * - `valid`: the signature verified and its certificate chains to a given trust anchor;
 * - `invalid`: a check failed (`code`, `message` say which);
 * - `not-checked`: no trust anchors were given, so nothing was verified;
 * - `absent`: there is no signature of this kind.
 */
export type CheckStatus = 'valid' | 'invalid' | 'not-checked' | 'absent';

const NOT_CHECKED = 'not checked (no trust anchors)';

export interface CertificateDocument {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Validity, chain to the trust anchors and key usage at the validation time. */
  readonly status: Exclude<CheckStatus, 'absent'>;
  readonly code?: string;
  readonly message?: string;
}

export interface SignatureDocument {
  readonly status: CheckStatus;
  readonly code?: string;
  readonly message?: string;
  readonly signers: readonly CertificateDocument[];
}

interface Trust {
  readonly anchors: readonly string[];
  readonly at: Date | undefined;
}

function statusText(status: CheckStatus): string {
  return status === 'not-checked' ? NOT_CHECKED : status;
}

/** The signer (first) and further certificates of a ds:Signature, as the verifier takes them. */
function signatureCertificates(signature: XmlNode): Uint8Array[] {
  return lib()
    .findElements(signature, lib().DS_NS, 'X509Certificate')
    .map((element) => new Uint8Array(Buffer.from((element.textContent ?? '').replace(/\s+/g, ''), 'base64')));
}

async function describeCertificate(
  certificates: readonly Uint8Array[],
  trust: Trust,
): Promise<CertificateDocument | undefined> {
  const [der, ...intermediates] = certificates;
  if (der === undefined) return undefined;
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(der);
  } catch {
    return undefined;
  }
  const base = {
    subject: parsed.subject.split('\n').join(', '),
    issuer: parsed.issuer.split('\n').join(', '),
    serialNumber: parsed.serialNumber.toLowerCase(),
    notBefore: new Date(parsed.validFrom).toISOString(),
    notAfter: new Date(parsed.validTo).toISOString(),
  };
  if (trust.anchors.length === 0) return { ...base, status: 'not-checked', message: NOT_CHECKED };
  try {
    await lib().validateCertificate(der, {
      trustAnchors: trust.anchors,
      intermediates,
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      ...(trust.at === undefined ? {} : { at: trust.at }),
    });
    return { ...base, status: 'valid' };
  } catch (error) {
    const { code, message } = errorDocument(error);
    return { ...base, status: 'invalid', code, message };
  }
}

type XmlNode = Parameters<typeof findElements>[0];

/** The signer certificates of ds:Signature elements, given as XML text or as parsed nodes. */
async function signersOf(
  signatures: readonly (string | XmlNode)[],
  trust: Trust,
): Promise<CertificateDocument[]> {
  const out: CertificateDocument[] = [];
  for (const signature of signatures) {
    const node = typeof signature === 'string' ? lib().parseXmlStrict(signature) : signature;
    const certificate = await describeCertificate(signatureCertificates(node), trust);
    if (certificate !== undefined) out.push(certificate);
  }
  return out;
}

async function check(
  signers: readonly CertificateDocument[],
  trust: Trust,
  verify: () => Promise<unknown>,
): Promise<SignatureDocument> {
  if (trust.anchors.length === 0) return { status: 'not-checked', message: NOT_CHECKED, signers };
  try {
    await verify();
    return { status: 'valid', signers };
  } catch (error) {
    const { code, message } = errorDocument(error);
    return { status: 'invalid', code, message, signers };
  }
}

export interface ContentDocument {
  readonly kind: string;
  readonly id?: string;
  /** `cid:` reference of an attachment Content. */
  readonly href?: string;
  /** Root element names of an XML Content. */
  readonly elements?: readonly string[];
  /** Id of a container nested in the Content. */
  readonly container?: string;
}

export interface ContainerDocument {
  readonly id: string;
  readonly contents: readonly ContentDocument[];
  /** EncryptedData elements inside the container (e.g. encrypted attachments' keys). */
  readonly encryptedData: number;
  readonly authorSignature: SignatureDocument;
}

export interface EncryptedContainerDocument {
  readonly index: number;
  /** `decrypted`, `decryption-failed`, or `not-decrypted` (no --key). */
  readonly status: 'decrypted' | 'decryption-failed' | 'not-decrypted';
  readonly code?: string;
  readonly message?: string;
  readonly container?: ContainerDocument;
}

export interface AttachmentDocument {
  readonly contentId: string;
  readonly contentType?: string;
  readonly bytes?: number;
  /** Referenced by a Content of a plain container. */
  readonly referenced: boolean;
  /** Referenced but not in the package. */
  readonly missing?: boolean;
}

export interface MessageDocument {
  readonly type: string;
  readonly headerBlocks: readonly { readonly name: string; readonly id?: string }[];
  readonly orderSignature: SignatureDocument;
  readonly contentContainers: readonly ContainerDocument[];
  readonly encryptedContainers: readonly EncryptedContainerDocument[];
  readonly attachments: readonly AttachmentDocument[];
  /** For soapMessageEncrypted: the message inside, when --key opened it. */
  readonly inner?: MessageDocument;
  readonly innerStatus?: {
    readonly status: 'decryption-failed' | 'not-decrypted';
    readonly code?: string;
    readonly message?: string;
  };
}

function describeContents(container: ContentContainer): ContentDocument[] {
  return (container.contents ?? []).map((content): ContentDocument => {
    const id = content.id === undefined ? {} : { id: content.id };
    switch (content.kind) {
      case 'attachment':
        return { kind: 'attachment', ...id, href: content.href };
      case 'xml':
        return {
          kind: 'xml',
          ...id,
          elements: content.xml.map((xml) => /^\s*<([^\s/>]+)/.exec(xml)?.[1] ?? '?'),
        };
      case 'container':
        return { kind: 'container', ...id, container: content.container.id };
      default:
        return { kind: content.kind, ...id };
    }
  });
}

function isMime(data: Buffer): boolean {
  const start = data
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return !start.startsWith('<');
}

function headerBlocks(xml: string): { name: string; id?: string }[] {
  const root = lib().parseXmlStrict(xml).documentElement;
  if (root === null) return [];
  const header = lib().childElements(root, lib().SOAP_ENV_NS, 'Header')[0];
  if (header === undefined) return [];
  return lib()
    .childElements(header)
    .map((element) => {
      const id = element.getAttribute('Id');
      return { name: element.localName ?? element.nodeName, ...(id ? { id } : {}) };
    });
}

function orderSignatures(xml: string): XmlNode[] {
  const root = lib().parseXmlStrict(xml).documentElement;
  const header = root === null ? undefined : lib().childElements(root, lib().SOAP_ENV_NS, 'Header')[0];
  if (header === undefined) return [];
  return lib()
    .childElements(header)
    .filter((element) => element.localName === 'ClientSignature' || element.localName === 'SupplierSignature')
    .flatMap((block) => lib().childElements(block, lib().DS_NS, 'Signature'));
}

async function inspectMessage(
  message: OsciMessage,
  xml: string,
  input: string | Buffer,
  mime: ParsedMultipart | undefined,
  trust: Trust,
  key: string | undefined,
): Promise<MessageDocument> {
  const blocks = headerBlocks(xml);
  const pkg = (message as { contentPackage?: ContentPackage }).contentPackage;
  const referenced = new Set(lib().attachmentReferences(message));
  const attachments: AttachmentDocument[] = (mime?.attachments ?? []).map((part) => ({
    contentId: part.contentId,
    contentType: part.contentType,
    bytes: part.body.length,
    referenced: referenced.has(part.contentId),
  }));
  for (const cid of referenced) {
    if (!attachments.some((attachment) => attachment.contentId === cid)) {
      attachments.push({ contentId: cid, referenced: true, missing: true });
    }
  }

  // Order signature (ClientSignature / SupplierSignature) over header blocks, body and attachment parts.
  const orderXml = orderSignatures(xml);
  const orderSignature: SignatureDocument =
    orderXml.length === 0
      ? { status: 'absent', signers: [] }
      : await check(await signersOf(orderXml, trust), trust, () =>
          lib().verifyOrderSignature(input, {
            trustAnchors: trust.anchors,
            ...(trust.at === undefined ? {} : { at: trust.at }),
          }),
        );

  // Author signatures of the plain containers: one message-wide check (Ids unique across the envelope, against
  // signature wrapping). When it fails, each container is checked on its own to say which one is broken; if
  // none is, the failure is the message's (e.g. a duplicated container) and holds for every signed container.
  const plain = pkg?.contentContainers ?? [];
  const signed = plain.some((container) => (container.signatures ?? []).length > 0);
  const checked = trust.anchors.length > 0 && signed;
  const messageWide = checked
    ? await check([], trust, () =>
        lib().verifyMessageContent(input, {
          trustAnchors: trust.anchors,
          allowUnsigned: true,
          ...(trust.at === undefined ? {} : { at: trust.at }),
        }),
      )
    : undefined;
  const own: (SignatureDocument | undefined)[] = [];
  if (messageWide?.status === 'invalid') {
    for (const container of plain) {
      own.push(
        (container.signatures ?? []).length === 0
          ? undefined
          : await check([], trust, () =>
              lib().verifyContentContainer(container, {
                trustAnchors: trust.anchors,
                ...(mime === undefined ? {} : { attachments: mime }),
                ...(trust.at === undefined ? {} : { at: trust.at }),
              }),
            ),
      );
    }
  }
  const someOwnFailed = own.some((result) => result?.status === 'invalid');
  const contentContainers: ContainerDocument[] = [];
  for (const [index, container] of plain.entries()) {
    const signatures = container.signatures ?? [];
    const signers = await signersOf(signatures, trust);
    let authorSignature: SignatureDocument;
    if (signatures.length === 0) authorSignature = { status: 'absent', signers: [] };
    else if (messageWide === undefined)
      authorSignature = { status: 'not-checked', message: NOT_CHECKED, signers };
    else if (messageWide.status !== 'invalid') authorSignature = { ...messageWide, signers };
    else {
      const result = own[index];
      authorSignature =
        result?.status === 'invalid' || !someOwnFailed
          ? { ...(result?.status === 'invalid' ? result : messageWide), signers }
          : { status: 'valid', signers };
    }
    contentContainers.push({
      id: container.id,
      contents: describeContents(container),
      encryptedData: (container.encryptedData ?? []).length,
      authorSignature,
    });
  }

  // End-to-end encrypted containers: opened with --key, then their author signatures are checked.
  const encryptedContainers: EncryptedContainerDocument[] = [];
  for (const [index, encrypted] of (pkg?.encryptedData ?? []).entries()) {
    if (key === undefined) {
      encryptedContainers.push({ index, status: 'not-decrypted', message: 'pass --key to decrypt' });
      continue;
    }
    try {
      const opened = await lib().decryptContentContainerWithAttachments(encrypted, {
        privateKey: key,
        attachments: mime ?? new Map<string, Uint8Array>(),
      });
      const signatures = opened.container.signatures ?? [];
      const signers = await signersOf(signatures, trust);
      encryptedContainers.push({
        index,
        status: 'decrypted',
        container: {
          id: opened.container.id,
          contents: describeContents(opened.container),
          encryptedData: (opened.container.encryptedData ?? []).length,
          authorSignature:
            signatures.length === 0
              ? { status: 'absent', signers: [] }
              : await check(signers, trust, () =>
                  lib().verifyContentContainer(opened.container, {
                    trustAnchors: trust.anchors,
                    attachments: opened.attachments,
                    ...(trust.at === undefined ? {} : { at: trust.at }),
                  }),
                ),
        },
      });
    } catch (error) {
      const { code, message } = errorDocument(error);
      encryptedContainers.push({ index, status: 'decryption-failed', code, message });
    }
  }

  const document: MessageDocument = {
    type: message.type,
    headerBlocks: blocks,
    orderSignature,
    contentContainers,
    encryptedContainers,
    attachments,
  };
  if (message.type !== 'soapMessageEncrypted') return document;
  if (key === undefined) {
    return { ...document, innerStatus: { status: 'not-decrypted', message: 'pass --key to decrypt' } };
  }
  try {
    const inner = await lib().decryptFromClient(xml, { privateKey: key });
    return {
      ...document,
      // The key opened the envelope (the intermediary's key); content inside is end-to-end for its reader.
      inner: await inspectMessage(inner.message, inner.xml, inner.xml, undefined, trust, undefined),
    };
  } catch (error) {
    const { code, message: text } = errorDocument(error);
    return { ...document, innerStatus: { status: 'decryption-failed', code, message: text } };
  }
}

/** Whether anything that was checked failed. */
function failed(document: MessageDocument): boolean {
  const signatures = [
    document.orderSignature,
    ...document.contentContainers.map((container) => container.authorSignature),
    ...document.encryptedContainers.flatMap((entry) =>
      entry.container === undefined ? [] : [entry.container.authorSignature],
    ),
  ];
  return (
    signatures.some((signature) => signature.status === 'invalid') ||
    document.encryptedContainers.some((entry) => entry.status === 'decryption-failed') ||
    document.attachments.some((attachment) => attachment.missing === true) ||
    document.innerStatus?.status === 'decryption-failed' ||
    (document.inner !== undefined && failed(document.inner))
  );
}

function signatureText(label: string, signature: SignatureDocument): string {
  const head = `${label}: ${statusText(signature.status)}${
    signature.status === 'invalid' ? ` – ${signature.code}: ${signature.message}` : ''
  }`;
  const signers = signature.signers.map(
    (signer) =>
      `signer ${signer.subject}\n  issued by ${signer.issuer}, serial ${signer.serialNumber}\n  valid ${signer.notBefore} – ${signer.notAfter}\n  certificate: ${statusText(signer.status)}${signer.status === 'invalid' ? ` – ${signer.code}: ${signer.message}` : ''}`,
  );
  return [head, ...signers.map((text) => indent(text))].join('\n');
}

function containerText(container: ContainerDocument): string {
  const contents = container.contents.map(
    (content) =>
      `- ${content.kind}${content.id === undefined ? '' : ` ${content.id}`}${content.href === undefined ? '' : ` → ${content.href}`}${content.elements === undefined ? '' : ` <${content.elements.join('>, <')}>`}${content.container === undefined ? '' : ` container ${content.container}`}`,
  );
  return [
    `container ${container.id}`,
    indent(
      [
        ...contents,
        ...(container.encryptedData > 0 ? [`- ${container.encryptedData} EncryptedData`] : []),
        signatureText('author signature', container.authorSignature),
      ].join('\n'),
    ),
  ].join('\n');
}

function messageText(document: MessageDocument): string {
  const parts = [
    `message type: ${document.type}`,
    `header blocks: ${
      document.headerBlocks.length === 0
        ? 'none'
        : document.headerBlocks
            .map((block) => `${block.name}${block.id === undefined ? '' : ` (${block.id})`}`)
            .join(', ')
    }`,
    signatureText('order signature', document.orderSignature),
    `content containers: ${document.contentContainers.length}`,
    ...document.contentContainers.map((container) => indent(containerText(container))),
    `encrypted containers: ${document.encryptedContainers.length}`,
    ...document.encryptedContainers.map((entry) =>
      indent(
        entry.container === undefined
          ? `#${entry.index + 1}: ${entry.status}${entry.code === undefined ? '' : ` – ${entry.code}: ${entry.message}`}${entry.status === 'not-decrypted' ? ' (pass --key to decrypt)' : ''}`
          : `#${entry.index + 1}: decrypted\n${indent(containerText(entry.container))}`,
      ),
    ),
    `attachments: ${document.attachments.length}`,
    ...document.attachments.map((attachment) =>
      indent(
        `- ${attachment.contentId}${attachment.contentType === undefined ? '' : ` ${attachment.contentType}`}${attachment.bytes === undefined ? '' : `, ${attachment.bytes} bytes`}${attachment.referenced ? ', referenced by a Content' : ''}${attachment.missing === true ? ', MISSING from the package' : ''}`,
      ),
    ),
  ];
  if (document.innerStatus !== undefined) {
    parts.push(
      `encrypted for the intermediary: ${document.innerStatus.status}${document.innerStatus.code === undefined ? '' : ` – ${document.innerStatus.code}: ${document.innerStatus.message}`}${document.innerStatus.status === 'not-decrypted' ? ' (pass --key to decrypt)' : ''}`,
    );
  }
  if (document.inner !== undefined) parts.push('inner message:', indent(messageText(document.inner)));
  return parts.join('\n');
}

/** `egovkit osci inspect <message>`: structure, signatures and certificates of an OSCI message. */
export async function osciInspect(file: string, options: OsciInspectOptions): Promise<CommandResult> {
  let at: Date | undefined;
  if (options.at !== undefined) {
    at = new Date(options.at);
    if (Number.isNaN(at.getTime()))
      throw new CliError('USAGE', `--at must be an ISO 8601 time (got ${options.at})`);
  }
  loaded ??= await import('@egovkit/osci-transport');
  const anchors: string[] = [];
  for (const path of options.trust) anchors.push(await readPemFile(path, 'CERTIFICATE', 'trust anchor file'));
  const key =
    options.key === undefined
      ? undefined
      : await readPemFile(options.key, '(?:RSA |EC |ENCRYPTED )?PRIVATE KEY', 'key file');
  const data = await readInputFile(file, 'OSCI message');
  const mime = isMime(data) ? lib().parseMultipartRelated(data) : undefined;
  const xml = mime === undefined ? data.toString('utf8') : mime.soapPart.body.toString('utf8');
  const message = lib().parseOsciMessage(xml);
  const document = await inspectMessage(
    message,
    xml,
    mime === undefined ? xml : data,
    mime,
    { anchors, at },
    key,
  );
  const trustNote =
    anchors.length === 0
      ? 'no trust anchors given (--trust): signatures and certificates are not checked'
      : undefined;
  return {
    exitCode: failed(document) ? EXIT.FAILED : EXIT.OK,
    json: {
      file,
      format: mime === undefined ? 'xml' : 'mime',
      trustAnchors: anchors.length,
      ...(at === undefined ? {} : { at: at.toISOString() }),
      message: document,
    },
    text: lines(
      `${file} (${mime === undefined ? 'XML' : 'MIME multipart/related'})`,
      trustNote,
      messageText(document),
    ),
  };
}
