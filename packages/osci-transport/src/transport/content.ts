import { OsciError } from '../errors.js';
import type { SignerCredentials } from '../layers/carrier.js';
import {
  decryptContentContainerWithAttachments,
  encryptContentContainer,
  encryptContentContainerWithAttachments,
  signContentContainer,
  verifyContentContainer,
} from '../layers/content.js';
import type { ContentContainer, ContentPackage } from '../model/types.js';
import {
  type CertificateInfo,
  type CertificateInput,
  type TrustOptions,
  trustOptionsOf,
} from '../security/certificates.js';
import type { DecryptionCredentials, WireAttachment } from './wire.js';

/**
 * With `trustAnchors`, the readers' certificates are checked against them before encrypting (`intermediates`
 * e.g. when a directory lists only the readers' own certificates); the other trust settings need them.
 */
export interface SealContentOptions extends Partial<TrustOptions> {
  /** The author: signs the container and every attachment it references. */
  readonly author: SignerCredentials;
  /** Encryption certificates of every reader (the addressee first); never the intermediary's. */
  readonly readers: readonly CertificateInput[];
  /** Plaintext attachments the container references as `cid:<contentId>`. */
  readonly attachments?: readonly WireAttachment[];
}

/** Content ready to send: the ContentPackage and the (encrypted) attachment parts that go with it. */
export interface SealedContent {
  readonly contentPackage: ContentPackage;
  readonly attachments: readonly WireAttachment[];
}

/**
 * Prepares content data for a delivery with the security layers: signs the container as its author
 * (signContentContainer, attachments by `cid:`) and encrypts it end to end for the readers
 * (encryptContentContainer or, with attachments, encryptContentContainerWithAttachments). The intermediary
 * cannot read the result.
 */
export async function sealContent(
  container: ContentContainer,
  options: SealContentOptions,
): Promise<SealedContent> {
  const plain = new Map<string, Uint8Array>();
  for (const attachment of options.attachments ?? []) plain.set(attachment.contentId, attachment.data);
  const signed = await signContentContainer(container, { author: options.author, attachments: plain });
  const common = {
    recipients: options.readers,
    ...trustOptionsOf(options),
  };
  if (plain.size === 0) {
    return {
      contentPackage: { encryptedData: [await encryptContentContainer(signed, common)] },
      attachments: [],
    };
  }
  const encrypted = await encryptContentContainerWithAttachments(signed, { ...common, attachments: plain });
  const types = new Map((options.attachments ?? []).map((a) => [a.contentId, a.contentType]));
  return {
    contentPackage: { encryptedData: [encrypted.encryptedData] },
    attachments: encrypted.attachments.map((a) => {
      const contentType = types.get(a.contentId);
      return { contentId: a.contentId, data: a.data, ...(contentType === undefined ? {} : { contentType }) };
    }),
  };
}

/** Trust settings for the author certificates. */
export interface OpenContentOptions extends TrustOptions {
  /** The reader's key and encryption certificate. */
  readonly decryption: DecryptionCredentials;
  /** Accept plain (unencrypted) containers without an author signature. Default false. */
  readonly allowUnsigned?: boolean;
}

/** One opened content container: decrypted, its author signatures verified. */
export interface OpenedContent {
  readonly container: ContentContainer;
  /** Plaintext attachments by Content-ID. */
  readonly attachments: ReadonlyMap<string, Uint8Array>;
  /** Validated author certificates, one per signature. */
  readonly authors: readonly CertificateInfo[];
  /** Whether it arrived encrypted end to end. */
  readonly encrypted: boolean;
}

/**
 * Opens the content of a received delivery: decrypts every end-to-end encrypted container (and its
 * attachments) with the reader's key and verifies every author signature against the trust anchors.
 */
export async function openContent(
  contentPackage: ContentPackage | undefined,
  attachments: ReadonlyMap<string, Uint8Array>,
  options: OpenContentOptions,
): Promise<OpenedContent[]> {
  const out: OpenedContent[] = [];
  const verifyOptions = (map: ReadonlyMap<string, Uint8Array>) => ({
    ...trustOptionsOf(options),
    attachments: map,
  });
  for (const encrypted of contentPackage?.encryptedData ?? []) {
    const opened = await decryptContentContainerWithAttachments(encrypted, {
      privateKey: options.decryption.key,
      certificate: options.decryption.certificate,
      attachments,
    });
    const verified = await verifyContentContainer(opened.container, verifyOptions(opened.attachments));
    out.push({
      container: opened.container,
      attachments: opened.attachments,
      authors: verified.authors,
      encrypted: true,
    });
  }
  for (const container of contentPackage?.contentContainers ?? []) {
    if ((container.signatures ?? []).length === 0) {
      if (options.allowUnsigned !== true) {
        throw new OsciError('SIGNATURE_MISSING', `content container ${container.id} has no author signature`);
      }
      out.push({ container, attachments, authors: [], encrypted: false });
      continue;
    }
    const verified = await verifyContentContainer(container, verifyOptions(attachments));
    out.push({ container, attachments, authors: verified.authors, encrypted: false });
  }
  return out;
}
