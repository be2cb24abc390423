import { createHash, randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { type ConnectionOptions, connect, createSecureContext, type TLSSocket } from 'node:tls';
import { Agent, type buildConnector } from 'undici';
import { type AuditAttributes, AuditEmitter } from './audit/emitter.js';
import type { AuditSink } from './audit/types.js';
import { type RequestContext, type ResolvedRequestContext, resolveRequestContext } from './context.js';
import { KbaWsError } from './errors.js';
import { type Redactor, redactPersonalData } from './redaction.js';
import {
  buildSecurityStatement,
  probeServer,
  type SecurityStatement,
  type SecurityStatementInput,
} from './security-statement.js';
import {
  buildSoapEnvelope,
  type InspectedSoapResponse,
  inspectSoapResponse,
  type ParsedSoapEnvelope,
  type SoapVersion,
  soapFaultError,
  soapRequestHeaders,
  type XmlContent,
  type XmlObject,
} from './soap.js';
import { type CertificateInfo, describeKey } from './tls/certificates.js';
import {
  type ClientCertificateSource,
  checkClientCertificate,
  type LoadedClientIdentity,
  loadClientIdentity,
} from './tls/client-identity.js';
import { PinSet } from './tls/pinning.js';
import { getTlsPreset, presetConnectionOptions, type TlsPreset, type TlsPresetName } from './tls/presets.js';
import {
  checkChain,
  classifyTransportError,
  type LegacyChainSignaturePolicy,
  type ServerVerification,
  verifyServer,
} from './tls/server-verification.js';
import { type ResolvedTrust, resolveTrustAnchors, type TrustAnchors } from './tls/trust.js';

/** How a service is reached: its path below the endpoint and its SOAP conventions. */
export interface ServiceDefinition {
  /** Path below the endpoint, e.g. `/ws/zfzr/auskunft`. */
  readonly path: string;
  /** Default `1.1`. */
  readonly soapVersion?: SoapVersion;
  /** SOAPAction is `actionPrefix + operation`; default: the operation name alone. */
  readonly actionPrefix?: string;
  /** Operations that may be retried after a connection failure (reads without side effects). */
  readonly idempotentOperations?: readonly string[];
}

export interface KbaClientTimeouts {
  /** TCP + TLS handshake. Default 10 s. */
  readonly connectMs?: number;
  /** Until response headers, and between body chunks. Default 60 s. */
  readonly responseMs?: number;
}

export interface KbaClientRetry {
  /** Attempts in all for idempotent operations (1 = no retry). Default 3. */
  readonly attempts?: number;
  /** First back-off delay; doubles per attempt, with jitter. Default 200 ms. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface KbaClientOptions {
  /** `https://host[:port]` of the KBA web services (or a test double). `http:` is refused. */
  readonly endpoint: string | URL;
  /** Services by name, as used in `call(service, ...)`. */
  readonly services: Readonly<Record<string, ServiceDefinition>>;
  /** Default `bsi`. */
  readonly tlsPreset?: TlsPresetName;
  /** Required; validation of the server certificate cannot be switched off. */
  readonly trustAnchors: TrustAnchors;
  /** CRLs (PEM) checked for the server chain. */
  readonly crl?: string | readonly string[];
  /** The KBA-issued client certificate. */
  readonly clientCertificate: ClientCertificateSource;
  /** SPKI SHA-256 pins (`sha256/<base64>`), at least two; rotate with `rotatePins()`. */
  readonly pins?: readonly string[];
  /** Default `report`. */
  readonly legacyChainSignatures?: LegacyChainSignaturePolicy;
  /** Host name to check the server certificate against (and send as SNI) when it differs from the endpoint's. */
  readonly servername?: string;
  readonly audit: {
    readonly sinks: readonly AuditSink[];
    /** Applied to SOAP fault texts and error messages that reach the audit log. Default: `redactPersonalData`. */
    readonly redact?: Redactor | false;
    /**
     * When the `kba.call.before` event must be acknowledged (durable) by every sink:
     * - `before-result` (default): the event is handed to the sinks before the request is sent, and the
     *   request goes out while they make it durable; no result is returned before both the before and the
     *   after event are acknowledged, so a failing sink withholds the result (`AUDIT_FAILED`). A sink that
     *   refuses at once (closed, failed earlier) still stops the call before it is sent.
     * - `before-send`: the request is sent only after the event is acknowledged; one more sync per call.
     */
    readonly beforeEventDurable?: 'before-result' | 'before-send';
  };
  readonly timeouts?: KbaClientTimeouts;
  readonly retry?: KbaClientRetry;
  /** Keep-alive connections to the endpoint. Default 8. */
  readonly connections?: number;
  /** Idle keep-alive connections are closed after this. Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Calls in flight at once; more wait in line. Default 64. */
  readonly maxConcurrentCalls?: number;
  /** Larger responses are cut off with `RESPONSE_TOO_LARGE`. Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * Resume TLS sessions (tickets) for faster reconnects. Default false. Node skips `checkServerIdentity` on
   * resumption; the client re-checks host name, key size and pins on every connection either way.
   */
  readonly tlsSessionResumption?: boolean;
  /** Warn this many days before the client certificate expires. Default 30. */
  readonly certificateExpiryWarningDays?: number;
  /** Clock for validity checks and event times. */
  readonly now?: () => Date;
}

export interface CallOptions {
  readonly context: RequestContext;
  readonly header?: XmlContent;
  /** Overrides the service's `idempotentOperations` for this call. */
  readonly idempotent?: boolean;
  readonly soapAction?: string;
  /** Overall limit for this call including retries. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Extra, non-personal attributes for the audit events (keys are prefixed with `kba.attribute.`). */
  readonly auditAttributes?: Readonly<Record<string, string | number | boolean>>;
}

/** The connection a call used, as recorded in its audit events. */
export interface ConnectionInfo {
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** `TLSv1.2` or `TLSv1.3`. */
  readonly protocol: string | undefined;
  /** IANA name of the negotiated suite. */
  readonly cipher: string | undefined;
  readonly sessionResumed: boolean;
  readonly serverCertificate: CertificateInfo | undefined;
  readonly matchedPins: readonly string[];
  /** Chain certificates signed with RSA PKCS#1 v1.5 or SHA-1. */
  readonly legacyChainSignatures: readonly string[];
}

/**
 * The answer to a call. The response was checked before the call returned (no DTD, well-formed, SOAP
 * version, no fault); `envelope` and `body` build the element tree on first access.
 */
export interface CallResult {
  readonly requestId: string;
  readonly messageId: string;
  readonly status: number;
  readonly envelope: ParsedSoapEnvelope;
  /** The SOAP body content, namespace prefixes removed. */
  readonly body: XmlObject;
  readonly responseXml: string;
  readonly connection: ConnectionInfo;
  readonly attempts: number;
  readonly durationMs: number;
}

class CallResultImpl implements CallResult {
  readonly requestId: string;
  readonly messageId: string;
  readonly status: number;
  readonly responseXml: string;
  readonly connection: ConnectionInfo;
  readonly attempts: number;
  readonly durationMs: number;
  readonly #inspected: InspectedSoapResponse;

  constructor(fields: Omit<CallResult, 'envelope' | 'body'> & { inspected: InspectedSoapResponse }) {
    this.requestId = fields.requestId;
    this.messageId = fields.messageId;
    this.status = fields.status;
    this.responseXml = fields.responseXml;
    this.connection = fields.connection;
    this.attempts = fields.attempts;
    this.durationMs = fields.durationMs;
    this.#inspected = fields.inspected;
  }

  get envelope(): ParsedSoapEnvelope {
    return this.#inspected.envelope();
  }

  get body(): XmlObject {
    return this.#inspected.envelope().body;
  }
}

// One process-wide subscription maps undici's request headers back to the socket that carried them.
const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = /\r\nx-request-id: ([0-9a-f-]{36})\r\n/i;
const socketWaiters = new Map<string, (socket: Socket) => void>();
let subscribed = false;
function watchRequestSockets(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:client:sendHeaders', (message) => {
    const { headers, socket } = message as { headers?: unknown; socket?: Socket };
    if (typeof headers !== 'string' || socket === undefined) return;
    const requestId = REQUEST_ID_PATTERN.exec(headers)?.[1];
    if (requestId === undefined) return;
    socketWaiters.get(requestId)?.(socket);
  });
}

