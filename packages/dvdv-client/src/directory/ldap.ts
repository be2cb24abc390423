import { isIP, connect as netConnect, Socket } from 'node:net';
import {
  type ConnectionOptions,
  checkServerIdentity,
  type PeerCertificate,
  connect as tlsConnect,
} from 'node:tls';
import { Client, type Entry, ResultCodeError } from 'ldapts';
import { DvdvError, type DvdvErrorCode } from '../errors.js';
import { renderFilter } from '../ldap/filter.js';
import { BINARY_ATTRIBUTES } from '../schema.js';
import type {
  Directory,
  DirectoryCallOptions,
  DirectoryEntry,
  SearchRequest,
  ServerHealth,
} from './types.js';

/** TLS settings for LDAPS and StartTLS. The server certificate is always validated; there is no way off. */
export interface DvdvTlsOptions {
  /** Trust anchors (PEM) for the server certificate. Default: Node's bundled CA store. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate chain and key (PEM) where the DVDV server authenticates clients by certificate. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Minimum protocol version; default and floor `TLSv1.2`. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Host name to check the certificate against, when it differs from the URL's host. */
  readonly servername?: string;
  /** Extra check after the standard host name check, e.g. pinning; return an Error to reject. */
  readonly checkServerIdentity?: (hostname: string, certificate: PeerCertificate) => Error | undefined;
}

/** One DVDV server. `ldaps://` uses LDAPS; `ldap://` always upgrades with StartTLS before anything else. */
export interface DvdvServer {
  readonly url: string;
  /** Overrides the directory-wide TLS options for this server. */
  readonly tls?: DvdvTlsOptions;
}

export interface LdapDirectoryOptions {
  /** Servers in order of preference; later ones are used when earlier ones fail. */
  readonly servers: readonly (string | DvdvServer)[];
  /** Simple bind; anonymous when absent. */
  readonly bind?: { readonly dn: string; readonly password: string };
  readonly tls?: DvdvTlsOptions;
  /** TCP connect plus TLS handshake. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Each LDAP operation (bind, StartTLS, each search page). Default 5000 ms. */
  readonly operationTimeoutMs?: number;
  /** Page size for paged searches (RFC 2696). Default 100. */
  readonly pageSize?: number;
  /** How long a failed server is skipped before it is tried again. Default 30 000 ms. */
  readonly retryAfterMs?: number;
  /** Clock for health timestamps (tests). */
  readonly now?: () => Date;
}

interface Session {
  readonly client: Client;
  /** Set once the connection exists (after StartTLS or bind, else after the first search). */
  connected: boolean;
  /** The first operation of a session that connects lazily (LDAPS without bind). */
  first?: Promise<unknown>;
}

interface ServerState {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly tls: DvdvTlsOptions;
  session: Promise<Session> | undefined;
  /** The resolved `session`, to tell which session a failure belongs to. */
  sessionValue: Session | undefined;
  state: ServerHealth['state'];
  consecutiveFailures: number;
  lastSuccessAt: Date | undefined;
  lastFailureAt: Date | undefined;
  lastError: { code: string; message: string } | undefined;
  retryAt: Date | undefined;
  operations: number;
  failures: number;
}

/** A failure that another server might not have: try the next one. */
class FailoverError extends Error {
  readonly dvdvError: DvdvError;
  constructor(error: DvdvError) {
    super(error.message);
    this.dvdvError = error;
  }
}

const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO|TLS|SSL|HOSTNAME|ALTNAME/;

function positive(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result <= 0) {
    throw new DvdvError('DVDV_INVALID_ARGUMENT', `${name} must be a positive number`, {
      details: { [name]: value },
    });
  }
  return result;
}

function parseServer(server: string | DvdvServer, defaults: DvdvTlsOptions) {
  const url = typeof server === 'string' ? server : server.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new DvdvError('DVDV_INVALID_ARGUMENT', `not a URL: ${url}`, { cause: error });
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
    throw new DvdvError(
      'DVDV_INVALID_ARGUMENT',
      `a DVDV server URL starts with ldaps:// or ldap://: ${url}`,
      {
        details: { url },
      },
    );
  }
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search !== '' || parsed.username !== '') {
    throw new DvdvError('DVDV_INVALID_ARGUMENT', `a DVDV server URL has only scheme, host and port: ${url}`, {
      details: { url },
    });
  }
  const secure = parsed.protocol === 'ldaps:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return {
    url: `${parsed.protocol}//${parsed.host}`,
    host,
    port: parsed.port === '' ? (secure ? 636 : 389) : Number(parsed.port),
    secure,
    tls: { ...defaults, ...(typeof server === 'string' ? {} : (server.tls ?? {})) },
  };
}

