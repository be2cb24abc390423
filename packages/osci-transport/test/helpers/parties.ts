import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestPki, type TestPki } from '@egovkit/testkit';
import {
  createOsciClient,
  createRecipientHandler,
  type Intermediary,
  type IntermediaryOptions,
  type OsciClient,
  type OsciClientOptions,
  type RecipientHandlerOptions,
  sealContent,
  startIntermediary,
} from '../../src/index.js';

export type CertificateName = keyof TestPki['certificates'];

export interface Parties {
  readonly pki: TestPki;
  credentials(name: CertificateName): { key: string; certificateChain: string[] };
  decryption(name: CertificateName): { key: string; certificate: string };
  intermediaryOptions(dataDir: string, extra?: Partial<IntermediaryOptions>): IntermediaryOptions;
  /** The document producer as active recipient, trusting the test PKI and the intermediary's signature. */
  recipientOptions(extra: Partial<RecipientHandlerOptions>): RecipientHandlerOptions;
  clientOptions(
    url: string,
    who: 'author' | 'producer',
    extra?: Partial<OsciClientOptions>,
  ): OsciClientOptions;
  client(url: string, who: 'author' | 'producer', extra?: Partial<OsciClientOptions>): OsciClient;
  tempDir(prefix: string): string;
  cleanup(): void;
}

export async function parties(): Promise<Parties> {
  const pki = await getTestPki();
  const dirs: string[] = [];
  const cert = (name: CertificateName) => pki.certificates[name];
  const credentials = (name: CertificateName) => ({
    key: cert(name).privateKeyPem,
    certificateChain: [cert(name).chainPem],
  });
  const decryption = (name: CertificateName) => ({
    key: cert(name).privateKeyPem,
    certificate: cert(name).certificatePem,
  });
  const roles = {
    author: ['passportAuthoritySignature', 'passportAuthorityEncryption'],
    producer: ['documentProducerSignature', 'documentProducerEncryption'],
  } as const;
  const clientOptions = (
    url: string,
    who: 'author' | 'producer',
    extra: Partial<OsciClientOptions> = {},
  ): OsciClientOptions => ({
    url,
    intermediaryCertificates: {
      signature: cert('osciIntermediarySignature').certificatePem,
      encryption: cert('osciIntermediaryEncryption').certificatePem,
    },
    signer: credentials(roles[who][0]),
    decryption: decryption(roles[who][1]),
    trustAnchors: [pki.trustAnchorPem],
    ...extra,
  });
  return {
    pki,
    credentials,
    decryption,
    intermediaryOptions: (dataDir, extra = {}) => ({
      dataDir,
      signer: credentials('osciIntermediarySignature'),
      decryption: decryption('osciIntermediaryEncryption'),
      trustAnchors: [pki.trustAnchorPem],
      ...extra,
    }),
    recipientOptions: (extra) => ({
      signer: credentials('documentProducerSignature'),
      decryption: decryption('documentProducerEncryption'),
      trustAnchors: [pki.trustAnchorPem],
      intermediaryCertificate: cert('osciIntermediarySignature').certificatePem,
      ...extra,
    }),
    clientOptions,
    client: (url, who, extra) => createOsciClient(clientOptions(url, who, extra)),
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A sealed text delivery from the passport authority to the document producer. */
export async function textContent(
  p: Parties,
  text: string,
  attachments: { contentId: string; data: Uint8Array }[] = [],
) {
  return sealContent(
    {
      id: 'antrag',
      contents: [
        { kind: 'xml', xml: [`<x:Antrag xmlns:x="urn:egovkit:test">${text}</x:Antrag>`] },
        ...attachments.map((a) => ({ kind: 'attachment' as const, href: `cid:${a.contentId}` })),
      ],
    },
    {
      author: p.credentials('passportAuthoritySignature'),
      readers: [p.pki.certificates.documentProducerEncryption.certificatePem],
      attachments,
    },
  );
}

/** An HTTP server on loopback running a recipient handler. */
export async function startRecipient(
  options: RecipientHandlerOptions,
): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const server = createServer(createRecipientHandler(options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/osci`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type { Intermediary };
export { startIntermediary };
