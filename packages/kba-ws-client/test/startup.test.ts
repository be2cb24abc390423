import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTestPki } from '@egovkit/testkit';
import { describe, expect, it } from 'vitest';
import { createKbaClient } from '../src/index.js';
import { expectKbaError } from './helpers/errors.js';
import { clientOptions, memorySink } from './helpers/soap-server.js';

const endpoint = { url: 'https://127.0.0.1:9' };

describe('start-up checks of the client certificate', () => {
  it('start with a valid RSA-3072 client certificate from PKCS#12 or PEM files and log kba.client.started', async () => {
    const pki = await getTestPki();
    const sink = memorySink();
    const fromPkcs12 = await createKbaClient(await clientOptions(endpoint, sink));
    expect(fromPkcs12.clientCertificate.key).toMatchObject({ type: 'rsa', bits: 3072 });
    await fromPkcs12.close();
    const directory = mkdtempSync(join(tmpdir(), 'kba-client-'));
    writeFileSync(join(directory, 'client.pem'), pki.certificates.kbaClient.chainPem);
    writeFileSync(join(directory, 'client.key'), pki.certificates.kbaClient.privateKeyPem);
    writeFileSync(join(directory, 'client.p12'), pki.certificates.kbaClient.pkcs12);
    writeFileSync(join(directory, 'password'), `${pki.certificates.kbaClient.pkcs12Password}\n`);
    const fromPem = await createKbaClient(
      await clientOptions(endpoint, sink, {
        clientCertificate: {
          certificateFile: join(directory, 'client.pem'),
          privateKeyFile: join(directory, 'client.key'),
        },
      }),
    );
    expect(fromPem.clientCertificate.serialNumber).toBe(fromPkcs12.clientCertificate.serialNumber);
    await fromPem.close();
    const fromFiles = await createKbaClient(
      await clientOptions(endpoint, sink, {
        clientCertificate: {
          pkcs12File: join(directory, 'client.p12'),
          passwordFile: join(directory, 'password'),
        },
      }),
    );
    await fromFiles.close();
    const started = sink.events.filter((event) => event['event.name'] === 'kba.client.started');
    expect(started).toHaveLength(3);
    expect(started[0]?.['tls.client.subject']).toContain('Zulassungsstelle Musterkreis');
    expect(started[0]?.['kba.tls.preset']).toBe('bsi');
  });

  it('refuse a wrong PKCS#12 password, a key that does not match, and a missing certificate', async () => {
    const pki = await getTestPki();
    const wrongPassword = await expectKbaError(
      createKbaClient(
        await clientOptions(endpoint, memorySink(), {
          clientCertificate: { pkcs12: pki.certificates.kbaClient.pkcs12, password: 'falsch' },
        }),
      ),
    );
    expect(wrongPassword.code).toBe('CLIENT_CERTIFICATE_UNREADABLE');
    const mismatch = await expectKbaError(
      createKbaClient(
        await clientOptions(endpoint, memorySink(), {
          clientCertificate: {
            certificatePem: pki.certificates.kbaClient.certificatePem,
            privateKeyPem: pki.certificates.kbaServer.privateKeyPem,
          },
        }),
      ),
    );
    expect(mismatch.code).toBe('CLIENT_CERTIFICATE_INVALID');
    const missing = await expectKbaError(
      createKbaClient(await clientOptions(endpoint, memorySink(), { clientCertificate: undefined as never })),
    );
    expect(missing.code).toBe('CONFIG_INVALID');
    const unreadable = await expectKbaError(
      createKbaClient(
        await clientOptions(endpoint, memorySink(), {
          clientCertificate: { pkcs12File: '/nonexistent/client.p12', password: 'x' },
        }),
      ),
    );
    expect(unreadable.code).toBe('CLIENT_CERTIFICATE_UNREADABLE');
  });

  it('refuse expired, not yet valid, too weak and wrongly usable client certificates', async () => {
    const pki = await getTestPki();
    const authority = await pki.issuingAuthority();
    const day = 86_400_000;
    const issue = (name: string, extra: Record<string, unknown>) =>
      authority.issue({
        name,
        commonName: name,
        profile: 'tls-client',
        key: { type: 'rsa', bits: 3072 },
        ...extra,
      });
    const cases = [
      [
        await issue('expiredClient', {
          notBefore: new Date(Date.now() - 30 * day),
          notAfter: new Date(Date.now() - day),
        }),
        'CLIENT_CERTIFICATE_EXPIRED',
      ],
      [
        await issue('futureClient', {
          notBefore: new Date(Date.now() + day),
          notAfter: new Date(Date.now() + 30 * day),
        }),
        'CLIENT_CERTIFICATE_NOT_YET_VALID',
      ],
      [await issue('weakClient', { key: { type: 'rsa', bits: 2048 } }), 'CLIENT_KEY_TOO_WEAK'],
      [await issue('serverOnlyClient', { extendedKeyUsage: ['serverAuth'] }), 'CLIENT_CERTIFICATE_KEY_USAGE'],
      [await issue('encipherOnlyClient', { keyUsage: ['keyEncipherment'] }), 'CLIENT_CERTIFICATE_KEY_USAGE'],
    ] as const;
    for (const [certificate, code] of cases) {
      const sink = memorySink();
      const error = await expectKbaError(
        createKbaClient(
          await clientOptions(endpoint, sink, {
            clientCertificate: {
              certificatePem: certificate.chainPem,
              privateKeyPem: certificate.privateKeyPem,
            },
          }),
        ),
      );
      expect(error.code, certificate.name).toBe(code);
      expect(sink.events).toHaveLength(0);
    }
  });

  it('accept an RSA-2048 client key with kba-minimum only', async () => {
    const pki = await getTestPki();
    const authority = await pki.issuingAuthority();
    const rsa2048 = await authority.issue({
      name: 'client2048',
      commonName: 'client2048',
      profile: 'tls-client',
      key: { type: 'rsa', bits: 2048 },
    });
    const options = {
      clientCertificate: { certificatePem: rsa2048.chainPem, privateKeyPem: rsa2048.privateKeyPem },
    };
    const minimum = await createKbaClient(
      await clientOptions(endpoint, memorySink(), { ...options, tlsPreset: 'kba-minimum' }),
    );
    await minimum.close();
    expect(
      (await expectKbaError(createKbaClient(await clientOptions(endpoint, memorySink(), options)))).code,
    ).toBe('CLIENT_KEY_TOO_WEAK');
  });

  it('warn N days before expiry with an audit event', async () => {
    const pki = await getTestPki();
    const sink = memorySink();
    const notAfter = pki.certificates.kbaClient.notAfter;
    const client = await createKbaClient(
      await clientOptions(endpoint, sink, {
        certificateExpiryWarningDays: 30,
        now: () => new Date(new Date(notAfter).getTime() - 10 * 86_400_000),
      }),
    );
    await client.close();
    const warning = sink.events.find((event) => event['event.name'] === 'kba.certificate.expiry_warning');
    expect(warning?.['kba.tls.client.days_until_expiry']).toBe(10);
    const quiet = memorySink();
    await (await createKbaClient(await clientOptions(endpoint, quiet))).close();
    expect(quiet.events.some((event) => event['event.name'] === 'kba.certificate.expiry_warning')).toBe(
      false,
    );
  });

  it('refuse configurations without trust anchors, audit sinks, https or with an unknown preset', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ trustAnchors: undefined }, 'CONFIG_INVALID'],
      [{ trustAnchors: { caPem: 'not a certificate' } }, 'TRUST_ANCHORS_INVALID'],
      [{ audit: { sinks: [] } }, 'CONFIG_INVALID'],
      [{ endpoint: 'http://127.0.0.1:8080' }, 'CONFIG_INVALID'],
      [{ tlsPreset: 'legacy' }, 'CONFIG_INVALID'],
      [{ pins: ['sha256/only-one'] }, 'PIN_SET_INVALID'],
    ];
    for (const [override, code] of cases) {
      const error = await expectKbaError(
        createKbaClient(await clientOptions(endpoint, memorySink(), override as never)),
      );
      expect(error.code, JSON.stringify(override)).toBe(code);
    }
  });
});
