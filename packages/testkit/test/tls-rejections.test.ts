import { type ConnectionOptions, connect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, startTlsServer, type TestCertificateName, type TestPki } from '../src/index.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

type HandshakeResult =
  | { ok: true; protocol: string | null }
  | { ok: false; code: string | undefined; message: string };

/** A real handshake: a node:tls server presenting `certificate`, and a client that trusts only the test root. */
async function handshake(
  certificate: TestCertificateName,
  client: ConnectionOptions = {},
): Promise<HandshakeResult> {
  await using server = await startTlsServer({ certificate: pki.certificates[certificate] });
  return await new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port: server.port,
      servername: 'localhost',
      ca: pki.trustAnchorPem,
      ...client,
    });
    socket.once('secureConnect', () => {
      resolve({ ok: true, protocol: socket.getProtocol() });
      socket.destroy();
    });
    socket.once('error', (error: Error & { code?: string }) =>
      resolve({ ok: false, code: error.code, message: error.message }),
    );
  });
}

describe('bad certificate variants fail a real TLS handshake for their own reason', () => {
  it('accepts the good server certificates (the control)', async () => {
    expect(await handshake('kbaServer')).toEqual({ ok: true, protocol: 'TLSv1.3' });
    expect(await handshake('kbaServerEc')).toEqual({ ok: true, protocol: 'TLSv1.3' });
    expect(await handshake('ldapServer')).toEqual({ ok: true, protocol: 'TLSv1.3' });
  });

  it('expired fails as expired', async () => {
    expect(await handshake('expired')).toMatchObject({ ok: false, code: 'CERT_HAS_EXPIRED' });
  });

  it('not yet valid fails as not yet valid', async () => {
    expect(await handshake('notYetValid')).toMatchObject({ ok: false, code: 'CERT_NOT_YET_VALID' });
  });

  it('wrong key usage fails as an unsuitable purpose', async () => {
    expect(await handshake('wrongKeyUsage')).toMatchObject({ ok: false, code: 'INVALID_PURPOSE' });
  });

  it('self-signed fails as self-signed', async () => {
    expect(await handshake('selfSigned')).toMatchObject({ ok: false, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('revoked fails as revoked once the CRLs are checked, and only then', async () => {
    expect(await handshake('revoked', { crl: [...pki.crls.all] })).toMatchObject({
      ok: false,
      code: 'CERT_REVOKED',
    });
    expect(await handshake('kbaServer', { crl: [...pki.crls.all] })).toMatchObject({ ok: true });
    expect(await handshake('revoked')).toMatchObject({ ok: true });
  });

  it('RSA-1024 fails as a too weak key under OpenSSL security level 2, which a 3072-bit key passes', async () => {
    const level2 = { ciphers: 'DEFAULT:@SECLEVEL=2' };
    const result = await handshake('rsa1024', level2);
    expect(result).toMatchObject({ ok: false });
    expect(result.ok === false && result.message).toMatch(/key too weak/i);
    expect(await handshake('kbaServer', level2)).toMatchObject({ ok: true });
  });

  it('wrong host name fails as a host name mismatch', async () => {
    const result = await handshake('wrongHostName');
    expect(result).toMatchObject({ ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(result.ok === false && result.message).toContain('wrong-host.egovkit.invalid');
  });

  it('an unknown root fails as unverifiable even for a good certificate', async () => {
    const result = await handshake('kbaServer', { ca: pki.certificates.selfSigned.certificatePem });
    expect(result).toMatchObject({ ok: false, code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  });
});
