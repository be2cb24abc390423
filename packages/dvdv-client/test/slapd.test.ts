import { createServer, type Server, type Socket } from 'node:net';
import { getTestPki, type SlapdServer, type TestPki } from '@egovkit/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDvdvClient, createDvdvLdif, type DvdvClient, type DvdvError } from '../src/index.js';
import { describeDvdvApi } from './api-suite.js';
import { BASE_DN, demoCertificate, startDvdvSlapd, XHD_STATUS } from './helpers.js';

let pki: TestPki;
let shared: Promise<SlapdServer> | undefined;
const sharedServer = () => {
  shared ??= startDvdvSlapd();
  return shared;
};

beforeAll(async () => {
  pki = await getTestPki();
});
afterAll(async () => {
  await (await shared)?.stop();
});

describeDvdvApi('slapd over StartTLS', async () =>
  createDvdvClient({
    servers: [(await sharedServer()).url],
    baseDn: BASE_DN,
    tls: { ca: pki.trustAnchorPem },
  }),
);

async function failure(
  client: DvdvClient,
  call: () => Promise<unknown> = () => client.getOrganisation('psw:053150000001'),
) {
  try {
    await call();
  } catch (error) {
    return error as DvdvError;
  }
  throw new Error('the call succeeded');
}

describe('slapd: transport security', () => {
  it('reads the same data over LDAPS', async () => {
    const server = await sharedServer();
    const client = createDvdvClient({
      servers: [server.ldapsUrl as string],
      tls: { ca: pki.trustAnchorPem },
    });
    expect((await client.lookupService('psw:053150000001', XHD_STATUS)).endpoint.addressee).toBe(
      'psw:053150000001',
    );
    expect(client.health()).toMatchObject([{ url: server.ldapsUrl, state: 'up', consecutiveFailures: 0 }]);
    await client.close();
  });

  it.each([
    ['StartTLS', 'url'],
    ['LDAPS', 'ldapsUrl'],
  ] as const)(
    '%s refuses a server certificate that does not chain to the configured CA',
    async (_, which) => {
      const server = await sharedServer();
      const client = createDvdvClient({
        servers: [server[which] as string],
        tls: { ca: demoCertificate('dvdv-demo-ca') },
      });
      const error = await failure(client);
      expect(error.code).toBe('DVDV_ALL_SERVERS_FAILED');
      expect(error.details).toMatchObject({ attempts: [{ code: 'DVDV_TLS_FAILED' }] });
      expect(client.health()[0]).toMatchObject({ state: 'down', lastError: { code: 'DVDV_TLS_FAILED' } });
      await client.close();
    },
  );

  it('refuses a server certificate issued for another host name', async () => {
    const server = await sharedServer();
    const client = createDvdvClient({
      servers: [server.url],
      tls: { ca: pki.trustAnchorPem, servername: 'dvdv.other.example' },
    });
    expect((await failure(client)).details).toMatchObject({ attempts: [{ code: 'DVDV_TLS_FAILED' }] });
    await client.close();
  });

  it('runs the extra checkServerIdentity hook after the standard check', async () => {
    const server = await sharedServer();
    const seen: string[] = [];
    const client = createDvdvClient({
      servers: [server.ldapsUrl as string],
      tls: {
        ca: pki.trustAnchorPem,
        checkServerIdentity: (_, certificate) => {
          seen.push(certificate.fingerprint256);
          return new Error('pin mismatch');
        },
      },
    });
    expect((await failure(client)).details).toMatchObject({ attempts: [{ code: 'DVDV_TLS_FAILED' }] });
    expect(seen).toHaveLength(1);
    await client.close();
  });

  it('accepts only ldap:// and ldaps:// URLs without path', () => {
    for (const url of ['http://127.0.0.1:389', 'ldap://127.0.0.1/dc=x', 'not a url']) {
      expect(() => createDvdvClient({ servers: [url] })).toThrow(
        expect.objectContaining({ code: 'DVDV_INVALID_ARGUMENT' }),
      );
    }
    expect(() => createDvdvClient({ servers: [] })).toThrow(
      expect.objectContaining({ code: 'DVDV_INVALID_ARGUMENT' }),
    );
  });
});

