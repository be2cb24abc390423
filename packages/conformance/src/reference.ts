import { readFileSync } from 'node:fs';
import type { ContentPackage, OsciMessage, ParsedMultipart } from '@egovkit/osci-transport';
import {
  type CaseOptions,
  defaultFixturesDir,
  fixturePath,
  loadManifest,
  type OsciCheck,
  type Suite,
  type Verdict,
} from './manifest.js';

/** What a reference check (or an implementation's JSON output) says about one case. */
export interface CheckOutcome {
  readonly verdict: Verdict;
  /** The first (main) reason of a rejection. */
  readonly code?: string;
  /** Every distinct reason of a rejection, sorted; empty when accepted. */
  readonly codes: readonly string[];
  /** Human-readable reason of a rejection. */
  readonly message?: string;
}

export interface ReferenceCheckInput {
  readonly suite: Suite;
  /** The case bytes as stored in the fixtures (or as received over HTTP). */
  readonly data: Uint8Array | string;
  /**
   * The Content-Type that came with the bytes, e.g. over HTTP. A `multipart/related` type with a body that
   * has no entity headers of its own makes the body an OSCI MIME package.
   */
  readonly contentType?: string;
  /** OSCI: check only this layer (as the negative corpus defines it) instead of the whole receiving side. */
  readonly check?: OsciCheck;
  readonly options?: CaseOptions;
  /** Fixtures whose trust anchor, keys and validation time are used (default: the package's own). */
  readonly fixturesDir?: string;
}

interface OsciMaterial {
  readonly trust: { readonly trustAnchors: readonly string[]; readonly at: Date };
  readonly producerKey: string;
  readonly intermediaryKey: string;
}

const materials = new Map<string, OsciMaterial>();

function osciMaterial(fixturesDir: string): OsciMaterial {
  let material = materials.get(fixturesDir);
  if (material === undefined) {
    const osci = loadManifest(fixturesDir).suites.osci;
    const read = (file: string) => readFileSync(fixturePath(fixturesDir, file), 'utf8');
    material = {
      trust: { trustAnchors: [read(osci.trustAnchor)], at: new Date(osci.validationTime) },
      producerKey: read(osci.decryptionKeys.producer),
      intermediaryKey: read(osci.decryptionKeys.intermediary),
    };
    materials.set(fixturesDir, material);
  }
  return material;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

/** True when the bytes start with MIME entity headers announcing multipart content. */
function hasMultipartEntityHeaders(data: Buffer): boolean {
  const end = data.indexOf(HEADER_END);
  if (end < 0 || end > 16 * 1024) return false;
  return /^content-type:[ \t]*multipart\//im.test(data.toString('latin1', 0, end));
}

/** The MIME package as one entity: HTTP delivers the entity headers apart from the body. */
function asEntity(data: Buffer, contentType: string | undefined): Buffer | undefined {
  if (hasMultipartEntityHeaders(data)) return data;
  if (contentType !== undefined && /^\s*multipart\//i.test(contentType)) {
    return Buffer.concat([Buffer.from(`MIME-Version: 1.0\r\nContent-Type: ${contentType}\r\n\r\n`), data]);
  }
  return undefined;
}

function rejected(error: unknown): CheckOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const main = typeof code === 'string' && code !== '' ? code : 'UNEXPECTED_ERROR';
  return { verdict: 'reject', code: main, codes: [main], message };
}