function tlsConnectionOptions(server: { host: string; tls: DvdvTlsOptions }): ConnectionOptions {
  const { tls } = server;
  const hostname = tls.servername ?? server.host;
  const options: ConnectionOptions = {
    host: hostname,
    rejectUnauthorized: true,
    minVersion: tls.minVersion ?? 'TLSv1.2',
  };
  // SNI carries host names only (RFC 6066 § 3).
  if (isIP(hostname) === 0) options.servername = hostname;
  if (tls.ca !== undefined) options.ca = Array.isArray(tls.ca) ? [...tls.ca] : (tls.ca as string | Buffer);
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  const extra = tls.checkServerIdentity;
  if (extra !== undefined) {
    options.checkServerIdentity = (name, certificate) => {
      // The standard check first, then the caller's; neither can be skipped.
      const error = checkServerIdentity(name, certificate) ?? extra(name, certificate);
      // Marked so that the failure is reported as a TLS failure, whatever the hook returned.
      if (error !== undefined) (error as { code?: string }).code ??= 'ERR_TLS_CERT_REJECTED_BY_HOOK';
      return error;
    };
  }
  return options;
}

/** A socket that fails at once: used to stop ldapts from silently reconnecting without TLS or bind. */
function refusedSocket(): Socket {
  const socket = new Socket();
  process.nextTick(() =>
    socket.destroy(new Error('reconnect refused: the session is re-established by dvdv-client')),
  );
  return socket;
}

