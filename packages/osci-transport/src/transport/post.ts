import { Readable } from 'node:stream';
import { Agent, type Dispatcher, request } from 'undici';
import { OsciError } from '../errors.js';
import { readBounded } from './http.js';
import type { WireMessage } from './wire.js';

/** Timeouts of one HTTP exchange, in milliseconds. */
export interface HttpTimeouts {
  /** Establishing the TCP (and TLS) connection; default 10 s. */
  readonly connect?: number;
  /** From the end of the request until the response headers; default 120 s. */
  readonly response?: number;
  /** Receiving the whole response body; default 300 s. */
  readonly body?: number;
}

export interface PostOptions {
  readonly dispatcher?: Dispatcher;
  readonly timeouts?: HttpTimeouts;
  /** Largest response body; default 512 MiB. */
  readonly maxResponseBytes?: number;
}

export interface PostResult {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Buffer;
}

/** An undici Agent with the connect and response timeouts applied. */
export function createDispatcher(
  timeouts: HttpTimeouts = {},
  tls?: { readonly ca?: string | readonly string[] },
): Agent {
  return new Agent({
    connect: {
      timeout: timeouts.connect ?? 10_000,
      ...(tls?.ca === undefined ? {} : { ca: typeof tls.ca === 'string' ? tls.ca : [...tls.ca] }),
    },
    headersTimeout: timeouts.response ?? 120_000,
    bodyTimeout: timeouts.body ?? 300_000,
  });
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET_BEFORE_SEND',
]);

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * POSTs a packed message and reads the whole answer, bounded. Network failures are `HTTP_ERROR` (with
 * `details.notSent: true` when the connection could not even be made), expired timeouts `TIMEOUT`.
 */
export async function postWire(
  url: string,
  wire: WireMessage,
  options: PostOptions = {},
): Promise<PostResult> {
  const timeouts = options.timeouts ?? {};
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: 'POST',
      headers: { 'content-type': wire.contentType, 'content-length': String(wire.length) },
      body: wire.chunks.length === 1 ? (wire.chunks[0] as Uint8Array) : Readable.from(wire.chunks),
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      headersTimeout: timeouts.response ?? 120_000,
      bodyTimeout: timeouts.body ?? 300_000,
    });
  } catch (error) {
    const code = codeOf(error);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      throw new OsciError('TIMEOUT', `no answer from ${url} in time`, {
        details: { url, cause: code },
        cause: error,
      });
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      throw new OsciError('TIMEOUT', `connecting to ${url} timed out`, {
        details: { url, cause: code, notSent: true },
        cause: error,
      });
    }
    throw new OsciError('HTTP_ERROR', `request to ${url} failed`, {
      details: { url, cause: code ?? 'unknown', notSent: code !== undefined && CONNECT_FAILURES.has(code) },
      cause: error,
    });
  }
  const lengthHeader = response.headers['content-length'];
  const contentType = response.headers['content-type'];
  let body: Buffer;
  try {
    body = await readBounded(response.body, {
      maxBytes: options.maxResponseBytes ?? 512 * 1024 * 1024,
      timeoutMs: timeouts.body ?? 300_000,
      ...(typeof lengthHeader === 'string' ? { declaredLength: Number(lengthHeader) } : {}),
    });
  } catch (error) {
    if (
      error instanceof OsciError &&
      error.code === 'HTTP_ERROR' &&
      codeOf(error.cause) === 'UND_ERR_BODY_TIMEOUT'
    ) {
      throw new OsciError('TIMEOUT', `answer from ${url} not received in time`, { cause: error });
    }
    throw error;
  }
  return {
    status: response.statusCode,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    body,
  };
}