async function checkOsci(input: ReferenceCheckInput, fixturesDir: string): Promise<CheckOutcome> {
  const osci = await import('@egovkit/osci-transport');
  const { trust, producerKey, intermediaryKey } = osciMaterial(fixturesDir);
  const data = Buffer.from(input.data);
  const maxPartBytes = input.options?.maxPartBytes;
  const limits = maxPartBytes === undefined ? {} : { maxPartBytes };
  const entity = asEntity(data, input.contentType);

  const decryptAll = async (message: OsciMessage, mime: ParsedMultipart | undefined) => {
    const pkg = (message as { contentPackage?: ContentPackage }).contentPackage;
    if (pkg === undefined) return;
    for (const encrypted of pkg.encryptedData ?? []) {
      if (mime !== undefined) {
        const opened = await osci.decryptContentContainerWithAttachments(encrypted, {
          privateKey: producerKey,
          attachments: mime,
        });
        await osci.verifyContentContainer(opened.container, { ...trust, attachments: opened.attachments });
      } else {
        const container = await osci.decryptContentContainer(encrypted, { privateKey: producerKey });
        await osci.verifyContentContainer(container, trust);
      }
    }
  };

  try {
    const mime = entity === undefined ? undefined : osci.parseMultipartRelated(entity, limits);
    const xml = mime === undefined ? data.toString('utf8') : mime.soapPart.body.toString('utf8');
    // The MIME package as a whole where one came, else the envelope.
    const whole = entity ?? xml;
    switch (input.check) {
      case 'parse':
        osci.parseOsciMessage(xml);
        break;
      case 'order':
        await osci.verifyOrderSignature(whole, { ...trust, ...limits });
        break;
      case 'content':
        await osci.verifyMessageContent(whole, trust);
        break;
      case 'decrypt':
        await decryptAll(osci.parseOsciMessage(xml), mime);
        break;
      case 'decrypt-order': {
        const opened = await osci.decryptFromClientMime(entity ?? data, {
          privateKey: intermediaryKey,
          ...limits,
        });
        await osci.verifyOrderSignature(opened.mime, { ...trust, ...limits });
        break;
      }
      case undefined: {
        // The whole receiving side: structure, transport decryption, order signature, authors, contents.
        let message: OsciMessage = osci.parseOsciMessage(xml);
        if (message.type === 'soapFault') break;
        let signed: string | Buffer = whole;
        let parts = mime;
        if (message.type === 'soapMessageEncrypted' && entity !== undefined) {
          // The MIME form: the encrypted order is a part of its own (cid:), the plaintext a MIME package.
          const opened = await osci.decryptFromClientMime(entity, { privateKey: intermediaryKey, ...limits });
          message = opened.message;
          signed = opened.mime;
          parts = opened.parts;
          await osci.verifyOrderSignature(signed, { ...trust, ...limits });
        } else if (message.type === 'soapMessageEncrypted') {
          const inner = await osci.decryptFromClient(xml, { privateKey: intermediaryKey });
          message = inner.message;
          signed = inner.xml;
          parts = undefined;
          await osci.verifyClientSignature(signed, trust);
        } else {
          await osci.verifyOrderSignature(signed, { ...trust, ...limits });
        }
        if ((message as { contentPackage?: ContentPackage }).contentPackage !== undefined) {
          await osci.verifyMessageContent(signed, trust);
          await decryptAll(message, parts);
        }
        break;
      }
    }
    return { verdict: 'accept', codes: [] };
  } catch (error) {
    return rejected(error);
  }
}

async function checkXhd(input: ReferenceCheckInput): Promise<CheckOutcome> {
  const { validateXhd } = await import('@egovkit/xhd');
  const text = typeof input.data === 'string' ? input.data : Buffer.from(input.data).toString('utf8');
  try {
    const result = await validateXhd(text);
    if (result.valid) return { verdict: 'accept', codes: [] };
    const first = result.issues[0];
    const codes = [...new Set(result.issues.map((issue) => issue.code))].sort();
    return {
      verdict: 'reject',
      codes,
      ...(first === undefined ? {} : { code: first.code, message: `${first.path}: ${first.message.en}` }),
    };
  } catch (error) {
    return rejected(error);
  }
}

async function checkDvdv(input: ReferenceCheckInput): Promise<CheckOutcome> {
  const dvdv = await import('@egovkit/dvdv-client');
  const text = typeof input.data === 'string' ? input.data : Buffer.from(input.data).toString('utf8');
  try {
    const client = new dvdv.DvdvClient(new dvdv.MemoryDirectory(dvdv.parseLdif(text)), { cache: false });
    const organisations = await client.searchOrganisations({ limit: 1000 });
    if (organisations.length === 0) {
      throw new dvdv.DvdvError('DVDV_ORGANISATION_NOT_FOUND', 'the directory holds no organisation');
    }
    for (const organisation of organisations) {
      for (const service of await client.listServices(organisation.kennung)) {
        // The demo directory lists expired certificates on purpose: resolving is checked, not validity.
        await client.lookupService(organisation.kennung, service.uri, { requireValidCertificates: false });
      }
    }
    return { verdict: 'accept', codes: [] };
  } catch (error) {
    return rejected(error);
  }
}

/**
 * Checks one case with egovkit's own packages: XhD validation (`@egovkit/xhd`); OSCI parsing, order and
 * content signature verification and decryption (`@egovkit/osci-transport`) with the trust anchor, keys and
 * validation time of the fixtures; DVDV loading and lookups (`@egovkit/dvdv-client`). Never throws for bad
 * input: a defect gives `verdict: 'reject'` with the package's error or issue code.
 */
export async function referenceCheck(input: ReferenceCheckInput): Promise<CheckOutcome> {
  const fixturesDir = input.fixturesDir ?? defaultFixturesDir();
  switch (input.suite) {
    case 'osci':
      return checkOsci(input, fixturesDir);
    case 'xhd':
      return checkXhd(input);
    case 'dvdv':
      return checkDvdv(input);
  }
}