function classify(error: unknown, phase: 'connect' | 'bind' | 'search'): DvdvError {
  if (error instanceof DvdvError) return error;
  if (error instanceof ResultCodeError) {
    const code = error.code;
    if (phase === 'bind' && (code === 49 || code === 48 || code === 50)) {
      return new DvdvError('DVDV_BIND_FAILED', `the DVDV server rejected the bind: ${error.message}`, {
        cause: error,
        details: { resultCode: code },
      });
    }
    if (code === 4) {
      return new DvdvError('DVDV_SIZE_LIMIT_EXCEEDED', 'the search returned more entries than allowed', {
        cause: error,
        details: { resultCode: code },
      });
    }
    return new DvdvError('DVDV_LDAP_ERROR', `LDAP error ${code}: ${error.message}`, {
      cause: error,
      details: { resultCode: code },
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  let dvdvCode: DvdvErrorCode = 'DVDV_CONNECTION_FAILED';
  if (/timed? ?out/i.test(message)) dvdvCode = 'DVDV_TIMEOUT';
  else if (typeof code === 'string' && TLS_ERROR.test(code)) dvdvCode = 'DVDV_TLS_FAILED';
  else if (/certificate|handshake|ssl|tls/i.test(message)) dvdvCode = 'DVDV_TLS_FAILED';
  return new DvdvError(dvdvCode, `${phase}: ${message}`, {
    cause: error,
    details: typeof code === 'string' ? { phase, code } : { phase },
  });
}

/** Result codes that mean "this server cannot answer now": busy, unavailable, unwilling, server down. */
const FAILOVER_RESULT_CODES = new Set([51, 52, 53, 80, 81]);

function isFailover(error: DvdvError): boolean {
  if (error.code === 'DVDV_LDAP_ERROR') {
    return FAILOVER_RESULT_CODES.has(
      Number((error.details as { resultCode?: number } | undefined)?.resultCode),
    );
  }
  return (
    error.code === 'DVDV_TIMEOUT' ||
    error.code === 'DVDV_CONNECTION_FAILED' ||
    error.code === 'DVDV_TLS_FAILED'
  );
}

function toEntry(entry: Entry): DirectoryEntry {
  const attributes = new Map<string, (string | Buffer)[]>();
  for (const [name, value] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = Array.isArray(value) ? value : [value];
    attributes.set(name.toLowerCase(), values as (string | Buffer)[]);
  }
  return { dn: entry.dn, attributes };
}

function abortError(signal: AbortSignal): DvdvError {
  return new DvdvError('DVDV_ABORTED', 'the call was aborted or its deadline passed', {
    cause: signal.reason,
  });
}

/** Rejects when the signal fires, so a caller's deadline holds even while a server hangs. */
function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * DVDV servers over LDAP (ldapts): one TLS-protected session per server, opened lazily and re-opened after a
 * failure; servers tried in order, failing over on timeouts, connection loss and TLS failures.
 */
export class LdapDirectory implements Directory {
  readonly #servers: ServerState[];
  readonly #bind: LdapDirectoryOptions['bind'];
  readonly #connectTimeoutMs: number;
  readonly #operationTimeoutMs: number;
  readonly #pageSize: number;
  readonly #retryAfterMs: number;
  readonly #now: () => Date;
  #closed = false;

  constructor(options: LdapDirectoryOptions) {
    if (!Array.isArray(options.servers) || options.servers.length === 0) {
      throw new DvdvError('DVDV_INVALID_ARGUMENT', 'at least one DVDV server is needed');
    }
    const defaults = options.tls ?? {};
    this.#servers = options.servers.map((server) => ({
      ...parseServer(server, defaults),
      session: undefined,
      sessionValue: undefined,
      state: 'unknown',
      consecutiveFailures: 0,
      lastSuccessAt: undefined,
      lastFailureAt: undefined,
      lastError: undefined,
      retryAt: undefined,
      operations: 0,
      failures: 0,
    }));
    if (options.bind !== undefined && (options.bind.dn === '' || options.bind.password === '')) {
      // An empty password would make a simple bind unauthenticated (RFC 4513 § 5.1.2), not anonymous-by-choice.
      throw new DvdvError('DVDV_INVALID_ARGUMENT', 'bind needs a DN and a non-empty password');
    }
    this.#bind = options.bind;
    this.#connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 5000);
    this.#operationTimeoutMs = positive('operationTimeoutMs', options.operationTimeoutMs, 5000);
    this.#pageSize = positive('pageSize', options.pageSize, 100);
    this.#retryAfterMs = positive('retryAfterMs', options.retryAfterMs, 30_000);
    this.#now = options.now ?? (() => new Date());
  }

  health(): ServerHealth[] {
    return this.#servers.map((server) => ({
      url: server.url,
      state: server.state,
      consecutiveFailures: server.consecutiveFailures,
      lastSuccessAt: server.lastSuccessAt,
      lastFailureAt: server.lastFailureAt,
      lastError: server.lastError,
      retryAt: server.retryAt,
      operations: server.operations,
      failures: server.failures,
    }));
  }

  /** Servers to try: those not waiting out a failure in configured order, then the waiting ones. */
  #order(): ServerState[] {
    const now = this.#now().getTime();
    const ready = this.#servers.filter(
      (server) => server.retryAt === undefined || server.retryAt.getTime() <= now,
    );
    const waiting = this.#servers
      .filter((server) => !ready.includes(server))
      .sort((a, b) => (a.retryAt?.getTime() ?? 0) - (b.retryAt?.getTime() ?? 0));
    return [...ready, ...waiting];
  }

  async search(request: SearchRequest, options: DirectoryCallOptions = {}): Promise<DirectoryEntry[] | null> {
    if (this.#closed) throw new DvdvError('DVDV_CLIENT_CLOSED', 'the DVDV client is closed');
    const attempts: { url: string; code: string; message: string }[] = [];
    let last: DvdvError | undefined;
    for (const server of this.#order()) {
      if (options.signal?.aborted) throw abortError(options.signal);
      server.operations++;
      try {
        const result = await withSignal(this.#searchOn(server, request), options.signal);
        this.#succeeded(server);
        return result;
      } catch (error) {
        if (!(error instanceof FailoverError)) {
          // The server answered; it is healthy even if the answer is an error.
          if (!(error instanceof DvdvError && error.code === 'DVDV_ABORTED')) this.#succeeded(server);
          throw error;
        }
        last = error.dvdvError;
        this.#failed(server, last);
        attempts.push({ url: server.url, code: last.code, message: last.message });
      }
    }
    throw new DvdvError('DVDV_ALL_SERVERS_FAILED', `no DVDV server answered (${attempts.length} tried)`, {
      cause: last,
      details: { attempts },
    });
  }

  async #searchOn(server: ServerState, request: SearchRequest): Promise<DirectoryEntry[] | null> {
    let session: Session;
    const opening = server.session ?? this.#open(server);
    if (server.session === undefined) {
      server.session = opening;
      opening.then(
        (open) => {
          if (server.session === opening) server.sessionValue = open;
        },
        () => undefined,
      );
    }
    try {
      session = await opening;
    } catch (error) {
      if (server.session === opening) server.session = undefined;
      const classified = classify(error, 'connect');
      if (classified.code === 'DVDV_BIND_FAILED') throw classified;
      throw new FailoverError(classified);
    }
    if (session.connected && !session.client.isConnected) {
      // Lost since the last call: open a fresh session rather than letting ldapts reconnect in plain text.
      this.#discard(server, session);
      return this.#searchOn(server, request);
    }
    if (!session.connected && session.first !== undefined) {
      // An LDAPS session connects with its first operation; concurrent first operations would each open a
      // connection, so the others wait for it.
      await session.first.catch(() => undefined);
      return this.#searchOn(server, request);
    }
    const operation = this.#run(session, request);
    if (!session.connected) session.first = operation;
    try {
      const result = await operation;
      session.connected = true;
      return result;
    } catch (error) {
      if (error instanceof ResultCodeError && error.code === 32) {
        session.connected = true;
        return null;
      }
      const classified = classify(error, 'search');
      if (isFailover(classified)) {
        this.#discard(server, session);
        throw new FailoverError(classified);
      }
      session.connected = true;
      throw classified;
    }
  }

  async #run(session: Session, request: SearchRequest): Promise<DirectoryEntry[]> {
    const limit = request.sizeLimit ?? 0;
    const common = {
      scope: request.scope,
      filter: renderFilter(request.filter),
      timeLimit: Math.max(1, Math.ceil(this.#operationTimeoutMs / 1000)),
      explicitBufferAttributes: [...BINARY_ATTRIBUTES],
    };
    const tooMany = () =>
      new DvdvError('DVDV_SIZE_LIMIT_EXCEEDED', `more than ${limit} entries match`, {
        details: { sizeLimit: limit },
      });
    if (request.paged !== true) {
      // One more than the limit: ldapts returns a truncated result instead of the sizeLimitExceeded error.
      const { searchEntries } = await session.client.search(request.base, {
        ...common,
        sizeLimit: limit > 0 ? limit + 1 : 0,
      });
      if (limit > 0 && searchEntries.length > limit) throw tooMany();
      return searchEntries.map(toEntry);
    }
    // Paged: the server's size limit applies per page, so the caller's limit is enforced here, and no
    // further page is requested once it is passed.
    const entries: DirectoryEntry[] = [];
    for await (const page of session.client.searchPaginated(request.base, {
      ...common,
      paged: { pageSize: this.#pageSize },
    })) {
      entries.push(...page.searchEntries.map(toEntry));
      if (limit > 0 && entries.length > limit) throw tooMany();
    }
    return entries;
  }

  async #open(server: ServerState): Promise<Session> {
    let plainUsed = false;
    let secureUsed = false;
    const tlsOptions = tlsConnectionOptions(server);
    const client = new Client({
      url: `${server.secure ? 'ldaps' : 'ldap'}://${isIP(server.host) === 6 ? `[${server.host}]` : server.host}:${server.port}`,
      connectTimeout: this.#connectTimeoutMs,
      timeout: this.#operationTimeoutMs,
      strictDN: true,
      // ldapts treats any tlsOptions as "connect with TLS", so StartTLS servers get them only for the upgrade.
      ...(server.secure ? { tlsOptions } : {}),
      // Each session gets exactly one TCP connection and one TLS handshake; see refusedSocket().
      createConnection: ((port: number, host: string) => {
        if (plainUsed) return refusedSocket();
        plainUsed = true;
        return netConnect(port, host);
      }) as typeof netConnect,
      createSecureConnection: ((...args: Parameters<typeof tlsConnect>) => {
        if (secureUsed) return refusedSocket();
        secureUsed = true;
        return tlsConnect(...args);
      }) as typeof tlsConnect,
    });
    try {
      if (!server.secure) {
        // ldapts only sets the timer for the socket connect; the handshake needs its own.
        await this.#timed(client.startTLS({ ...tlsOptions }), 'StartTLS');
      }
      if (this.#bind !== undefined) {
        try {
          await client.bind(this.#bind.dn, this.#bind.password);
        } catch (error) {
          throw classify(error, 'bind');
        }
      }
      return { client, connected: !server.secure || this.#bind !== undefined };
    } catch (error) {
      // Not awaited: a half-open connection must not hold up the failover.
      client.unbind().catch(() => undefined);
      throw error;
    }
  }

  #timed<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), this.#connectTimeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  #discard(server: ServerState, session: Session): void {
    // Only the session that failed: a concurrent caller may already have opened a new one.
    if (server.sessionValue === session) {
      server.session = undefined;
      server.sessionValue = undefined;
    }
    session.client.unbind().catch(() => undefined);
  }

  #succeeded(server: ServerState): void {
    server.state = 'up';
    server.consecutiveFailures = 0;
    server.lastSuccessAt = this.#now();
    server.retryAt = undefined;
  }

  #failed(server: ServerState, error: DvdvError): void {
    const now = this.#now();
    server.state = 'down';
    server.consecutiveFailures++;
    server.failures++;
    server.lastFailureAt = now;
    server.lastError = { code: error.code, message: error.message };
    server.retryAt = new Date(now.getTime() + this.#retryAfterMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#servers.map(async (server) => {
        const opening = server.session;
        const open = server.sessionValue;
        server.session = undefined;
        server.sessionValue = undefined;
        if (open !== undefined) {
          await open.client.unbind().catch(() => undefined);
        } else {
          // Still connecting: close it when it gets there instead of waiting for a hung server.
          opening?.then(
            (late) => late.client.unbind().catch(() => undefined),
            () => undefined,
          );
        }
      }),
    );
  }
}
