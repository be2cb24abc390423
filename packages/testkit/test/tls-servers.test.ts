import { request } from 'node:https';
import { type ConnectionOptions, connect } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  getTestPki,
  issueSelfSigned,
  startHttpsServer,
  startTlsServer,
  type TestPki,
  type TestTlsServer,
} from '../src/index.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** Connects, reads until the server closes, and rejects on any TLS or socket error. */
function connectTo(server: TestTlsServer, options: ConnectionOptions = {}) {
  return new Promise<{ protocol: string | null; cipher: string; data: string }>((resolve, reject) => {
    const socket = connect({
      host: server.host,
      port: server.port,
      ca: pki.trustAnchorPem,
      servername: 'localhost',
      ...options,
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk;
    });
    socket.once('secureConnect', () => {
      const facts = { protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.once('end', () => resolve({ ...facts, data }));
    });
    socket.once('error', reject);
  });
}

/** A client certificate that no CA of the test PKI issued. */
function strangerClientCertificate() {
  return issueSelfSigned({
    name: 'stranger',
    commonName: 'stranger.egovkit.test',
    profile: 'tls-client',
    key: { type: 'ec', curve: 'P-256' },
  });
}

describe('startTlsServer', () => {
  it('limits protocol versions as configured', async () => {
    await using server = await startTlsServer({
      certificate: pki.certificates.kbaServer,
      maxVersion: 'TLSv1.2',
    });
    expect(await connectTo(server)).toMatchObject({ protocol: 'TLSv1.2', data: 'hello\n' });
    await expect(connectTo(server, { minVersion: 'TLSv1.3' })).rejects.toThrow(
      /protocol version|unsupported protocol/i,
    );
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]).toMatchObject({
      protocol: 'TLSv1.2',
      remoteAddress: '127.0.0.1',
      servername: 'localhost',
    });
  });

  it('limits cipher suites and groups as configured', async () => {
    await using server = await startTlsServer({
      certificate: pki.certificates.kbaServerEc,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384',
      ecdhCurve: 'P-384',
    });
    expect(await connectTo(server)).toMatchObject({ cipher: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' });
    await expect(connectTo(server, { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).rejects.toThrow(
      /handshake failure/i,
    );
    await expect(connectTo(server, { ecdhCurve: 'P-256' })).rejects.toThrow();
  });

  it('requires a client certificate from the test PKI when told to, and loads it from PKCS#12', async () => {
    await using server = await startTlsServer({
      certificate: pki.certificates.kbaServer,
      clientCertificate: 'require',
    });
    const client = pki.certificates.kbaClient;
    expect(await connectTo(server, { pfx: client.pkcs12, passphrase: client.pkcs12Password })).toMatchObject({
      data: 'hello\n',
    });
    expect(server.connections[0]).toMatchObject({
      clientAuthorized: true,
      clientCertificateSubject: expect.stringContaining('CN=Zulassungsstelle Musterkreis (Test)'),
    });
    // In TLS 1.3 the server rejects the client certificate after the client has finished its handshake,
    // so the refusal shows as an alert or a closed connection without data.
    await expect(connectTo(server)).rejects.toThrow(/certificate required/i);
    const stranger = await strangerClientCertificate();
    const refused = await connectTo(server, {
      cert: stranger.certificatePem,
      key: stranger.privateKeyPem,
    }).catch((error: Error) => error);
    // Either the alert reaches the client or the server just closes: never does it send data.
    expect(refused instanceof Error ? refused.message : refused.data).toMatch(/^$|unknown ca/i);
    expect(server.connections).toHaveLength(1);
  });

  it('records an unauthorised client certificate when it only requests one', async () => {
    await using server = await startTlsServer({
      certificate: pki.certificates.kbaServer,
      clientCertificate: 'request',
    });
    const stranger = await strangerClientCertificate();
    expect(
      await connectTo(server, { cert: stranger.certificatePem, key: stranger.privateKeyPem }),
    ).toMatchObject({
      data: 'hello\n',
    });
    expect(server.connections[0]).toMatchObject({
      clientAuthorized: false,
      clientAuthorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('ends open connections on close', async () => {
    const server = await startTlsServer({ certificate: pki.certificates.kbaServer, onConnection: () => {} });
    const closed = new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: server.host,
        port: server.port,
        ca: pki.trustAnchorPem,
        servername: 'localhost',
      });
      socket.once('secureConnect', () => void server.close());
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
    await closed;
    await server.close();
    await expect(connectTo(server)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('startHttpsServer', () => {
  it('answers with a JSON description of the request and its TLS connection', async () => {
    await using server = await startHttpsServer({ certificate: pki.certificates.kbaServer });
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${server.url}/probe?x=1`, { ca: pki.trustAnchorPem }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve(text));
      });
      req.once('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({
      method: 'GET',
      url: '/probe?x=1',
      tls: { protocol: 'TLSv1.3' },
    });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });
});