const RETRYABLE_CODES = new Set(['CONNECTION_FAILED', 'CONNECT_TIMEOUT', 'RESPONSE_TIMEOUT']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);

const CLIENT_CERTIFICATE_VERDICT_WAIT_MS = 200;

function awaitServerVerdict(socket: TLSSocket, waitMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.off('session', onSession);
      socket.off('error', onError);
      socket.off('close', onClose);
      // Leave the TLS stack's callback first: writing from inside it stalls the connection.
      setImmediate(() => (error === undefined ? resolve() : reject(error)));
    };
    const onSession = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () =>
      done(
        new KbaWsError(
          'CLIENT_CERTIFICATE_REJECTED',
          'The server closed the connection right after the TLS 1.3 handshake, before any session ticket: it refused the client certificate.',
          { details: { reason: 'CLOSED_AFTER_HANDSHAKE' } },
        ),
      );
    const timer = setTimeout(() => done(), waitMs);
    timer.unref();
    socket.once('session', onSession);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

interface SocketState {
  readonly verification: ServerVerification;
  /** Connection-level findings not yet written to the audit log. */
  pendingFindings: boolean;
  /** Addresses and TLS parameters, fixed for the life of the connection. */
  info?: ConnectionInfo;
}

/**
 * Rejects when `promise` rejects at once (a sink that is closed or has failed before), else resolves without
 * waiting for it. `call()` gets here after an await, so inside a microtask: a next-tick callback queued
 * there runs only once the microtask queue is empty, and a rejection that needs no I/O has arrived by then.
 * Waiting for the next loop turn instead would cost up to a millisecond per call under load.
 */
