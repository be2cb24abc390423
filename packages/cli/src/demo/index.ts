import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createDvdvClient,
  createEmbeddedDvdvClient,
  DvdvCategory,
  type DvdvClient,
  type ServiceLookup,
} from '@egovkit/dvdv-client';
import {
  createOsciClient,
  type Intermediary,
  type OpenedContent,
  type OsciClient,
  sealContent,
  startIntermediary,
} from '@egovkit/osci-transport';
import type { TestPki } from '@egovkit/testkit/pki';
import { auftragsinformationFor, parseXhdMessage, validateXhd } from '@egovkit/xhd';
import { fromOsciContentContainer, toOsciContentContainer } from '@egovkit/xhd/osci';
import { exampleOrder } from '../example-order.js';
import {
  AUTHORITY_SERVICE,
  DEMO_BASE_DN,
  DEMO_PARTIES,
  demoDirectoryLdif,
  PRODUCER_SERVICE,
} from './directory.js';
import { demoPki } from './pki.js';
import { staffLogin } from './staff.js';
import { DemoStepFailed, DemoTrace } from './trace.js';

export interface DemoOptions {
  /**
   * An LDAP URL (`ldap://` with StartTLS or `ldaps://`) of a directory holding the demo's entries, as written
   * by `prepare`; the embedded LDIF directory otherwise. Needs `pkiDirectory` from the same `prepare`.
   */
  readonly ldap?: string;
  /** CA certificate file (PEM) of the LDAP server; default the demo PKI's trust anchor. */
  readonly ldapCa?: string;
  /** Base DN of the DVDV entries; default `dc=dvdv,dc=demo`. */
  readonly ldapBaseDn?: string;
  /** Directory of a PKI written by `prepareDemo`; default a fresh PKI in a temporary directory. */
  readonly pkiDirectory?: string;
  /** Print the trace as JSON instead of text. */
  readonly json?: boolean;
  /** Where the trace goes. */
  readonly output: NodeJS.WritableStream;
}

/** What `prepareDemo` writes beside the PKI, for a later run against a real LDAP server. */
interface PreparedDemo {
  readonly intermediaryPort: number;
  readonly ldif: string;
}

const PREPARED_FILE = 'egovkit-demo.json';

const fail = (code: string, message: string): never => {
  throw Object.assign(new Error(message), { code });
};

const credentials = (pki: TestPki, name: keyof TestPki['certificates']) => ({
  key: pki.certificates[name].privateKeyPem,
  certificateChain: [pki.certificates[name].chainPem],
});

const decryption = (pki: TestPki, name: keyof TestPki['certificates']) => ({
  key: pki.certificates[name].privateKeyPem,
  certificate: pki.certificates[name].certificatePem,
});

const timeOf = (stamp: { kind: string; time?: string } | undefined) =>
  stamp === undefined ? '—' : stamp.kind === 'plain' ? (stamp.time ?? '—') : 'cryptographic timestamp';

/**
 * Writes the demo's PKI and its DVDV entries (`dvdv.ldif`, for loading into an LDAP server) into `directory`,
 * with a fixed intermediary port, so that `runDemo({ ldap, pkiDirectory })` can run against that server.
 */
export async function prepareDemo(
  directory: string,
  intermediaryPort?: number,
): Promise<{ ldifFile: string; intermediaryPort: number }> {
  const target = resolve(directory);
  const port = intermediaryPort ?? (await freeLoopbackPort());
  mkdirSync(target, { recursive: true });
  const { pki } = await demoPki(target);
  const ldif = demoDirectoryLdif(pki, `https://127.0.0.1:${port}/`);
  const ldifFile = join(target, 'dvdv.ldif');
  writeFileSync(ldifFile, ldif);
  const prepared: PreparedDemo = { intermediaryPort: port, ldif: 'dvdv.ldif' };
  writeFileSync(join(target, PREPARED_FILE), `${JSON.stringify(prepared, null, 2)}\n`);
  return { ldifFile, intermediaryPort: port };
}

/** A port free on 127.0.0.1 right now, for the intermediary of a prepared run. */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function readPrepared(directory: string): PreparedDemo | undefined {
  try {
    return JSON.parse(readFileSync(join(directory, PREPARED_FILE), 'utf8')) as PreparedDemo;
  } catch {
    return undefined;
  }
}

