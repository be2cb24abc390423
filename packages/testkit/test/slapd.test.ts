import { existsSync } from 'node:fs';
import { Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getTestPki,
  isProcessAlive,
  type SlapdServer,
  startSlapd,
  TestkitError,
  type TestPki,
} from '../src/index.js';
import { processesMentioning } from './process-table.js';

// A made-up object class in slapd.conf syntax, to prove that custom schemas load.
const SCHEMA = `
attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'egovkitServiceUri'
  EQUALITY caseExactMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'egovkitService' SUP top STRUCTURAL
  MUST ( cn $ egovkitServiceUri ) )
`;

const LDIF = `dn: ou=services,dc=egovkit,dc=test
objectClass: organizationalUnit
ou: services

dn: cn=Passbehörde Musterstadt,ou=services,dc=egovkit,dc=test
objectClass: egovkitService
cn: Passbehörde Musterstadt
egovkitServiceUri: urn:egovkit:test:passport
`;

let pki: TestPki;
let server: SlapdServer;

beforeAll(async () => {
  pki = await getTestPki();
  server = await startSlapd({ schemas: [SCHEMA], ldif: LDIF });
});
afterAll(() => server.stop());

async function findService(client: Client): Promise<string[]> {
  const { searchEntries } = await client.search('ou=services,dc=egovkit,dc=test', {
    filter: '(egovkitServiceUri=urn:egovkit:test:passport)',
  });
  return searchEntries.map((entry) => String(entry.cn));
}

describe('startSlapd', () => {
  it('serves the LDIF with the custom schema over plain LDAP on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+$/);
    const client = new Client({ url: server.url, timeout: 5000, connectTimeout: 5000 });
    try {
      expect(await findService(client)).toEqual(['Passbehörde Musterstadt']);
    } finally {
      await client.unbind();
    }
  });

  it('serves LDAPS with the test PKI LDAP certificate, validated against the root', async () => {
    expect(server.ldapsUrl).toMatch(/^ldaps:\/\/127\.0\.0\.1:\d+$/);
    const client = new Client({
      url: server.ldapsUrl ?? '',
      tlsOptions: { ca: pki.trustAnchorPem },
      timeout: 5000,
    });
    try {
      expect(await findService(client)).toEqual(['Passbehörde Musterstadt']);
    } finally {
      await client.unbind();
    }
  });

  it('refuses LDAPS clients that do not trust the test root', async () => {
    const client = new Client({
      url: server.ldapsUrl ?? '',
      tlsOptions: { ca: pki.certificates.selfSigned.certificatePem },
      timeout: 5000,
    });
    await expect(findService(client)).rejects.toThrow(/unable to get local issuer certificate/);
  });

  it('upgrades plain LDAP with StartTLS', async () => {
    const client = new Client({ url: server.url, timeout: 5000 });
    try {
      await client.startTLS({ ca: pki.trustAnchorPem, servername: 'localhost' });
      expect(await findService(client)).toEqual(['Passbehörde Musterstadt']);
    } finally {
      await client.unbind();
    }
  });

  it('accepts a simple bind as the root DN and rejects a wrong password', async () => {
    const client = new Client({ url: server.url, timeout: 5000 });
    try {
      await client.bind(server.rootDn, server.rootPassword);
      await expect(client.bind(server.rootDn, 'wrong')).rejects.toThrow(InvalidCredentialsError);
    } finally {
      await client.unbind();
    }
  });

  it('stops completely: no process, no directory, nothing in the process table', async () => {
    const other = await startSlapd({ tls: false });
    expect(isProcessAlive(other.process.pid)).toBe(true);
    expect(processesMentioning(other.process.directory)).not.toHaveLength(0);
    await other.stop();
    expect(isProcessAlive(other.process.pid)).toBe(false);
    expect(isProcessAlive(other.process.watchdogPid)).toBe(false);
    expect(existsSync(other.process.directory)).toBe(false);
    expect(processesMentioning(other.process.directory)).toEqual([]);
    await other.stop(); // idempotent
  });

  it('reports an LDIF that slapadd rejects as a typed error and leaves nothing behind', async () => {
    const error = await startSlapd({
      ldif: 'dn: cn=orphan,ou=missing,dc=egovkit,dc=test\nobjectClass: person\ncn: orphan\nsn: x\n',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestkitError);
    expect(error).toMatchObject({ code: 'TESTKIT_SERVER_EXITED' });
    expect(
      processesMentioning('egovkit-slapd-').filter((p) => !p.includes(server.process.directory)),
    ).toEqual([]);
  });
});