function unlessRefusedAtOnce(promise: Promise<void>): Promise<void> {
  return Promise.race([promise, new Promise<void>((resolve) => process.nextTick(resolve))]);
}

/** Awaits the durability of a call's `kba.call.before` event; when it failed, the call's result is withheld. */
async function withheldUnlessLogged(beforeLogged: Promise<void>): Promise<void> {
  try {
    await beforeLogged;
  } catch (cause) {
    throw new KbaWsError(
      'AUDIT_FAILED',
      'The kba.call.before event could not be recorded; the result of the call is withheld.',
      { cause, details: { event: 'kba.call.before' } },
    );
  }
}

function positiveInteger(value: number | undefined, fallback: number, option: string, minimum = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < minimum) {
    throw new KbaWsError('CONFIG_INVALID', `${option} must be an integer ≥ ${minimum}.`, {
      details: { option, value },
    });
  }
  return value;
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Acquire-release limit for calls in flight. */
class Limiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];
  constructor(readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.#active < this.limit) {
      this.#active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#active -= 1;
    else next();
  }
}

/**
 * A client for the KBA web services. Create it with `createKbaClient()`, which checks the configuration
 * and the client certificate and refuses to start when they fail.
 */
export class KbaClient {
  readonly preset: TlsPreset;
  readonly #options: KbaClientOptions;
  readonly #origin: string;
  readonly #servername: string | undefined;
  readonly #serverAddress: string;
  readonly #serverPort: number;
  readonly #trust: ResolvedTrust;
  readonly #identity: LoadedClientIdentity;
  readonly #audit: AuditEmitter;
  readonly #redact: Redactor | false;
  readonly #beforeEventDurable: 'before-result' | 'before-send';
  readonly #now: () => Date;
  readonly #limiter: Limiter;
  readonly #connector: buildConnector.connector;
  readonly #sockets = new WeakMap<Socket, SocketState>();
  readonly #connectionAttributeCache = new WeakMap<ConnectionInfo, AuditAttributes>();
  readonly #retry: Required<KbaClientRetry>;
  readonly #timeouts: Required<KbaClientTimeouts>;
  readonly #maxResponseBytes: number;
  #pins: PinSet | undefined;
  #agent: Agent;
  #closed = false;

