import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type PeerCertificate,
  type SecureVersion,
  type TLSSocket,
  type TlsOptions,
  type Server as TlsServer,
} from 'node:tls';
import { getTestPki } from '../pki/test-pki.js';
import { LOOPBACK } from './process.js';

/** Anything with a PEM chain and key, such as a `TestCertificate` of the test PKI. */
export interface TlsServerCertificate {
  readonly chainPem: string;
  readonly privateKeyPem: string;
}

export interface TestTlsServerOptions {
  readonly certificate: TlsServerCertificate;
  /** Default TLSv1.2. */
  readonly minVersion?: SecureVersion;
  /** Default TLSv1.3. */
  readonly maxVersion?: SecureVersion;
  /** OpenSSL cipher list; TLS 1.3 suites are included as in Node's `ciphers` option. */
  readonly ciphers?: string;
  /** Signature algorithms the server accepts and uses, e.g. `rsa_pss_rsae_sha256:ecdsa_secp256r1_sha256`. */
  readonly sigalgs?: string;
  /** Groups for key exchange, e.g. `P-256:P-384`. */
  readonly ecdhCurve?: string;
  /** Ask for (`request`) or insist on (`require`) a client certificate. Default `none`. */
  readonly clientCertificate?: 'none' | 'request' | 'require';
  /** Trust anchors for client certificates. Default: the test PKI root. */
  readonly clientCa?: string;
  /** CRLs checked for client certificates. */
  readonly crl?: string;
  /** Extra node:tls options for special cases (session tickets, ALPN, ...). */
  readonly tlsOptions?: TlsOptions;
}

/** What the server saw of one TLS connection. */
export interface TlsConnectionInfo {
  readonly protocol: string | null;
  readonly cipher: string;
  readonly servername: string | undefined;
  readonly sessionReused: boolean;
  readonly clientCertificateSubject: string | undefined;
  /** Whether the client certificate verified against `clientCa`. */
  readonly clientAuthorized: boolean;
  readonly clientAuthorizationError: string | undefined;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
}

interface ListeningServer {
  readonly host: string;
  readonly port: number;
  /** Every TLS connection the server completed, oldest first. */
  readonly connections: readonly TlsConnectionInfo[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface TestTlsServer extends ListeningServer {
  readonly server: TlsServer;
}

export interface TestHttpsServer extends ListeningServer {
  /** `https://127.0.0.1:<port>`; the test PKI's server certificates carry 127.0.0.1 as an IP address name. */
  readonly url: string;
}

export interface TestHttpsServerOptions extends TestTlsServerOptions {
  /** Default: answers 200 with a JSON description of the request and its TLS connection. */
  readonly handler?: (request: IncomingMessage, response: ServerResponse) => void;
}

function describeConnection(socket: TLSSocket): TlsConnectionInfo {
  const peer = socket.getPeerCertificate() as PeerCertificate | Record<string, never>;
  const subject =
    'subject' in peer && peer.subject
      ? Object.entries(peer.subject)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
      : undefined;
  const authorizationError = socket.authorizationError;
  return {
    protocol: socket.getProtocol(),
    cipher: socket.getCipher().standardName,
    servername: (socket as TLSSocket & { servername?: string | false }).servername || undefined,
    sessionReused: socket.isSessionReused(),
    clientCertificateSubject: subject,
    clientAuthorized: socket.authorized,
    clientAuthorizationError:
      authorizationError === undefined || authorizationError === null
        ? undefined
        : String(authorizationError),
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
  };
}

async function secureContextOptions(options: TestTlsServerOptions): Promise<TlsOptions> {
  const clientCertificate = options.clientCertificate ?? 'none';
  const clientCa =
    clientCertificate === 'none' ? undefined : (options.clientCa ?? (await getTestPki()).trustAnchorPem);
  return {
    cert: options.certificate.chainPem,
    key: options.certificate.privateKeyPem,
    minVersion: options.minVersion ?? 'TLSv1.2',
    maxVersion: options.maxVersion ?? 'TLSv1.3',
    ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers }),
    ...(options.sigalgs === undefined ? {} : { sigalgs: options.sigalgs }),
    ...(options.ecdhCurve === undefined ? {} : { ecdhCurve: options.ecdhCurve }),
    ...(clientCa === undefined ? {} : { ca: clientCa }),
    ...(options.crl === undefined ? {} : { crl: options.crl }),
    requestCert: clientCertificate !== 'none',
    // Authorisation is recorded per connection; `require` still rejects unauthorised clients.
    rejectUnauthorized: clientCertificate === 'require',
    ...options.tlsOptions,
  };
}

/** Listens on 127.0.0.1 with a free port and wires close() to also end open connections. */
async function listen(server: TlsServer): Promise<ListeningServer> {
  const sockets = new Set<Socket>();
  const connections: TlsConnectionInfo[] = [];
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: TLSSocket) => connections.push(describeConnection(socket)));
  // Failed handshakes are expected in negative tests; they must not crash the process.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('TLS test server has no address');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return { host: LOOPBACK, port: address.port, connections, close, [Symbol.asyncDispose]: close };
}

/**
 * A TLS server on 127.0.0.1 built from node:tls, with configurable protocol versions, ciphers, groups,
 * signature algorithms and client-certificate demands. By default it writes `hello\n` and closes.
 */
export async function startTlsServer(
  options: TestTlsServerOptions & { onConnection?: (socket: TLSSocket) => void },
): Promise<TestTlsServer> {
  const server = createTlsServer(await secureContextOptions(options), (socket) => {
    if (options.onConnection) options.onConnection(socket);
    else socket.end('hello\n');
  });
  return { ...(await listen(server)), server };
}

function describeRequest(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket as TLSSocket;
  const body = JSON.stringify({
    method: request.method,
    url: request.url,
    headers: request.headers,
    tls: describeConnection(socket),
  });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** An HTTPS server on 127.0.0.1 built from node:https, with the same TLS settings as `startTlsServer`. */
export async function startHttpsServer(options: TestHttpsServerOptions): Promise<TestHttpsServer> {
  const server = createHttpsServer(await secureContextOptions(options), options.handler ?? describeRequest);
  const listening = await listen(server);
  return { ...listening, url: `https://${LOOPBACK}:${listening.port}` };
}
