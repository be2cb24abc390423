import type { IncomingMessage, ServerResponse } from 'node:http';
import { OsciError } from '../errors.js';
import type { WireMessage } from './wire.js';

export interface ReadBodyOptions {
  /** Largest accepted body; a larger Content-Length is refused before reading. */
  readonly maxBytes: number;
  /** The whole body must arrive within this time (default 120 s). */
  readonly timeoutMs?: number;
}

/**
 * Reads a whole HTTP body into one Buffer, strictly bounded: a declared Content-Length above `maxBytes`
 * is refused at once, a body that grows beyond it (chunked, or longer than declared) is cut off, a body
 * shorter than its Content-Length is refused, and the whole read has a deadline. With a Content-Length the
 * buffer is allocated once and filled in place (no second copy of large attachments).
 */
export function readBody(
  stream: AsyncIterable<Uint8Array> & Partial<Pick<IncomingMessage, 'headers' | 'destroy'>>,
  options: ReadBodyOptions,
): Promise<Buffer> {
  const declaredText = stream.headers?.['content-length'];
  const declared = declaredText === undefined ? undefined : Number(declaredText);
  return readBounded(stream, { ...options, ...(declared === undefined ? {} : { declaredLength: declared }) });
}

/** {@link readBody} for any byte stream (e.g. an undici response body) with an optional expected length. */
export async function readBounded(
  stream: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => unknown },
  options: ReadBodyOptions & { readonly declaredLength?: number },
): Promise<Buffer> {
  const { maxBytes } = options;
  const declared = options.declaredLength;
  if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) {
    throw new OsciError('HTTP_ERROR', 'invalid Content-Length');
  }
  if (declared !== undefined && declared > maxBytes) {
    // Not destroyed: the caller can still answer (e.g. 413 with `connection: close`).
    throw new OsciError('HTTP_BODY_TOO_LARGE', `body of ${declared} bytes exceeds the limit of ${maxBytes}`, {
      details: { limit: maxBytes, size: declared },
    });
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stream.destroy?.(new OsciError('TIMEOUT', 'body not received in time'));
  }, timeoutMs);
  timer.unref?.();
  try {
    if (declared !== undefined) {
      const buffer = Buffer.allocUnsafe(declared);
      let offset = 0;
      for await (const chunk of stream) {
        if (offset + chunk.byteLength > declared) {
          stream.destroy?.();
          throw new OsciError('HTTP_BODY_TOO_LARGE', 'body is longer than its Content-Length', {
            details: { limit: declared },
          });
        }
        buffer.set(chunk, offset);
        offset += chunk.byteLength;
      }
      if (offset !== declared) throw new OsciError('HTTP_ERROR', 'body is shorter than its Content-Length');
      return buffer;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of stream) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        stream.destroy?.();
        throw new OsciError('HTTP_BODY_TOO_LARGE', `body exceeds the limit of ${maxBytes} bytes`, {
          details: { limit: maxBytes },
        });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (timedOut)
      throw new OsciError('TIMEOUT', `body not received within ${timeoutMs} ms`, { cause: error });
    if (error instanceof OsciError) throw error;
    throw new OsciError('HTTP_ERROR', 'reading the body failed', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a packed message as the HTTP response. */
export async function writeWire(res: ServerResponse, status: number, wire: WireMessage): Promise<void> {
  res.writeHead(status, {
    'content-type': wire.contentType,
    'content-length': String(wire.length),
    // After a refused body the rest of it is not read: the connection cannot be reused.
    ...(status === 413 || status === 400 ? { connection: 'close' } : {}),
  });
  for (const chunk of wire.chunks) {
    if (!res.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          res.off('drain', onDrain);
          res.off('close', onClose);
          if (error) reject(error);
          else resolve();
        };
        const onDrain = () => done();
        const onClose = () => done(new OsciError('HTTP_ERROR', 'connection closed while writing'));
        res.once('drain', onDrain);
        res.once('close', onClose);
      });
    }
  }
  await new Promise<void>((resolve) => res.end(resolve));
}

/** The chunks of a wire message as an iterable request body. */
export function* wireChunks(wire: WireMessage): Generator<Uint8Array> {
  yield* wire.chunks;
}
