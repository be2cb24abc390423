import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import {
  getTestPki,
  startHttpsServer,
  type TestHttpsServer,
  type TestHttpsServerOptions,
} from '@egovkit/testkit';
import { expect } from 'vitest';
import {
  type AuditEvent,
  type AuditSink,
  createKbaClient,
  type KbaClientOptions,
  type KbaWsError,
  type KbaWsErrorCode,
} from '../../src/index.js';
import { expectKbaError } from './errors.js';

export interface ReceivedRequest {
  readonly path: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly remotePort: number | undefined;
  readonly clientSubject: string | undefined;
}

export interface SoapTestServer extends TestHttpsServer {
  readonly requests: ReceivedRequest[];
}

export type SoapResponder = (request: ReceivedRequest) => {
  status?: number;
  contentType?: string;
  body: string;
};

export const echoResponder: SoapResponder = (request) => ({
  body:
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soap:Body><ns:antwort xmlns:ns="urn:test"><ns:laenge>${request.body.length}</ns:laenge><ns:status>OK</ns:status></ns:antwort></soap:Body></soap:Envelope>`,
});

/** An HTTPS SOAP double of a KBA service on 127.0.0.1; records every request it receives. */
export async function startSoapServer(
  options: Partial<TestHttpsServerOptions> & { responder?: SoapResponder; closeAfterResponse?: boolean } = {},
): Promise<SoapTestServer> {
  const pki = await getTestPki();
  const requests: ReceivedRequest[] = [];
  const responder = options.responder ?? echoResponder;
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const socket = request.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      const received: ReceivedRequest = {
        path: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: socket.remotePort,
        clientSubject: [peer?.subject?.CN].flat()[0],
      };
      requests.push(received);
      const answer = responder(received);
      response.writeHead(answer.status ?? 200, {
        'content-type': answer.contentType ?? 'text/xml; charset=utf-8',
        'content-length': Buffer.byteLength(answer.body),
        ...(options.closeAfterResponse === true ? { connection: 'close' } : {}),
      });
      response.end(answer.body);
    });
  };
  const server = await startHttpsServer({
    certificate: pki.certificates.kbaServer,
    clientCertificate: 'require',
    ...options,
    handler,
  });
  return Object.assign(server, { requests });
}

/** An audit sink that keeps events in memory and can be told to fail. */
export function memorySink(): AuditSink & { events: AuditEvent[]; failWith: Error | undefined } {
  const sink = {
    events: [] as AuditEvent[],
    failWith: undefined as Error | undefined,
    async write(event: AuditEvent) {
      if (sink.failWith !== undefined) throw sink.failWith;
      sink.events.push(event);
    },
  };
  return sink;
}

export const validContext = {
  userId: 'MUS-4711',
  orgUnit: 'Zulassungsstelle Musterkreis, SG 31',
  deviceId: 'ws-31-07',
  reasonCode: 1,
} as const;

/** Options for a client against `server` with the test PKI's KBA client certificate. */
export async function clientOptions(
  server: { url: string },
  sink: AuditSink,
  overrides: Partial<KbaClientOptions> = {},
): Promise<KbaClientOptions> {
  const pki = await getTestPki();
  return {
    endpoint: server.url,
    services: { auskunft: { path: '/ws/auskunft', idempotentOperations: ['fahrzeugAuskunft'] } },
    trustAnchors: { caPem: pki.trustAnchorPem },
    clientCertificate: {
      pkcs12: pki.certificates.kbaClient.pkcs12,
      password: pki.certificates.kbaClient.pkcs12Password,
    },
    audit: { sinks: [sink] },
    ...overrides,
  };
}

export const requestBody =
  '<ns:anfrage xmlns:ns="urn:test"><ns:kennzeichen>MU-XY 123</ns:kennzeichen></ns:anfrage>';

/**
 * Starts a SOAP double with `serverOptions`, makes one call to it with a fresh client and expects the call
 * refused with `code` before any request reached the server. Closes both; returns the error and the events.
 */
export async function expectRefusedConnection(
  code: KbaWsErrorCode,
  serverOptions: Parameters<typeof startSoapServer>[0] = {},
  clientOverrides: Partial<KbaClientOptions> = {},
): Promise<{ error: KbaWsError; events: AuditEvent[] }> {
  const server = await startSoapServer(serverOptions);
  const sink = memorySink();
  const client = await createKbaClient(await clientOptions(server, sink, clientOverrides));
  try {
    const error = await expectKbaError(
      client.call('auskunft', 'fahrzeugAuskunft', requestBody, { context: validContext }),
      code,
    );
    expect(server.requests).toHaveLength(0);
    return { error, events: sink.events };
  } finally {
    await client.close();
    await server.close();
  }
}