  /** @internal Use `createKbaClient()`. */
  constructor(
    options: KbaClientOptions,
    setup: {
      preset: TlsPreset;
      trust: ResolvedTrust;
      identity: LoadedClientIdentity;
      pins: PinSet | undefined;
    },
  ) {
    this.#options = options;
    this.preset = setup.preset;
    this.#trust = setup.trust;
    this.#identity = setup.identity;
    this.#pins = setup.pins;
    this.#now = options.now ?? (() => new Date());
    this.#audit = new AuditEmitter(options.audit?.sinks, this.#now);
    this.#redact = options.audit.redact ?? redactPersonalData;
    this.#beforeEventDurable = options.audit.beforeEventDurable ?? 'before-result';
    const endpoint = new URL(options.endpoint);
    this.#origin = endpoint.origin;
    this.#servername = options.servername;
    this.#serverAddress = options.servername ?? endpoint.hostname;
    this.#serverPort = Number(endpoint.port || 443);
    this.#limiter = new Limiter(positiveInteger(options.maxConcurrentCalls, 64, 'maxConcurrentCalls'));
    this.#retry = {
      attempts: positiveInteger(options.retry?.attempts, 3, 'retry.attempts'),
      baseDelayMs: positiveInteger(options.retry?.baseDelayMs, 200, 'retry.baseDelayMs', 0),
      maxDelayMs: positiveInteger(options.retry?.maxDelayMs, 2_000, 'retry.maxDelayMs', 0),
    };
    this.#timeouts = {
      connectMs: positiveInteger(options.timeouts?.connectMs, 10_000, 'timeouts.connectMs'),
      responseMs: positiveInteger(options.timeouts?.responseMs, 60_000, 'timeouts.responseMs'),
    };
    this.#maxResponseBytes = positiveInteger(options.maxResponseBytes, 16 * 1024 * 1024, 'maxResponseBytes');
    this.#connector = this.#buildConnector();
    this.#agent = this.#buildAgent();
    watchRequestSockets();
  }

  /** The pins in force. */
  get pins(): readonly string[] | undefined {
    return this.#pins?.pins;
  }

  /** The client certificate as loaded and checked at start-up. */
  get clientCertificate(): CertificateInfo {
    return this.#identity.certificate;
  }

  #buildConnector(): buildConnector.connector {
    const crl = this.#options.crl;
    const preset = presetConnectionOptions(this.preset);
    // One secure context for all connections: keys, PKCS#12 and CA bundle are parsed once, not per handshake.
    const secureContext = createSecureContext({
      ...preset,
      ...this.#identity.tlsOptions,
      ca: this.#trust.ca,
      ...(crl === undefined ? {} : { crl: typeof crl === 'string' ? crl : [...crl] }),
    });
    const tlsOptions: ConnectionOptions = {
      secureContext,
      minVersion: preset.minVersion,
      maxVersion: preset.maxVersion,
      minDHSize: preset.minDHSize,
      // Always on: there is no way to accept an unvalidated server.
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    };
    const resumption = this.#options.tlsSessionResumption === true;
    // Sessions with the chain verified when each was made: a resumed handshake carries no certificate, so
    // the pins and key policy are re-checked against that chain (Node skips checkServerIdentity there).
    const sessions = new Map<string, { session: Buffer; chain: readonly CertificateInfo[] }>();
    return (connectOptions, callback) => {
      const hostname = connectOptions.hostname;
      const servername = this.#servername ?? (isIP(hostname) === 0 ? hostname : undefined);
      const port = Number(connectOptions.port || 443);
      const sessionKey = `${hostname}:${port}:${servername ?? ''}`;
      const cached = resumption ? sessions.get(sessionKey) : undefined;
      let settled = false;
      const socket = connect({
        ...tlsOptions,
        host: hostname,
        port,
        ...(servername === undefined ? {} : { servername }),
        ...(cached === undefined ? {} : { session: cached.session }),
      });
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === null) {
          callback(null, socket);
        } else {
          socket.destroy();
          callback(error, null);
        }
      };
      const timer = setTimeout(
        () =>
          settle(
            new KbaWsError('CONNECT_TIMEOUT', `Connecting to ${hostname}:${port} timed out.`, {
              details: { timeoutMs: this.#timeouts.connectMs },
            }),
          ),
        this.#timeouts.connectMs,
      );
      socket.on('error', (error) => settle(error));
      if (resumption) {
        socket.on('session', (session: Buffer) => {
          const state = this.#sockets.get(socket);
          if (state !== undefined) sessions.set(sessionKey, { session, chain: state.verification.chain });
        });
      }
      socket.once('secureConnect', () => {
        const policy = {
          preset: this.preset,
          pins: this.#pins,
          legacyChainSignatures: this.#options.legacyChainSignatures ?? 'report',
        } as const;
        const verifyAs = this.#servername ?? hostname;
        const result =
          socket.isSessionReused() && cached !== undefined
            ? checkChain(verifyAs, cached.chain, policy)
            : verifyServer(verifyAs, socket.getPeerCertificate(true), policy);
        if ('error' in result) {
          sessions.delete(sessionKey);
          settle(result.error);
          return;
        }
        this.#sockets.set(socket, {
          verification: result,
          pendingFindings: result.legacySignatures.length > 0 || result.noBackupPin,
        });
        if (socket.getProtocol() !== 'TLSv1.3' || socket.isSessionReused()) {
          settle(null);
          return;
        }
        // In TLS 1.3 the server judges the client certificate after the client has finished the handshake.
        // Waiting for its verdict (a session ticket, or an alert) before sending keeps a rejection from
        // turning into a bare ECONNRESET when the server closes on unread request data.
        awaitServerVerdict(socket, CLIENT_CERTIFICATE_VERDICT_WAIT_MS).then(
          () => settle(null),
          (verdictError: Error) => settle(verdictError),
        );
      });
    };
  }

  #buildAgent(): Agent {
    return new Agent({
      connect: this.#connector,
      connections: positiveInteger(this.#options.connections, 8, 'connections'),
      keepAliveTimeout: positiveInteger(this.#options.keepAliveTimeoutMs, 30_000, 'keepAliveTimeoutMs'),
      headersTimeout: this.#timeouts.responseMs,
      bodyTimeout: this.#timeouts.responseMs,
      pipelining: 1,
    });
  }

  /**
   * Replaces the pin set without a restart. New connections are checked against the new pins at once;
   * open keep-alive connections are closed after their current request.
   */
  async rotatePins(pins: readonly string[]): Promise<void> {
    const next = PinSet.from(pins);
    await this.#audit.emit('kba.pins.rotated', {
      'kba.pins.previous': this.#pins?.pins ?? [],
      'kba.pins.current': next.pins,
    });
    this.#pins = next;
    const previous = this.#agent;
    this.#agent = this.#buildAgent();
    void previous.close().catch(() => undefined);
  }

  /** The effective TLS configuration for the security concept and network plan. */
  securityStatement(): SecurityStatement {
    return buildSecurityStatement(this.#statementInput());
  }

  /** The statement plus what one live handshake with the endpoint negotiates. */
  async probeSecurityStatement(): Promise<SecurityStatement> {
    return probeServer(this.securityStatement(), {
      preset: this.preset,
      trust: this.#trust,
      identity: this.#identity,
      timeoutMs: this.#timeouts.connectMs,
      ...(this.#options.crl === undefined ? {} : { crl: this.#options.crl }),
    });
  }

  #statementInput(): SecurityStatementInput {
    return {
      preset: this.preset,
      endpoint: this.#origin,
      servername: this.#servername,
      trust: this.#trust,
      clientCertificate: this.#identity.certificate,
      pins: this.#pins?.pins,
      legacyChainSignatures: this.#options.legacyChainSignatures ?? 'report',
      sessionResumption: this.#options.tlsSessionResumption === true,
      revocationLists: this.#options.crl !== undefined,
      now: this.#now(),
    };
  }

  /**
   * Sends `body` as a SOAP request to `operation` of `service` and returns the parsed response. Refused
   * without a valid request context; audit events are written before and after, and a failing audit sink
   * stops the call (before) or withholds its result (after).
   */
  async call(
    service: string,
    operation: string,
    body: XmlContent,
    options: CallOptions,
  ): Promise<CallResult> {
    if (this.#closed) throw new KbaWsError('CLIENT_CLOSED', 'The client has been closed.');
    const context = resolveRequestContext(options?.context);
    const definition = this.#options.services[service];
    if (definition === undefined || typeof definition.path !== 'string') {
      throw new KbaWsError('CONFIG_INVALID', `No service "${service}" is configured.`, {
        details: { service, configured: Object.keys(this.#options.services) },
      });
    }
    if (typeof operation !== 'string' || operation === '') {
      throw new KbaWsError('CONFIG_INVALID', 'The operation must be a non-empty string.');
    }
    const version = definition.soapVersion ?? '1.1';
    const envelope = buildSoapEnvelope({
      version,
      body,
      ...(options.header === undefined ? {} : { header: options.header }),
    });
    const payload = Buffer.from(envelope, 'utf8');
    const payloadDigest = sha256Hex(payload);
    const idempotent = options.idempotent ?? definition.idempotentOperations?.includes(operation) ?? false;
    const attempts = idempotent ? this.#retry.attempts : 1;
    const action = options.soapAction ?? `${definition.actionPrefix ?? ''}${operation}`;
    const started = performance.now();
    const signals = [
      options.signal,
      options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
    ];
    const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    const signal =
      active.length === 0 ? undefined : active.length === 1 ? active[0] : AbortSignal.any(active);

    await this.#limiter.acquire();
    try {
      for (let attempt = 1; ; attempt += 1) {
        const requestId = randomUUID();
        const base: AuditAttributes = {
          ...this.#contextAttributes(context),
          'kba.request_id': requestId,
          'kba.service': service,
          'kba.operation': operation,
          'kba.attempt': attempt,
          'kba.soap.version': version,
          'url.full': `${this.#origin}${definition.path}`,
          'server.address': this.#serverAddress,
          'server.port': this.#serverPort,
          'kba.request.body.sha256': payloadDigest,
          'kba.request.body.size': payload.length,
        };
        if (options.auditAttributes !== undefined) {
          for (const [key, value] of Object.entries(options.auditAttributes))
            base[`kba.attribute.${key}`] = value;
        }
        // The sinks receive the event now, in chain order before anything is sent (emit hands it over
        // synchronously); its durability is awaited before sending or before the result, as configured.
        const beforeLogged = this.#audit.emit('kba.call.before', base);
        beforeLogged.catch(() => undefined); // awaited below; this only keeps an early rejection handled
        if (this.#beforeEventDurable === 'before-send') await beforeLogged;
        else await unlessRefusedAtOnce(beforeLogged);
        const exchange = await this.#exchange(definition.path, payload, version, action, requestId, signal);
        const durationMs = Math.round(performance.now() - started);
        if ('error' in exchange) {
          const error = exchange.error;
          const retry =
            attempt < attempts &&
            !signal?.aborted &&
            (RETRYABLE_CODES.has(error.code) ||
              (error.code === 'HTTP_STATUS' && RETRYABLE_STATUS.has(Number(error.details?.status))));
          await this.#recordFailure(base, error, exchange.connection, durationMs, retry);
          await withheldUnlessLogged(beforeLogged);
          if (!retry) throw error;
          await this.#backOff(attempt, signal);
          continue;
        }
        const { status, responseXml, inspected, connection } = exchange;
        const fault = inspected.fault;
        const faultError = fault === undefined ? undefined : soapFaultError(fault, status);
        await this.#flushConnectionFindings(exchange.socket, base);
        await this.#audit.emit(
          'kba.call.after',
          [
            base,
            this.#connectionAttributes(connection),
            {
              'http.response.status_code': status,
              'kba.response.body.sha256': sha256Hex(responseXml),
              'kba.response.body.size': Buffer.byteLength(responseXml),
              'kba.duration_ms': durationMs,
              ...(fault === undefined
                ? {}
                : {
                    'error.type': 'SOAP_FAULT',
                    'kba.soap.fault.code': fault.code,
                    'kba.soap.fault.reason': fault.reason,
                  }),
            },
          ],
          faultError === undefined ? 'success' : 'failure',
        );
        await withheldUnlessLogged(beforeLogged);
        if (faultError !== undefined) throw faultError;
        return new CallResultImpl({
          requestId,
          messageId: context.messageId,
          status,
          inspected,
          responseXml,
          connection,
          attempts: attempt,
          durationMs,
        });
      }
    } finally {
      this.#limiter.release();
    }
  }

  #contextAttributes(context: ResolvedRequestContext): AuditAttributes {
    return {
      'user.id': context.userId,
      'kba.org_unit': context.orgUnit,
      'device.id': context.deviceId,
      'kba.reason_code': context.reasonCode,
      'kba.case_reference': context.caseReference,
      'kba.reason_description': context.reasonDescription,
      'kba.message_id': context.messageId,
    };
  }

  #connectionAttributes(connection: ConnectionInfo | undefined): AuditAttributes {
    if (connection === undefined) return {};
    // The same for every call on a connection: computed once per connection.
    let attributes = this.#connectionAttributeCache.get(connection);
    if (attributes === undefined) {
      attributes = this.#computeConnectionAttributes(connection);
      this.#connectionAttributeCache.set(connection, attributes);
    }
    return attributes;
  }

  #computeConnectionAttributes(connection: ConnectionInfo): AuditAttributes {
    const certificate = connection.serverCertificate;
    return {
      'client.address': connection.localAddress,
      'client.port': connection.localPort,
      'network.peer.address': connection.remoteAddress,
      'network.peer.port': connection.remotePort,
      'tls.protocol.name': connection.protocol === undefined ? undefined : 'tls',
      'tls.protocol.version': connection.protocol?.replace(/^TLSv/, ''),
      'tls.cipher': connection.cipher,
      'tls.resumed': connection.sessionResumed,
      'tls.server.subject': certificate?.subject,
      'tls.server.issuer': certificate?.issuer,
      'tls.server.hash.sha256': certificate?.fingerprintSha256.toUpperCase(),
      'tls.server.not_after': certificate?.notAfter.toISOString(),
      'kba.tls.server.spki_pin': certificate?.spkiPin,
      'kba.tls.pins.matched': connection.matchedPins.length === 0 ? undefined : [...connection.matchedPins],
    };
  }

  async #flushConnectionFindings(socket: Socket | undefined, base: AuditAttributes): Promise<void> {
    const state = socket === undefined ? undefined : this.#sockets.get(socket);
    if (state === undefined || !state.pendingFindings) return;
    state.pendingFindings = false;
    const { verification } = state;
    if (verification.legacySignatures.length > 0) {
      await this.#audit.emit('kba.tls.legacy_chain_signature', {
        'kba.request_id': base['kba.request_id'],
        'server.address': base['server.address'],
        'kba.tls.chain.legacy_signatures': verification.legacySignatures.map(
          (certificate) => `${certificate.subject} (${certificate.signatureAlgorithm.name})`,
        ),
      });
    }
    if (verification.noBackupPin) {
      await this.#audit.emit('kba.pin.no_backup', {
        'kba.request_id': base['kba.request_id'],
        'server.address': base['server.address'],
        'kba.tls.pins.matched': [...verification.matchedPins],
      });
    }
  }

  async #recordFailure(
    base: AuditAttributes,
    error: KbaWsError,
    connection: ConnectionInfo | undefined,
    durationMs: number,
    willRetry: boolean,
  ): Promise<void> {
    const message = this.#redact === false ? error.message : this.#redact(error.message);
    try {
      if (error.code === 'PIN_MISMATCH') {
        await this.#audit.emit(
          'kba.pin.failure',
          {
            'kba.request_id': base['kba.request_id'],
            'server.address': base['server.address'],
            'server.port': base['server.port'],
            'kba.pins.expected': (error.details?.expected as string[] | undefined) ?? [],
            'kba.pins.presented': (error.details?.presented as string[] | undefined) ?? [],
          },
          'failure',
        );
      }
      await this.#audit.emit(
        'kba.call.failure',
        [
          base,
          this.#connectionAttributes(connection),
          {
            'error.type': error.code,
            'kba.error.message': message,
            'kba.duration_ms': durationMs,
            'kba.retry': willRetry,
            'http.response.status_code':
              typeof error.details?.status === 'number' ? error.details.status : undefined,
          },
        ],
        'failure',
      );
    } catch (auditError) {
      throw new KbaWsError(
        'AUDIT_FAILED',
        `The call failed (${error.code}) and its failure could not be logged.`,
        {
          cause: auditError,
          details: { callError: error.code },
        },
      );
    }
  }

  async #backOff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.round(ceiling * (0.5 + Math.random() / 2));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  async #exchange(
    path: string,
    payload: Buffer,
    version: SoapVersion,
    action: string,
    requestId: string,
    signal: AbortSignal | undefined,
  ): Promise<
    | { error: KbaWsError; connection: ConnectionInfo | undefined }
    | {
        status: number;
        responseXml: string;
        inspected: InspectedSoapResponse;
        connection: ConnectionInfo;
        socket: Socket | undefined;
      }
  > {
    // Described when the request goes out: a socket closed after the response no longer knows its TLS state.
    const used: { socket?: Socket; connection?: ConnectionInfo } = {};
    socketWaiters.set(requestId, (socket) => {
      used.socket = socket;
      used.connection = this.#describe(socket);
    });
    try {
      let response: Awaited<ReturnType<Agent['request']>>;
      try {
        response = await this.#agent.request({
          origin: this.#origin,
          path,
          method: 'POST',
          headers: { ...soapRequestHeaders(version, action), [REQUEST_ID_HEADER]: requestId },
          body: payload,
          ...(signal === undefined ? {} : { signal }),
        });
      } catch (cause) {
        return {
          error: classifyTransportError(cause, { phase: used.socket === undefined ? 'connect' : 'response' }),
          connection: used.connection,
        };
      }
      const connection = used.connection ?? this.#describe(used.socket);
      let responseXml: string;
      try {
        responseXml = await this.#readBody(response);
      } catch (cause) {
        return {
          error: cause instanceof KbaWsError ? cause : classifyTransportError(cause, { phase: 'response' }),
          connection,
        };
      }
      const status = response.statusCode;
      const contentType = String(response.headers['content-type'] ?? '');
      const looksLikeSoap = /xml/i.test(contentType) && responseXml.trim() !== '';
      if (!looksLikeSoap || (status !== 200 && status !== 500 && status !== 400)) {
        return {
          error: new KbaWsError(
            'HTTP_STATUS',
            `The server answered HTTP ${status} without a SOAP response.`,
            {
              details: { status, contentType },
            },
          ),
          connection,
        };
      }
      try {
        const inspected = inspectSoapResponse(responseXml, { version, redactFault: this.#redact });
        if (status !== 200 && inspected.fault === undefined) {
          return {
            error: new KbaWsError('HTTP_STATUS', `The server answered HTTP ${status} without a SOAP fault.`, {
              details: { status },
            }),
            connection,
          };
        }
        return { status, responseXml, inspected, connection, socket: used.socket };
      } catch (cause) {
        return { error: cause as KbaWsError, connection };
      }
    } finally {
      socketWaiters.delete(requestId);
    }
  }

  async #readBody(response: Awaited<ReturnType<Agent['request']>>): Promise<string> {
    const declared = Number(response.headers['content-length']);
    // Cutting a body short aborts it; the abort is expected and must not surface as an unhandled error.
    response.body.on('error', () => undefined);
    if (Number.isFinite(declared) && declared > this.#maxResponseBytes) {
      response.body.destroy();
      throw new KbaWsError('RESPONSE_TOO_LARGE', 'The response is larger than maxResponseBytes.', {
        details: { limit: this.#maxResponseBytes, declared },
      });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > this.#maxResponseBytes) {
        response.body.destroy();
        throw new KbaWsError('RESPONSE_TOO_LARGE', 'The response is larger than maxResponseBytes.', {
          details: { limit: this.#maxResponseBytes },
        });
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  #describe(socket: Socket | undefined): ConnectionInfo {
    const state = socket === undefined ? undefined : this.#sockets.get(socket);
    if (state?.info !== undefined) return state.info;
    const info = this.#describeSocket(socket, state);
    if (state !== undefined) state.info = info;
    return info;
  }

  #describeSocket(socket: Socket | undefined, state: SocketState | undefined): ConnectionInfo {
    const tlsSocket = socket as TLSSocket | undefined;
    const cipher = tlsSocket?.getCipher?.();
    return {
      localAddress: socket?.localAddress,
      localPort: socket?.localPort,
      remoteAddress: socket?.remoteAddress,
      remotePort: socket?.remotePort,
      protocol: tlsSocket?.getProtocol?.() ?? undefined,
      cipher: cipher?.standardName ?? cipher?.name,
      sessionResumed: tlsSocket?.isSessionReused?.() ?? false,
      serverCertificate: state?.verification.chain[0],
      matchedPins: state?.verification.matchedPins ?? [],
      legacyChainSignatures:
        state?.verification.legacySignatures.map((certificate) => certificate.subject) ?? [],
    };
  }

  /** Closes the connection pool after the calls in flight. Audit sinks belong to the caller and stay open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#agent.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Checks the configuration and the client certificate (validity, key size per preset, key usage), writes
 * a `kba.client.started` event (and `kba.certificate.expiry_warning` when expiry is near), and returns a
 * ready client. Throws a `KbaWsError` and starts nothing when a check fails.
 */
export async function createKbaClient(options: KbaClientOptions): Promise<KbaClient> {
  if (options === null || typeof options !== 'object') {
    throw new KbaWsError('CONFIG_INVALID', 'createKbaClient needs an options object.');
  }
  let endpoint: URL;
  try {
    endpoint = new URL(options.endpoint);
  } catch (cause) {
    throw new KbaWsError('CONFIG_INVALID', 'endpoint must be an absolute https: URL.', {
      cause,
      details: { option: 'endpoint' },
    });
  }
  if (endpoint.protocol !== 'https:') {
    throw new KbaWsError(
      'CONFIG_INVALID',
      'endpoint must use https: the KBA web services are reached over TLS only.',
      {
        details: { option: 'endpoint', protocol: endpoint.protocol },
      },
    );
  }
  if (options.services === null || typeof options.services !== 'object') {
    throw new KbaWsError('CONFIG_INVALID', 'services must map service names to { path }.', {
      details: { option: 'services' },
    });
  }
  const preset = getTlsPreset(options.tlsPreset ?? 'bsi');
  const trust = resolveTrustAnchors(options.trustAnchors);
  const identity = loadClientIdentity(options.clientCertificate);
  const now = options.now ?? (() => new Date());
  const warningDays = positiveInteger(
    options.certificateExpiryWarningDays,
    30,
    'certificateExpiryWarningDays',
    0,
  );
  const check = checkClientCertificate(identity.certificate, preset, now(), warningDays);
  const pins = options.pins === undefined ? undefined : PinSet.from(options.pins);
  if (options.audit === null || typeof options.audit !== 'object') {
    throw new KbaWsError(
      'CONFIG_INVALID',
      'audit.sinks is required: FZV § 69 requires every retrieval to be logged.',
      {
        details: { option: 'audit' },
      },
    );
  }
  const beforeEventDurable = options.audit.beforeEventDurable;
  if (
    beforeEventDurable !== undefined &&
    beforeEventDurable !== 'before-result' &&
    beforeEventDurable !== 'before-send'
  ) {
    throw new KbaWsError(
      'CONFIG_INVALID',
      "audit.beforeEventDurable must be 'before-result' or 'before-send'.",
      {
        details: { option: 'audit.beforeEventDurable', value: String(beforeEventDurable) },
      },
    );
  }
  const client = new KbaClient(options, { preset, trust, identity, pins });
  const certificate = identity.certificate;
  const emitter = new AuditEmitter(options.audit.sinks, now);
  const certificateAttributes = {
    'tls.client.subject': certificate.subject,
    'tls.client.issuer': certificate.issuer,
    'tls.client.not_after': certificate.notAfter.toISOString(),
    'tls.client.hash.sha256': certificate.fingerprintSha256.toUpperCase(),
    'kba.tls.client.serial_number': certificate.serialNumber,
    'kba.tls.client.key': describeKey(certificate.key),
  };
  try {
    await emitter.emit('kba.client.started', {
      ...certificateAttributes,
      'kba.tls.preset': preset.name,
      'kba.tls.trust_source': trust.source,
      'kba.tls.pins': pins?.pins ?? [],
      'url.full': endpoint.origin,
    });
    if (check.expiresSoon) {
      await emitter.emit('kba.certificate.expiry_warning', {
        ...certificateAttributes,
        'kba.tls.client.days_until_expiry': check.daysUntilExpiry,
      });
    }
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}