describe('slapd: bind and paged searches', () => {
  let server: SlapdServer;
  beforeAll(async () => {
    // Anonymous users may only authenticate, and slapd returns at most 2 entries per search.
    server = await startDvdvSlapd({ anonymousRead: false, sizeLimit: 2, rootPassword: 'dvdv-test-secret' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('is refused anonymously where the directory demands a bind (insufficientAccess, no failover)', async () => {
    const client = createDvdvClient({
      servers: [server.url, server.ldapsUrl as string],
      tls: { ca: pki.trustAnchorPem },
    });
    const error = await failure(client);
    expect(error).toMatchObject({ code: 'DVDV_LDAP_ERROR', details: { resultCode: 50 } });
    expect(client.health().map((health) => health.operations)).toEqual([1, 0]);
    await client.close();
  });

  it('binds with DN and password after StartTLS', async () => {
    const client = createDvdvClient({
      servers: [server.url],
      tls: { ca: pki.trustAnchorPem },
      bind: { dn: server.rootDn, password: 'dvdv-test-secret' },
      pageSize: 1,
    });
    expect((await client.getOrganisation('psw:053150000001')).name).toBe('Passbehörde Musterstadt');
    // Four matches with a server limit of 2: only paging gets them all.
    expect(await client.searchOrganisations({ category: 'passbehoerde' })).toHaveLength(4);
    await client.close();
  });

  it('reports a rejected bind without failing over', async () => {
    const client = createDvdvClient({
      servers: [server.url, server.ldapsUrl as string],
      tls: { ca: pki.trustAnchorPem },
      bind: { dn: server.rootDn, password: 'wrong' },
    });
    expect((await failure(client)).code).toBe('DVDV_BIND_FAILED');
    await client.close();
  });

  it('refuses a bind with an empty password (that would be an unauthenticated bind)', () => {
    expect(() =>
      createDvdvClient({ servers: [server.url], bind: { dn: server.rootDn, password: '' } }),
    ).toThrow(expect.objectContaining({ code: 'DVDV_INVALID_ARGUMENT' }));
  });
});

describe('slapd: timeouts, failover and health', () => {
  let silent: Server;
  let silentUrl: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: a hung DVDV server.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentUrl = `ldap://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('times out on a hung server and fails over to the next one', async () => {
    const server = await sharedServer();
    const client = createDvdvClient({
      servers: [silentUrl, server.url],
      tls: { ca: pki.trustAnchorPem },
      connectTimeoutMs: 300,
      operationTimeoutMs: 300,
    });
    expect((await client.getOrganisation('psw:053150000001')).kennung).toBe('psw:053150000001');
    const [hung, healthy] = client.health();
    expect(hung).toMatchObject({
      state: 'down',
      consecutiveFailures: 1,
      lastError: { code: 'DVDV_TIMEOUT' },
    });
    expect(hung?.retryAt).toBeInstanceOf(Date);
    expect(healthy).toMatchObject({ state: 'up' });
    // The failed server is skipped until retryAt: the next call goes straight to the healthy one.
    await client.getOrganisation('psw:091620000002');
    expect(client.health()[0]?.operations).toBe(1);
    await client.close();
  });

  it('reports every failure when no server answers, and honours the overall deadline', async () => {
    const client = createDvdvClient({ servers: [silentUrl, 'ldap://127.0.0.1:1'], connectTimeoutMs: 200 });
    const error = await failure(client);
    expect(error.code).toBe('DVDV_ALL_SERVERS_FAILED');
    expect(
      (error.details as { attempts: { code: string }[] }).attempts.map((attempt) => attempt.code),
    ).toEqual(['DVDV_TIMEOUT', 'DVDV_CONNECTION_FAILED']);
    const slow = createDvdvClient({ servers: [silentUrl], connectTimeoutMs: 5000, timeoutMs: 200 });
    const started = Date.now();
    expect((await failure(slow)).code).toBe('DVDV_ABORTED');
    expect(Date.now() - started).toBeLessThan(2000);
    await client.close();
    await slow.close();
  });

  it('fails over to the second server when the first stops mid-test, without a failed lookup', async () => {
    const first = await startDvdvSlapd();
    const second = await startDvdvSlapd();
    const client = createDvdvClient({
      servers: [first.url, second.ldapsUrl as string],
      tls: { ca: pki.trustAnchorPem },
      connectTimeoutMs: 1000,
      operationTimeoutMs: 2000,
    });
    const kennungen = ['psw:053150000001', 'psw:091620000002', 'dmd:110000000001', 'ags:064120000000'];
    let completed = 0;
    const failures: unknown[] = [];
    let stopping: Promise<void> | undefined;
    const worker = async (offset: number) => {
      for (let index = 0; index < 60; index++) {
        if (index === 20 && offset === 0) stopping = first.stop();
        try {
          const kennung = kennungen[(index + offset) % kennungen.length] as string;
          const services = await client.listServices(kennung, { cache: 'bypass' });
          expect(services.length).toBeGreaterThan(0);
          completed++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all([worker(0), worker(1), worker(2)]);
    await stopping;
    expect(failures).toEqual([]);
    expect(completed).toBe(180);
    const [down, up] = client.health();
    expect(down).toMatchObject({ url: first.url, state: 'down' });
    expect(down?.failures).toBeGreaterThan(0);
    expect(up).toMatchObject({ state: 'up' });
    expect(up?.operations).toBeGreaterThan(0);
    await client.close();
    await second.stop();
  });
});

describe('slapd: PassDEÜV check with certificates generated at test time', () => {
  let server: SlapdServer;
  let client: DvdvClient;
  beforeAll(async () => {
    const { certificates } = pki;
    const ldif = createDvdvLdif({
      baseDn: BASE_DN,
      organisations: [
        {
          kennung: 'psw:053150000099',
          name: 'Passbehörde Musterstadt (Test)',
          categories: ['passbehoerde'],
          state: '05',
          signatureCertificates: [certificates.passportAuthoritySignature.certificatePem],
          services: [
            {
              uri: XHD_STATUS,
              intermediaryUrl: 'https://127.0.0.1/osci',
              encryptionCertificates: [certificates.passportAuthorityEncryption.certificatePem],
              intermediaryCertificate: certificates.osciIntermediaryEncryption.certificatePem,
            },
          ],
        },
        {
          kennung: 'dmd:110000000099',
          name: 'Dokumentenhersteller (Test)',
          categories: ['passhersteller'],
          signatureCertificates: [certificates.documentProducerSignature.certificatePem],
        },
        {
          kennung: 'psw:145220000099',
          name: 'Passbehörde mit abgelaufenem Zertifikat (Test)',
          categories: ['passbehoerde'],
          signatureCertificates: [certificates.expired.certificatePem],
        },
      ],
    });
    server = await startDvdvSlapd({ ldif });
    client = createDvdvClient({ servers: [server.ldapsUrl as string], tls: { ca: pki.trustAnchorPem } });
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('verifies the passport authority and refuses everyone else', async () => {
    const { certificates } = pki;
    const verify = (certificate: string) => client.verifyAuthority({ certificate }, 'passbehoerde');
    expect(await verify(certificates.passportAuthoritySignature.certificatePem)).toMatchObject({
      verified: true,
      organisation: { kennung: 'psw:053150000099' },
      certificate: { spkiSha256: certificates.passportAuthoritySignature.spkiSha256 },
    });
    expect(await verify(certificates.documentProducerSignature.certificatePem)).toMatchObject({
      verified: false,
      reason: 'CATEGORY_MISMATCH',
    });
    expect(await verify(certificates.expired.certificatePem)).toMatchObject({
      reason: 'CERTIFICATE_NOT_VALID',
    });
    expect(await verify(certificates.selfSigned.certificatePem)).toMatchObject({ reason: 'NOT_REGISTERED' });
    expect(await verify(certificates.passportAuthorityEncryption.certificatePem)).toMatchObject({
      reason: 'NOT_REGISTERED',
    });
  });

  it('says no when the directory cannot be asked (fail closed)', async () => {
    const unreachable = createDvdvClient({ servers: ['ldaps://127.0.0.1:1'], connectTimeoutMs: 200 });
    expect(
      await unreachable.verifyAuthority(
        { certificate: pki.certificates.passportAuthoritySignature.certificatePem },
        'passbehoerde',
      ),
    ).toMatchObject({ verified: false, reason: 'LOOKUP_FAILED', error: { code: 'DVDV_ALL_SERVERS_FAILED' } });
    await unreachable.close();
  });
});
