// The API behaviour both backends must share; embedded.test.ts runs it on the LDIF data, slapd.test.ts on a
// real slapd with the same data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DvdvClient, DvdvError } from '../src/index.js';
import { demoCertificate, SPECIAL_URI, XHD_PASSANTRAG, XHD_STATUS } from './helpers.js';

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof DvdvError ? error.code : `not a DvdvError: ${String(error)}`;
  }
  return 'resolved';
}

export function describeDvdvApi(label: string, create: () => Promise<DvdvClient>): void {
  describe(`${label}: lookups`, () => {
    let client: DvdvClient;
    beforeAll(async () => {
      client = await create();
    });
    afterAll(async () => {
      await client.close();
    });

    it('finds endpoint, certificates and service description of a service', async () => {
      const lookup = await client.lookupService('psw:053150000001', XHD_STATUS);
      expect(lookup.organisation).toMatchObject({
        kennung: 'psw:053150000001',
        name: 'Passbehörde Musterstadt',
      });
      expect(lookup.endpoint).toMatchObject({
        intermediaryUrl: 'https://osci.musterstadt.example/osci/intermediary',
        addressee: 'psw:053150000001',
      });
      expect(lookup.endpoint.intermediaryCertificate?.commonName).toBe('OSCI-Intermediär (Demo)');
      expect(lookup.encryptionCertificate).toMatchObject({
        commonName: 'Passbehörde Musterstadt (Demo)',
        keyUsage: ['keyEncipherment', 'dataEncipherment'],
      });
      expect(lookup.encryptionCertificate?.issuer).toContain('CN=egovkit DVDV Demo CA');
      expect(lookup.signatureCertificate?.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
      expect(lookup.signatureCertificate?.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(lookup.certificates.map((entry) => [entry.role, entry.validity])).toEqual([
        ['encryption', 'valid'],
        ['signature', 'valid'],
        ['intermediary', 'valid'],
      ]);
      expect(lookup.service.serviceDescription).toMatchObject({
        name: 'xhd-status',
        providerCategories: ['passbehoerde'],
        consumerCategories: ['passhersteller'],
        transport: { protocol: 'OSCI-Transport', version: '1.2' },
      });
    });

    it('accepts the Behördenkennung in any case and with surrounding blanks', async () => {
      const lookup = await client.lookupService(' DMD:110000000001 ', XHD_PASSANTRAG);
      expect(lookup.organisation.categories).toEqual(['passhersteller']);
    });

    it('finds a service whose URI holds the characters RFC 4514 escapes in DNs', async () => {
      const lookup = await client.lookupService('psw:053150000001', SPECIAL_URI);
      expect(lookup.service.uri).toBe(SPECIAL_URI);
      expect(lookup.service.name).toBe('Testdienst mit Sonderzeichen im URI');
    });

    it('lists the services of an organisation', async () => {
      const services = await client.listServices('psw:053150000001');
      expect(services.map((service) => service.uri).sort()).toEqual([SPECIAL_URI, XHD_STATUS].sort());
      expect(await client.listServices('psw:120600000004')).toEqual([]);
    });

    it('reports unknown organisations and services with their own codes', async () => {
      expect(await errorCode(client.getOrganisation('psw:999999999999'))).toBe('DVDV_ORGANISATION_NOT_FOUND');
      expect(await errorCode(client.lookupService('psw:999999999999', XHD_STATUS))).toBe(
        'DVDV_ORGANISATION_NOT_FOUND',
      );
      expect(await errorCode(client.lookupService('psw:053150000001', 'urn:unknown'))).toBe(
        'DVDV_SERVICE_NOT_FOUND',
      );
      // Service URIs compare case-sensitively (caseExactMatch).
      expect(await errorCode(client.lookupService('psw:053150000001', XHD_STATUS.toUpperCase()))).toBe(
        'DVDV_SERVICE_NOT_FOUND',
      );
    });

    it('refuses an expired certificate, also on a cache hit', async () => {
      for (let call = 0; call < 2; call++) {
        expect(await errorCode(client.lookupService('psw:145220000003', XHD_STATUS))).toBe(
          'DVDV_CERTIFICATE_NOT_VALID',
        );
      }
      const lenient = await client.lookupService('psw:145220000003', XHD_STATUS, {
        requireValidCertificates: false,
      });
      expect(lenient.encryptionCertificate).toBeUndefined();
      expect(lenient.certificates.find((entry) => entry.role === 'encryption')?.validity).toBe('expired');
    });

    it('searches by name (substring, case-insensitive, non-ASCII), category and region', async () => {
      const names = async (query: Parameters<DvdvClient['searchOrganisations']>[0]) =>
        (await client.searchOrganisations(query)).map((organisation) => organisation.kennung).sort();
      expect(await names({ name: 'passbehörde' })).toEqual([
        'psw:053150000001',
        'psw:091620000002',
        'psw:120600000004',
        'psw:145220000003',
      ]);
      expect(await names({ name: 'ZÜRICH' })).toEqual(['psw:120600000004']);
      expect(await names({ category: 'passbehoerde', state: '09' })).toEqual(['psw:091620000002']);
      expect(await names({ category: 'Passhersteller' })).toEqual(['dmd:110000000001']);
      expect(await names({ county: '06412' })).toEqual(['ags:064120000000']);
      expect(await names({ name: 'Musterstadt', category: 'meldebehoerde' })).toEqual([]);
      expect(await errorCode(client.searchOrganisations({ category: 'passbehoerde', limit: 2 }))).toBe(
        'DVDV_SIZE_LIMIT_EXCEEDED',
      );
    });
  });

  describe(`${label}: LDAP injection`, () => {
    let client: DvdvClient;
    beforeAll(async () => {
      client = await create();
    });
    afterAll(async () => {
      await client.close();
    });

    it('treats * in a name as a literal character, not a wildcard', async () => {
      const found = await client.searchOrganisations({ name: '*' });
      expect(found.map((organisation) => organisation.kennung)).toEqual(['psw:120600000004']);
    });

    it('treats )( as literal characters, so they cannot open a new filter component', async () => {
      expect((await client.searchOrganisations({ name: ')(' })).map((o) => o.kennung)).toEqual([
        'psw:120600000004',
      ]);
      expect(await client.searchOrganisations({ name: 'x)(objectClass=*' })).toEqual([]);
      expect(await client.searchOrganisations({ name: '*)(|(o=*' })).toEqual([]);
      expect(await client.searchOrganisations({ category: 'passbehoerde)(dvdvCategory=*' })).toEqual([]);
    });

    it('passes NUL and backslashes through as data', async () => {
      expect(await client.searchOrganisations({ name: 'Muster\0stadt' })).toEqual([]);
      expect(await client.searchOrganisations({ name: '\\2a' })).toEqual([]);
      expect(await client.searchOrganisations({ name: '\\' })).toEqual([]);
    });

    it('escapes service URIs in filters and DNs', async () => {
      for (const uri of [
        '*',
        'urn:*',
        `${XHD_STATUS})(objectClass=*`,
        'a\0b',
        'x,dc=example',
        'ü=,+"\\<>;#',
      ]) {
        expect(await errorCode(client.lookupService('psw:053150000001', uri))).toBe('DVDV_SERVICE_NOT_FOUND');
      }
    });

    it('validates the Behördenkennung before any query', async () => {
      for (const kennung of [
        '*',
        'psw:*',
        'psw:0531)(o=*',
        'psw:05315\0',
        'psw:053150000001,ou=x',
        'pßw:1',
        '',
      ]) {
        expect(await errorCode(client.getOrganisation(kennung))).toBe('DVDV_INVALID_KENNUNG');
      }
    });
  });

  describe(`${label}: verifyAuthority (PassDEÜV § 3 (5))`, () => {
    let client: DvdvClient;
    beforeAll(async () => {
      client = await create();
    });
    afterAll(async () => {
      await client.close();
    });

    it('verifies a passport authority by the certificate it signed with', async () => {
      const result = await client.verifyAuthority(
        { certificate: demoCertificate('psw-musterstadt-signature') },
        'passbehoerde',
      );
      expect(result).toMatchObject({ verified: true, category: 'passbehoerde' });
      expect(result.verified && result.organisation.kennung).toBe('psw:053150000001');
    });

    it('verifies by Behördenkennung alone, and by both when they belong together', async () => {
      expect(await client.verifyAuthority({ kennung: 'psw:091620000002' }, 'passbehoerde')).toMatchObject({
        verified: true,
      });
      expect(
        await client.verifyAuthority(
          { kennung: 'psw:091620000002', certificate: demoCertificate('psw-beispielheim-signature') },
          'passbehoerde',
        ),
      ).toMatchObject({ verified: true });
    });

    it.each<[string, { kennung?: string; certificate?: string }, string, string]>([
      [
        'another authority’s certificate for this Kennung',
        { kennung: 'psw:091620000002', certificate: 'psw-musterstadt-signature' },
        'passbehoerde',
        'CERTIFICATE_NOT_LISTED',
      ],
      [
        'an encryption certificate where a signature one is needed',
        { certificate: 'psw-musterstadt-encryption' },
        'passbehoerde',
        'NOT_REGISTERED',
      ],
      [
        'a registration authority posing as passport authority',
        { certificate: 'ags-beispielstadt-signature' },
        'passbehoerde',
        'CATEGORY_MISMATCH',
      ],
      [
        'the producer posing as passport authority',
        { kennung: 'dmd:110000000001' },
        'passbehoerde',
        'CATEGORY_MISMATCH',
      ],
      [
        'an expired certificate',
        { certificate: 'psw-altdorf-signature' },
        'passbehoerde',
        'CERTIFICATE_NOT_VALID',
      ],
      ['an unregistered Kennung', { kennung: 'psw:000000000000' }, 'passbehoerde', 'NOT_REGISTERED'],
      ['a malformed Kennung', { kennung: 'psw:*' }, 'passbehoerde', 'INVALID_KENNUNG'],
      ['garbage instead of a certificate', { certificate: 'garbage' }, 'passbehoerde', 'CERTIFICATE_INVALID'],
    ])('refuses %s', async (_, sender, category, reason) => {
      const input = {
        ...(sender.kennung === undefined ? {} : { kennung: sender.kennung }),
        ...(sender.certificate === undefined
          ? {}
          : {
              certificate: sender.certificate === 'garbage' ? 'garbage' : demoCertificate(sender.certificate),
            }),
      };
      const result = await client.verifyAuthority(input, category);
      expect(result).toMatchObject({ verified: false, reason });
      expect(await errorCode(client.assertAuthority(input, category))).toBe('DVDV_VERIFICATION_FAILED');
    });

    it('accepts an encryption certificate only with usage "any"', async () => {
      const result = await client.verifyAuthority(
        { certificate: demoCertificate('psw-musterstadt-encryption') },
        'passbehoerde',
        { usage: 'any' },
      );
      expect(result.verified).toBe(true);
    });

    it('needs a sender and a category', async () => {
      expect(await errorCode(client.verifyAuthority({}, 'passbehoerde'))).toBe('DVDV_INVALID_ARGUMENT');
      expect(await errorCode(client.verifyAuthority({ kennung: 'psw:091620000002' }, ' '))).toBe(
        'DVDV_INVALID_ARGUMENT',
      );
    });
  });
}
