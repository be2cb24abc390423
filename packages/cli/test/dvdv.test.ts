import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_LDIF_PATH, DVDV_LDAP_SCHEMA } from '@egovkit/dvdv-client';
import { getTestPki, startSlapd } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, egovkit, temporaryDirectory } from './helpers.js';

const KENNUNG = 'psw:053150000001';
const SERVICE = 'urn:egovkit-demo:dvdv:xhd-status';

interface Lookup {
  ok: boolean;
  source: string;
  organisation: { kennung: string; name: string; categories: string[] };
  service: { uri: string };
  endpoint: { intermediaryUrl: string; addressee: string };
  encryptionCertificate: { subject: string; keyUsage: string[]; notAfter: string; spkiSha256: string };
  certificates: { role: string; validity: string }[];
}

beforeAll(assertBuilt);

describe('egovkit dvdv lookup', () => {
  it('finds an entry of the embedded demo directory', async () => {
    const text = await egovkit(['dvdv', 'lookup', KENNUNG, SERVICE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'Passbehörde Musterstadt (psw:053150000001), from the embedded demo directory',
    );
    expect(text.stdout).toContain('intermediary: https://osci.musterstadt.example/osci/intermediary');
    expect(text.stdout).toMatch(/encryption certificate: .*CN=Passbehörde Musterstadt \(Demo\)/);

    const json = await egovkit(['dvdv', 'lookup', KENNUNG, SERVICE, '--json']);
    const document = json.json<Lookup>();
    expect(document).toMatchObject({
      ok: true,
      source: 'embedded',
      organisation: { kennung: KENNUNG, name: 'Passbehörde Musterstadt', categories: ['passbehoerde'] },
      service: { uri: SERVICE },
      endpoint: { addressee: KENNUNG },
    });
    expect(document.encryptionCertificate.keyUsage).toContain('keyEncipherment');
    expect(document.encryptionCertificate.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(document.certificates.map((entry) => entry.role).sort()).toEqual([
      'encryption',
      'intermediary',
      'signature',
    ]);
    expect(document.certificates.every((entry) => entry.validity === 'valid')).toBe(true);
  });

  it('reports a missing organisation, a missing service and a malformed Behördenkennung with exit code 1', async () => {
    const organisation = await egovkit(['dvdv', 'lookup', 'psw:053150000999', SERVICE, '--json']);
    expect(organisation.code).toBe(1);
    expect(organisation.json()).toMatchObject({ ok: false, error: { code: 'DVDV_ORGANISATION_NOT_FOUND' } });
    expect(organisation.stderr).toBe(
      'egovkit: DVDV_ORGANISATION_NOT_FOUND: no organisation psw:053150000999 in the DVDV\n',
    );
    const service = await egovkit(['dvdv', 'lookup', KENNUNG, 'urn:egovkit-demo:dvdv:no-such-service']);
    expect(service.code).toBe(1);
    expect(service.stderr).toMatch(/^egovkit: DVDV_SERVICE_NOT_FOUND: /);
    const kennung = await egovkit(['dvdv', 'lookup', 'Passamt', SERVICE]);
    expect(kennung.code).toBe(1);
    expect(kennung.stderr).toMatch(/^egovkit: DVDV_INVALID_KENNUNG: /);
  });

  it('asks a real LDAP server with --ldap and --ca (slapd with the demo LDIF, StartTLS)', {
    timeout: 120_000,
  }, async () => {
    const pki = await getTestPki();
    const ca = join(temporaryDirectory('dvdv'), 'ca.pem');
    writeFileSync(ca, pki.trustAnchorPem);
    const slapd = await startSlapd({
      suffix: 'dc=dvdv,dc=example',
      schemas: [DVDV_LDAP_SCHEMA],
      ldif: readFileSync(DEMO_LDIF_PATH, 'utf8'),
    });
    try {
      for (const url of [slapd.url, slapd.ldapsUrl as string]) {
        const run = await egovkit(['dvdv', 'lookup', KENNUNG, SERVICE, '--ldap', url, '--ca', ca, '--json']);
        expect(run.code, url).toBe(0);
        expect(run.json<Lookup>()).toMatchObject({
          ok: true,
          source: url,
          organisation: { kennung: KENNUNG },
        });
      }
      // Without the test CA the server certificate is not trusted: refused, never read in plain text.
      const untrusted = await egovkit([
        'dvdv',
        'lookup',
        KENNUNG,
        SERVICE,
        '--ldap',
        slapd.ldapsUrl as string,
      ]);
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stdout).toBe('');
    } finally {
      await slapd.stop();
    }
  });

  it('exits with 3 when the LDAP server cannot be reached, and 2 for --ca without --ldap', async () => {
    const unreachable = await egovkit([
      'dvdv',
      'lookup',
      KENNUNG,
      SERVICE,
      '--ldap',
      'ldap://127.0.0.1:1',
      '--json',
    ]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.json()).toMatchObject({ ok: false, error: { code: 'DVDV_ALL_SERVERS_FAILED' } });
    const usage = await egovkit(['dvdv', 'lookup', KENNUNG, SERVICE, '--ca', 'ca.pem']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('egovkit: USAGE: --ca, --base-dn and --bind-dn need --ldap <url>');
    expect((await egovkit(['dvdv', 'lookup', KENNUNG])).code).toBe(2);
  });
});