/** Takes the one opened XHD_DATA container of a delivery, checks its author, and reads the XhD message in it. */
async function readXhd(opened: readonly OpenedContent[]) {
  const [content] = opened;
  if (opened.length !== 1 || content === undefined)
    fail('DEMO_CONTENT', `expected 1 content container, got ${opened.length}`);
  const author = content?.authors[0];
  if (content === undefined || author === undefined)
    return fail('DEMO_CONTENT', 'the content container has no author');
  if (!content.encrypted) fail('DEMO_CONTENT', 'the content arrived without end-to-end encryption');
  return { author, ...(await fromOsciContentContainer(content.container)) };
}

/** Runs the PassDEÜV flow end to end; resolves to true when every step passed. */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const trace = new DemoTrace(options.output, options.json === true);
  const workDirectory = mkdtempSync(join(tmpdir(), 'egovkit-demo-'));
  const closers: (() => Promise<unknown>)[] = [];
  let ok = false;
  try {
    trace.say('PassDEÜV end to end: passport authority → DVDV → OSCI intermediary → document producer\n');
    const now = new Date();
    const orderNumber = `B-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${process.pid}`;
    const prepared = options.pkiDirectory === undefined ? undefined : readPrepared(options.pkiDirectory);
    if (options.ldap !== undefined && prepared === undefined) {
      throw new DemoOptionsError(
        '--ldap needs --pki-dir with a directory written by `egovkit demo --prepare <dir>`',
      );
    }

    const pki = await trace.step(
      'setup',
      'Throwaway PKI for this run (root CA, issuing CA, role certificates)',
      async (fact) => {
        const { pki, generated } = await demoPki(options.pkiDirectory ?? join(workDirectory, 'pki'));
        fact(
          `${generated ? 'generated' : 'loaded'}: ${Object.keys(pki.certificates).length} certificates under ${pki.certificates.passportAuthoritySignature.issuer}`,
        );
        return pki;
      },
    );
    const trustAnchors = [pki.trustAnchorPem];
    // The DVDV lists the parties' own certificates; the issuing CA comes from the PKI's distribution point.
    const intermediates = [pki.certificates.subCa.certificatePem];

    await trace.step('Passbehörde', 'Staff login under the KBA password preset', async (fact) => {
      const login = await staffLogin({
        userId: 'sachbearbeiter1',
        name: 'Erika Beispiel',
        authority: 'Stadt Köln',
      });
      for (const { password, codes } of login.refused) fact(`refused "${password}": ${codes.join(', ')}`);
      fact(
        `random 16-character password set (scrypt hash in the history); login attempt ${login.attempt} passed the lockout`,
      );
    });

    const application = await trace.step(
      'Passbehörde',
      'XhD passport application built and validated',
      async (fact) => {
        const built = exampleOrder({
          now,
          bestellnummer: orderNumber,
          senderkennung: DEMO_PARTIES.authority.kennung,
          empfaengerkennung: DEMO_PARTIES.producer.kennung,
          verfahrenskennung: 'egovkit-demo 0.1',
        });
        const result = await validateXhd(built.xml);
        if (!result.valid)
          fail('XHD_INVALID', result.issues.map((issue) => `${issue.code} ${issue.path}`).join('; '));
        fact(
          `BestellungDokument ${orderNumber}, profile ${result.profile}, ${Buffer.byteLength(built.xml)} bytes, photo and 2 fingerprints`,
        );
        return built;
      },
    );

    const intermediary: Intermediary = await trace.step(
      'Intermediär',
      'Local OSCI intermediary started',
      async (fact) => {
        const started = await startIntermediary({
          dataDir: join(workDirectory, 'intermediary'),
          signer: credentials(pki, 'osciIntermediarySignature'),
          decryption: decryption(pki, 'osciIntermediaryEncryption'),
          trustAnchors,
          port: prepared?.intermediaryPort ?? 0,
          // HTTPS: the DVDV lists only https endpoints.
          tls: {
            key: pki.certificates.osciIntermediaryTls.privateKeyPem,
            certificateChain: pki.certificates.osciIntermediaryTls.chainPem,
          },
        });
        closers.push(() => started.close());
        fact(`${started.url}, mailboxes in a temporary directory`);
        return started;
      },
    );

    const dvdv: DvdvClient = await trace.step('Passbehörde', 'DVDV directory opened', async (fact) => {
      if (options.ldap === undefined) {
        const client = createEmbeddedDvdvClient({
          ldif: demoDirectoryLdif(pki, `${intermediary.url}`),
          baseDn: DEMO_BASE_DN,
        });
        closers.push(() => client.close());
        fact("embedded LDIF directory with this run's certificates");
        return client;
      }
      const client = createDvdvClient({
        servers: [options.ldap],
        baseDn: options.ldapBaseDn ?? DEMO_BASE_DN,
        tls: { ca: readFileSync(options.ldapCa ?? pki.trustAnchorFile) },
        timeoutMs: 10_000,
      });
      closers.push(() => client.close());
      fact(`LDAP server ${options.ldap}`);
      return client;
    });

    const producer: ServiceLookup = await trace.step(
      'Passbehörde',
      'Document producer looked up in the DVDV',
      async (fact) => {
        const lookup = await dvdv.lookupService(DEMO_PARTIES.producer.kennung, PRODUCER_SERVICE);
        if (lookup.encryptionCertificate === undefined)
          fail('DEMO_DVDV', 'the producer lists no valid encryption certificate');
        fact(`${lookup.organisation.name} (${lookup.organisation.kennung}), service ${PRODUCER_SERVICE}`);
        fact(
          `intermediary ${lookup.endpoint.intermediaryUrl}; encrypt for ${lookup.encryptionCertificate?.commonName}`,
        );
        return lookup;
      },
    );

    const clientFor = (
      url: string,
      intermediaryEncryption: string | Uint8Array,
      party: 'passportAuthority' | 'documentProducer',
    ) => {
      const client = createOsciClient({
        url,
        intermediaryCertificates: {
          signature: pki.certificates.osciIntermediarySignature.certificatePem,
          encryption: intermediaryEncryption,
        },
        signer: credentials(pki, `${party}Signature`),
        decryption: decryption(pki, `${party}Encryption`),
        trustAnchors,
        intermediates,
        tlsCa: pki.trustAnchorPem,
      });
      closers.push(() => client.close());
      return client;
    };
    const intermediaryEncryption =
      producer.endpoint.intermediaryCertificate?.pem ??
      fail('DEMO_DVDV', 'the DVDV lists no intermediary certificate');
    const authorityClient: OsciClient = clientFor(
      producer.endpoint.intermediaryUrl,
      intermediaryEncryption,
      'passportAuthority',
    );
    const producerClient: OsciClient = clientFor(
      intermediary.url,
      intermediary.certificates.encryption as string,
      'documentProducer',
    );

    const sent = await trace.step(
      'Passbehörde',
      'Application sent: author-signed, end-to-end encrypted, storeDelivery',
      async (fact) => {
        const content = await sealContent(await toOsciContentContainer(application.xml), {
          author: credentials(pki, 'passportAuthoritySignature'),
          readers: [producer.encryptionCertificate?.pem ?? ''],
          trustAnchors,
          intermediates,
        });
        const receipt = await authorityClient.storeDelivery({
          addresseeCipherCertificate: producer.encryptionCertificate?.pem ?? '',
          content,
          subject: `XhD ${orderNumber}`,
        });
        fact(
          `MessageId ${receipt.messageId}, feedback ${receipt.feedback.map((entry) => entry.code).join(', ')}`,
        );
        return receipt;
      },
    );

    const received = await trace.step(
      'Dokumentenhersteller',
      'Delivery fetched, decrypted, author signature and chain verified',
      async (fact) => {
        const delivery = await producerClient.fetchDelivery({ messageId: sent.messageId });
        if (delivery === undefined)
          return fail('DEMO_OSCI', `delivery ${sent.messageId} is not in the producer's mailbox`);
        const xhd = await readXhd(await delivery.open());
        fact(`author ${xhd.author.subject}`);
        fact(`certificate chain to the trust anchor valid, serial ${xhd.author.serialNumber}`);
        return xhd;
      },
    );

    await trace.step(
      'Dokumentenhersteller',
      'Sender verified in the DVDV as a passport authority (PassDEÜV § 3 (5))',
      async (fact) => {
        const sender = parseXhdMessage(received.xml).kopf.senderkennung;
        const verdict = await dvdv.verifyAuthority(
          { certificate: received.author.certificateDer, kennung: sender },
          DvdvCategory.passportAuthority,
        );
        if (!verdict.verified) fail('DEMO_SENDER_NOT_AUTHORISED', `${sender}: ${verdict.reason}`);
        fact(
          `${sender} is a ${DvdvCategory.passportAuthority} and signed with a certificate the DVDV lists for it`,
        );
      },
    );

    await trace.step(
      'Dokumentenhersteller',
      'XhD application validated (schema and business rules)',
      async (fact) => {
        if (!received.validation.valid) {
          fail(
            'XHD_INVALID',
            received.validation.issues.map((issue) => `${issue.code} ${issue.path}`).join('; '),
          );
        }
        if (received.xml.trim() !== application.xml.trim())
          fail('DEMO_CONTENT', 'the received application differs from the one sent');
        fact(`valid, profile ${received.validation.profile}; byte-identical to what the authority sent`);
      },
    );

    const answer = await trace.step(
      'Dokumentenhersteller',
      'Receipt (XhD Auftragsinformation) sent back to the authority',
      async (fact) => {
        const authority = await dvdv.lookupService(DEMO_PARTIES.authority.kennung, AUTHORITY_SERVICE);
        const auftragsinformation = auftragsinformationFor(received.xml, {
          nachrichtenId: `A-${orderNumber}`,
          verfahrenskennung: 'Hersteller-Demo 1.0',
        });
        const readers = [
          authority.encryptionCertificate?.pem ??
            fail('DEMO_DVDV', 'the authority lists no encryption certificate'),
        ];
        const content = await sealContent(await toOsciContentContainer(auftragsinformation.xml), {
          author: credentials(pki, 'documentProducerSignature'),
          readers,
          trustAnchors,
          intermediates,
        });
        const receipt = await producerClient.storeDelivery({
          addresseeCipherCertificate: readers[0] ?? '',
          content,
          subject: `Auftragsinformation ${orderNumber}`,
        });
        fact(
          `MessageId ${receipt.messageId}: application A1 ${auftragsinformation.message.auftragsinformationen[0]?.status ? 'accepted' : 'refused'}`,
        );
        return receipt;
      },
    );

    await trace.step(
      'Passbehörde',
      'Receipt fetched and verified as coming from the document producer',
      async (fact) => {
        const delivery = await authorityClient.fetchDelivery({ messageId: answer.messageId });
        if (delivery === undefined) return fail('DEMO_OSCI', "the receipt is not in the authority's mailbox");
        const xhd = await readXhd(await delivery.open());
        const verdict = await dvdv.verifyAuthority(
          { certificate: xhd.author.certificateDer },
          DvdvCategory.documentProducer,
        );
        if (!verdict.verified) fail('DEMO_SENDER_NOT_AUTHORISED', `receipt author: ${verdict.reason}`);
        const message = parseXhdMessage(xhd.xml);
        if (message.nachricht !== 'Auftragsinformation')
          fail('DEMO_CONTENT', `expected an Auftragsinformation, got ${message.nachricht}`);
        fact(
          `${message.nachricht} for ${message.kopf.bestellnummer} from ${verdict.verified ? verdict.organisation.name : ''}`,
        );
      },
    );

    await trace.step('Passbehörde', 'Process card (Laufzettel) of the application read', async (fact) => {
      const [card] = await authorityClient.fetchProcessCard({ messageIds: [sent.messageId] });
      if (card === undefined) return fail('DEMO_OSCI', `no process card for ${sent.messageId}`);
      const { creation, forwarding, reception } = card.processCard;
      if (reception === undefined) fail('DEMO_OSCI', 'the process card shows no reception');
      fact(`created ${timeOf(creation)}, forwarded ${timeOf(forwarding)}, received ${timeOf(reception)}`);
      fact(`${card.inspectionReport.length} certificate inspection(s) by the intermediary`);
    });
    ok = true;
  } catch (error) {
    if (!(error instanceof DemoStepFailed)) throw error;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    rmSync(workDirectory, { recursive: true, force: true });
  }
  trace.finish(ok);
  return ok;
}

/** Options that cannot work together (a usage error, not a failed step). */
export class DemoOptionsError extends Error {
  readonly code = 'DEMO_OPTIONS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'DemoOptionsError';
  }
}
