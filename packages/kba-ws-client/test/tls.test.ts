import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  getFreePort,
  getTestPki,
  isPortAccepting,
  startServerProcess,
  TestCertificateAuthority,
} from '@egovkit/testkit';
import { describe, expect, it } from 'vitest';
import { createKbaClient, getTlsPreset, KbaWsError, presetConnectionOptions } from '../src/index.js';
import { expectKbaError } from './helpers/errors.js';
import {
  clientOptions,
  expectRefusedConnection,
  memorySink,
  requestBody,
  startSoapServer,
  validContext,
} from './helpers/soap-server.js';

describe('TLS presets', () => {
  it('limit protocols, suites, groups and signature schemes to TR-02102-2', () => {
    for (const name of ['bsi', 'kba-minimum'] as const) {
      const options = presetConnectionOptions(getTlsPreset(name));
      expect(options.minVersion).toBe('TLSv1.2');
      expect(options.maxVersion).toBe('TLSv1.3');
      expect(options.ciphers).not.toMatch(/CHACHA|SHA1\b|-SHA:|RSA-AES\d+-SHA$|^AES|:AES|CCM8|CCM_8/);
      expect(options.ecdhCurve).not.toMatch(/X25519|X448/i);
      expect(options.sigalgs).not.toMatch(/pkcs1|rsa_pkcs|ed25519/i);
    }
    expect(getTlsPreset('bsi').minimumKeySizes).toEqual({ rsa: 3000, dh: 3000, ec: 250 });
    expect(getTlsPreset('kba-minimum').minimumKeySizes).toEqual({ rsa: 2048, dh: 2048, ec: 224 });
    expect(() => getTlsPreset('none' as never)).toThrow(KbaWsError);
  });

  it('refuses a server that only offers TLS 1.1', async () => {
    await expectRefusedConnection('TLS_PROTOCOL_REJECTED', {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
  });

  it('refuses a TLS 1.2 server that only offers suites outside the TR (CBC with SHA-1, ChaCha20)', async () => {
    for (const ciphers of ['ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA', 'ECDHE-RSA-CHACHA20-POLY1305']) {
      await expectRefusedConnection('TLS_NO_SHARED_ALGORITHMS', { maxVersion: 'TLSv1.2', ciphers });
    }
  });

  it('refuses a TLS 1.3 server that only offers ChaCha20 or only X25519', async () => {
    for (const extra of [
      { ciphers: 'TLS_CHACHA20_POLY1305_SHA256', minVersion: 'TLSv1.3' as const },
      { ecdhCurve: 'X25519', minVersion: 'TLSv1.3' as const },
    ]) {
      await expectRefusedConnection('TLS_NO_SHARED_ALGORITHMS', extra);
    }
  });

  it('negotiates TLS 1.2 with an AEAD suite when the server stops at 1.2', async () => {
    const server = await startSoapServer({ maxVersion: 'TLSv1.2' });
    const client = await createKbaClient(await clientOptions(server, memorySink()));
    try {
      const result = await client.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(result.connection.protocol).toBe('TLSv1.2');
      expect(result.connection.cipher).toMatch(/^TLS_ECDHE_RSA_WITH_AES_(128|256)_GCM_SHA(256|384)$/);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reports CLIENT_CERTIFICATE_REJECTED when a server (openssl s_server) refuses the client certificate with an alert', async () => {
    const pki = await getTestPki();
    const otherRoot = await TestCertificateAuthority.createRoot({
      name: 'foreignClientRoot',
      commonName: 'Foreign',
    });
    for (const version of ['-tls1_2', '-tls1_3']) {
      const directory = mkdtempSync(join(tmpdir(), 'kba-s-server-'));
      writeFileSync(join(directory, 'chain.pem'), pki.certificates.kbaServer.chainPem);
      writeFileSync(join(directory, 'key.pem'), pki.certificates.kbaServer.privateKeyPem);
      writeFileSync(join(directory, 'client-ca.pem'), otherRoot.certificate.certificatePem);
      const port = await getFreePort();
      const server = await startServerProcess({
        name: 'openssl-s_server',
        command: 'openssl',
        debianPackage: 'openssl',
        directory,
        args: [
          's_server',
          '-quiet',
          '-accept',
          `127.0.0.1:${port}`,
          '-cert',
          join(directory, 'chain.pem'),
          '-key',
          join(directory, 'key.pem'),
          '-CAfile',
          join(directory, 'client-ca.pem'),
          '-Verify',
          '1',
          '-verify_return_error',
          version,
        ],
        isReady: () => isPortAccepting(port),
      });
      const client = await createKbaClient(
        await clientOptions({ url: `https://127.0.0.1:${port}` }, memorySink()),
      );
      try {
        const error = await expectKbaError(
          client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
          'CLIENT_CERTIFICATE_REJECTED',
        );
        expect(error.details?.reason).toMatch(/ALERT/);
      } finally {
        await client.close();
        await server.stop();
      }
    }
  });

  it('reports a TLS 1.3 server that silently closes after the handshake (node:tls refusing the client certificate)', async () => {
    const otherRoot = await TestCertificateAuthority.createRoot({
      name: 'foreignClientRoot2',
      commonName: 'Foreign',
    });
    const { error } = await expectRefusedConnection('CLIENT_CERTIFICATE_REJECTED', {
      clientCa: otherRoot.certificate.certificatePem,
      minVersion: 'TLSv1.3',
    });
    expect(error.details?.reason).toBe('CLOSED_AFTER_HANDSHAKE');
  });

  it('accepts an RSA-2048 server with kba-minimum but not with bsi', async () => {
    const pki = await getTestPki();
    const authority = await pki.issuingAuthority();
    const rsa2048 = await authority.issue({
      name: 'kbaServer2048',
      commonName: 'kba-2048.test',
      profile: 'tls-server',
      key: { type: 'rsa', bits: 2048 },
    });
    const server = await startSoapServer({ certificate: rsa2048 });
    const minimum = await createKbaClient(
      await clientOptions(server, memorySink(), { tlsPreset: 'kba-minimum' }),
    );
    const bsi = await createKbaClient(await clientOptions(server, memorySink(), { tlsPreset: 'bsi' }));
    try {
      const result = await minimum.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(result.status).toBe(200);
      await expectKbaError(
        bsi.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
        'SERVER_KEY_TOO_WEAK',
      );
    } finally {
      await minimum.close();
      await bsi.close();
      await server.close();
    }
  });

  it('reports chain certificates signed with RSA PKCS#1 v1.5, and refuses them on request', async () => {
    const root = await TestCertificateAuthority.createRoot({
      name: 'rsaRoot',
      commonName: 'RSA PKCS#1 root',
      key: { type: 'rsa', bits: 3072 },
    });
    const leaf = await root.issue({
      name: 'pkcs1Leaf',
      commonName: 'kba-pkcs1.test',
      profile: 'tls-server',
      key: { type: 'rsa', bits: 3072 },
    });
    const server = await startSoapServer({ certificate: leaf });
    const sink = memorySink();
    const trustAnchors = { caPem: root.certificate.certificatePem };
    const reporting = await createKbaClient(await clientOptions(server, sink, { trustAnchors }));
    const refusing = await createKbaClient(
      await clientOptions(server, memorySink(), { trustAnchors, legacyChainSignatures: 'refuse' }),
    );
    try {
      const result = await reporting.call('auskunft', 'fahrzeugAuskunft', requestBody, {
        context: validContext,
      });
      expect(result.connection.legacyChainSignatures).toHaveLength(1);
      const event = sink.events.find((item) => item['event.name'] === 'kba.tls.legacy_chain_signature');
      expect(event?.['kba.tls.chain.legacy_signatures']).toEqual([
        expect.stringContaining('sha256WithRSAEncryption'),
      ]);
      await expectKbaError(
        refusing.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
        'SERVER_CHAIN_LEGACY_SIGNATURE',
      );
    } finally {
      await reporting.close();
      await refusing.close();
      await server.close();
    }
  });
});
