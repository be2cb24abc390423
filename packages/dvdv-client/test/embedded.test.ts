import { describe, expect, it } from 'vitest';
import { createDvdvLdif, createEmbeddedDvdvClient, DvdvError, parseCertificate } from '../src/index.js';
import { describeDvdvApi } from './api-suite.js';
import { DEMO_LDIF, demoCertificate, XHD_STATUS } from './helpers.js';

describeDvdvApi('embedded LDIF', async () => createEmbeddedDvdvClient());

describe('embedded LDIF: cache and clock', () => {
  it('re-checks certificate validity on every cache hit', async () => {
    const expiry = parseCertificate(demoCertificate('psw-musterstadt-encryption')).notAfter;
    let now = new Date(expiry.getTime() - 60_000);
    const client = createEmbeddedDvdvClient({ now: () => now, cache: { ttlMs: 24 * 3600_000 } });
    const first = await client.lookupService('psw:053150000001', XHD_STATUS);
    expect(first.source).toBe('directory');
    now = new Date(expiry.getTime() - 1000);
    expect((await client.lookupService('psw:053150000001', XHD_STATUS)).source).toBe('cache');
    now = new Date(expiry.getTime() + 1000);
    await expect(client.lookupService('psw:053150000001', XHD_STATUS)).rejects.toMatchObject({
      code: 'DVDV_CERTIFICATE_NOT_VALID',
    });
    expect(client.cacheStatistics()).toMatchObject({ hits: 2, misses: 1 });
    await client.close();
  });

  it('caches "not found" and counts it', async () => {
    const client = createEmbeddedDvdvClient();
    for (let call = 0; call < 3; call++) {
      await expect(client.getOrganisation('psw:999999999999')).rejects.toBeInstanceOf(DvdvError);
    }
    expect(client.cacheStatistics()).toMatchObject({ misses: 1, negativeHits: 2 });
    await client.close();
  });

  it('works without a cache', async () => {
    const client = createEmbeddedDvdvClient({ cache: false });
    expect((await client.lookupService('psw:053150000001', XHD_STATUS)).source).toBe('directory');
    expect((await client.lookupService('psw:053150000001', XHD_STATUS)).source).toBe('directory');
    expect(client.cacheStatistics()).toBeUndefined();
    await client.close();
  });

  it('takes LDIF written by createDvdvLdif and a custom base DN', async () => {
    const ldif = createDvdvLdif({
      baseDn: 'o=dvdv-test',
      organisations: [
        {
          kennung: 'psw:010010000001',
          name: 'Passbehörde Kiel-Test',
          categories: ['passbehoerde'],
          signatureCertificates: [demoCertificate('psw-beispielheim-signature')],
        },
      ],
    });
    const client = createEmbeddedDvdvClient({ ldif, baseDn: 'o=dvdv-test' });
    expect(
      await client.verifyAuthority(
        { certificate: demoCertificate('psw-beispielheim-signature') },
        'passbehoerde',
      ),
    ).toMatchObject({ verified: true, organisation: { kennung: 'psw:010010000001' } });
    await client.close();
  });

  it('refuses calls after close and aborted calls', async () => {
    const client = createEmbeddedDvdvClient({ cache: false });
    await expect(
      client.getOrganisation('psw:053150000001', { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'DVDV_ABORTED' });
    await client.close();
    await expect(client.getOrganisation('psw:053150000001')).rejects.toMatchObject({
      code: 'DVDV_CLIENT_CLOSED',
    });
  });

  it('fails closed when the directory holds a broken entry', async () => {
    const broken = DEMO_LDIF.replace(
      'dvdvIntermediaryUrl: https://osci.beispielheim.example/osci/intermediary',
      'dvdvIntermediaryUrl: http://osci.beispielheim.example/osci/intermediary',
    );
    expect(broken).not.toBe(DEMO_LDIF);
    const client = createEmbeddedDvdvClient({ ldif: broken });
    await expect(client.lookupService('psw:091620000002', XHD_STATUS)).rejects.toMatchObject({
      code: 'DVDV_ENTRY_INVALID',
    });
    const result = await client.verifyAuthority(
      { certificate: demoCertificate('psw-beispielheim-signature') },
      'passbehoerde',
    );
    expect(result).toMatchObject({ verified: false, reason: 'LOOKUP_FAILED' });
    await client.close();
  });

  it('rejects duplicate entries in the LDIF', () => {
    const first = DEMO_LDIF.split('\n\n')[1] ?? '';
    expect(() => createEmbeddedDvdvClient({ ldif: `${DEMO_LDIF}\n${first}\n` })).toThrow(DvdvError);
  });
});
