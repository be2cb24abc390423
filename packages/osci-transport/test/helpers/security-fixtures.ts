import { createHash, sign } from 'node:crypto';
import { getTestPki, type TestPki } from '@egovkit/testkit';
import { XmlCanonicalizer } from 'xmldsigjs';
import type { OsciError } from '../../src/errors.js';
import type { StoreDelivery, TimestampQuality } from '../../src/model/index.js';
import { DS_NAMESPACE } from '../../src/security/xmldsig.js';
import { type Document, type Element, findElement, parseXmlStrict } from '../../src/xml/parse.js';

export const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const OSCI = 'http://www.osci.de/2002/04/osci';

/** A small OSCI-like SOAP envelope with Id-carrying header and body. */
export function envelope(): { document: Document; header: Element; body: Element; order: Element } {
  const document = parseXmlStrict(
    `<soap:Envelope xmlns:soap="${SOAP}" xmlns:osci="${OSCI}"><soap:Header>` +
      '<osci:ControlBlock Id="controlblock" ConversationId="42"/>' +
      '<osci:ClientSignature Id="clientsignature"/></soap:Header>' +
      '<soap:Body Id="body"><osci:Order Id="order"><osci:Amount>100</osci:Amount></osci:Order></soap:Body>' +
      '</soap:Envelope>',
  );
  const header = findElement(document, OSCI, 'ControlBlock') as Element;
  const body = findElement(document, SOAP, 'Body') as Element;
  const order = findElement(document, OSCI, 'Order') as Element;
  return { document, header, body, order };
}

export function pki(): Promise<TestPki> {
  return getTestPki();
}

function canonical(node: Element): Buffer {
  const c14n = new XmlCanonicalizer(false, true);
  return Buffer.from(c14n.Canonicalize(node as unknown as Parameters<typeof c14n.Canonicalize>[0]), 'utf8');
}

/**
 * Test-only re-signing of an existing ds:Signature: sets SignatureMethod, optionally the KeyInfo certificate,
 * and computes a fresh, valid SignatureValue with node:crypto, to build legacy or foreign-key signatures
 * that the production API refuses to create.
 */
export function resign(
  signature: Element,
  options: {
    algorithmUri: string;
    hash: string;
    privateKeyPem: string;
    certificateDer?: Buffer;
    pss?: boolean;
  },
): void {
  const signedInfo = findElement(signature, DS_NAMESPACE, 'SignedInfo') as Element;
  (findElement(signedInfo, DS_NAMESPACE, 'SignatureMethod') as Element).setAttribute(
    'Algorithm',
    options.algorithmUri,
  );
  if (options.certificateDer !== undefined) {
    const certificate = findElement(signature, DS_NAMESPACE, 'X509Certificate') as Element;
    certificate.textContent = options.certificateDer.toString('base64');
  }
  const value = sign(options.hash, canonical(signedInfo), options.privateKeyPem);
  (findElement(signature, DS_NAMESPACE, 'SignatureValue') as Element).textContent = value.toString('base64');
}

/** Re-computes one reference's digest with another hash (e.g. SHA-1), before `resign`. */
export function redigest(signature: Element, target: Element, digestUri: string, hash: string): void {
  const reference = findElement(signature, DS_NAMESPACE, 'Reference') as Element;
  (findElement(reference, DS_NAMESPACE, 'DigestMethod') as Element).setAttribute('Algorithm', digestUri);
  (findElement(reference, DS_NAMESPACE, 'DigestValue') as Element).textContent = createHash(hash)
    .update(canonical(target))
    .digest('base64');
}

/** Runs `action` and returns the OsciError code it throws (fails the test if it does not throw). */
export async function codeOf(action: () => unknown): Promise<string> {
  try {
    await action();
  } catch (error) {
    return (error as OsciError).code;
  }
  throw new Error('expected an error');
}

/** The error itself, for detail assertions. */
export async function errorOf(action: () => unknown): Promise<OsciError> {
  try {
    await action();
  } catch (error) {
    return error as OsciError;
  }
  throw new Error('expected an error');
}

export type CertificateName = keyof TestPki['certificates'];

/**
 * The small PKI accessors the layer tests share. `current` is read lazily, so the helpers can be made at
 * module level and the PKI loaded in `beforeAll`.
 */
export function pkiHelpers(current: () => TestPki) {
  const cert = (name: CertificateName) => current().certificates[name];
  return {
    cert,
    /** The certificate as base64 DER, as the message model carries it. */
    b64: (name: CertificateName) => cert(name).certificateDer.toString('base64'),
    /** Signer credentials: private key and certificate chain. */
    credentials: (name: CertificateName) => ({
      key: cert(name).privateKeyPem,
      certificateChain: [cert(name).chainPem],
    }),
    /** Verification options trusting the test PKI's anchor. */
    trust: () => ({ trustAnchors: [current().trustAnchorPem] }),
  };
}

/**
 * {@link pkiHelpers} over the test PKI, loaded in the calling test file's `beforeAll` (passed in, so that
 * this module stays importable outside vitest: scripts/negative-corpus.ts uses it).
 */
export function loadedPkiHelpers(
  beforeAll: (load: () => Promise<void>) => void,
): ReturnType<typeof pkiHelpers> {
  let loaded: TestPki | undefined;
  beforeAll(async () => {
    loaded = await getTestPki();
  });
  return pkiHelpers(() => {
    if (loaded === undefined) throw new Error('the test PKI is only loaded in beforeAll');
    return loaded;
  });
}

/** A storeDelivery from the passport authority to the document producer carrying `contentPackage`. */
export function storeDeliveryWith(
  b64: (name: CertificateName) => string,
  contentPackage: StoreDelivery['contentPackage'],
  receptionQuality: TimestampQuality = 'plain',
): StoreDelivery {
  return {
    type: 'storeDelivery',
    controlBlock: { id: 'controlblock', sequenceNumber: 0, challenge: 'c1' },
    desiredLanguages: { id: 'desiredlanguages', languages: ['de'] },
    qualityOfTimestamp: {
      creation: { id: 'qot-creation', quality: 'plain' },
      reception: { id: 'qot-reception', quality: receptionQuality },
    },
    storeDelivery: { id: 'storedelivery', messageId: 'bWVzc2FnZS0x', subject: 'Passantrag' },
    nonIntermediaryCertificates: {
      id: 'nonintermediarycertificates',
      cipherCertificateAddressee: { certificateBase64: b64('documentProducerEncryption') },
      signatureCertificateOriginator: { certificateBase64: b64('passportAuthoritySignature') },
    },
    contentPackage,
    bodyId: 'body',
  };
}
