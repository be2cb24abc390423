import { randomBytes } from 'node:crypto';
import { OsciError } from '../errors.js';

/** Content-Transfer-Encoding of a part. `8-bit` is accepted on input only (written by the reference Java library). */
export type TransferEncoding = 'binary' | '8bit' | '7bit' | 'base64';

/** An attachment to put into a multipart/related package. */
export interface MimeAttachmentInput {
  /** Content-ID without angle brackets; referenced from the SOAP part as `cid:<contentId>`. */
  readonly contentId: string;
  readonly contentType?: string;
  /** Default `binary` (the bytes are not copied); `base64` encodes into a new buffer. */
  readonly transferEncoding?: 'binary' | 'base64';
  readonly data: Uint8Array;
}

/** Input of {@link buildMultipartRelated}. */
export interface BuildMultipartOptions {
  /** The SOAP envelope (UTF-8). */
  readonly soapXml: string | Uint8Array;
  /** Content-ID of the SOAP part (default: random). */
  readonly soapContentId?: string;
  readonly attachments?: readonly MimeAttachmentInput[];
  /** Fixed boundary (tests); default random. Checked not to occur in any part. */
  readonly boundary?: string;
}

/** A built package: chunks to write one after another (attachment bytes are referenced, not copied). */
export interface BuiltMultipart {
  /** Value for an HTTP `Content-Type` header when the entity headers are not part of the body. */
  readonly contentType: string;
  readonly boundary: string;
  readonly soapContentId: string;
  /** `MIME-Version` and `Content-Type` lines plus blank line, as the OSCI reference implementation puts them in the body. */
  readonly entityHeaders: Buffer;
  /** The multipart body, in order. */
  readonly bodyChunks: readonly Uint8Array[];
  readonly bodyLength: number;
  /** Entity headers followed by the body, concatenated (copies everything once). */
  toBuffer(options?: { readonly withEntityHeaders?: boolean }): Buffer;
}

const CRLF = '\r\n';
const TOKEN_CID = /^[\x21-\x7e]+$/;

function checkCid(cid: string): void {
  if (!TOKEN_CID.test(cid) || cid.includes('<') || cid.includes('>')) {
    throw new OsciError('MIME_INVALID', 'Invalid Content-ID', { details: { contentId: cid } });
  }
}

function wrapBase64(data: Uint8Array): Buffer {
  const b64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return Buffer.from(lines.join(CRLF), 'ascii');
}

/**
 * Builds a MIME multipart/related package: the SOAP part first (`text/xml; charset=UTF-8`,
 * `8bit`), then one part per attachment. The boundary is random and verified not to occur in any part.
 */
export function buildMultipartRelated(options: BuildMultipartOptions): BuiltMultipart {
  const soap = typeof options.soapXml === 'string' ? Buffer.from(options.soapXml, 'utf8') : options.soapXml;
  const soapContentId = options.soapContentId ?? `osci-soap-${randomBytes(12).toString('hex')}@egovkit`;
  checkCid(soapContentId);
  const seen = new Set([soapContentId]);
  const parts: Array<{ headers: string; data: Uint8Array }> = [
    {
      headers: `Content-Type: text/xml; charset=UTF-8${CRLF}Content-Transfer-Encoding: 8bit${CRLF}Content-ID: <${soapContentId}>${CRLF}`,
      data: soap,
    },
  ];
  for (const a of options.attachments ?? []) {
    checkCid(a.contentId);
    if (seen.has(a.contentId))
      throw new OsciError('MIME_INVALID', 'Duplicate Content-ID', { details: { contentId: a.contentId } });
    seen.add(a.contentId);
    const type = a.contentType ?? 'application/octet-stream';
    if (/[\r\n]/.test(type))
      throw new OsciError('MIME_INVALID', 'Invalid Content-Type', { details: { contentId: a.contentId } });
    const enc = a.transferEncoding ?? 'binary';
    const data = enc === 'base64' ? wrapBase64(a.data) : a.data;
    parts.push({
      headers: `Content-Type: ${type}${CRLF}Content-Transfer-Encoding: ${enc}${CRLF}Content-ID: <${a.contentId}>${CRLF}Content-Length: ${data.byteLength}${CRLF}`,
      data,
    });
  }
  let boundary = options.boundary;
  for (let attempt = 0; ; attempt++) {
    boundary ??= `MIME_boundary_${randomBytes(18).toString('base64url')}`;
    const marker = Buffer.from(`--${boundary}`, 'ascii');
    const clash = parts.some((p) =>
      Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).includes(marker),
    );
    if (!clash) break;
    if (options.boundary !== undefined || attempt > 8) {
      throw new OsciError('MIME_INVALID', 'Boundary occurs inside a part', { details: { boundary } });
    }
    boundary = undefined;
  }
  if (!/^[0-9A-Za-z'()+_,./:=?-]{1,70}$/.test(boundary)) {
    throw new OsciError('MIME_INVALID', 'Invalid boundary', { details: { boundary } });
  }
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(`--${boundary}${CRLF}${p.headers}${CRLF}`, 'ascii'),
      p.data,
      Buffer.from(CRLF, 'ascii'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'ascii'));
  const contentType = `multipart/related; boundary="${boundary}"; type="text/xml"; start="<${soapContentId}>"`;
  const entityHeaders = Buffer.from(
    `MIME-Version: 1.0${CRLF}Content-Type: ${contentType}${CRLF}${CRLF}`,
    'ascii',
  );
  const bodyLength = chunks.reduce((n, c) => n + c.byteLength, 0);
  return {
    contentType,
    boundary,
    soapContentId,
    entityHeaders,
    bodyChunks: chunks,
    bodyLength,
    toBuffer: (o = {}) => Buffer.concat(o.withEntityHeaders === false ? chunks : [entityHeaders, ...chunks]),
  };
}

// ------------------------------------------------------------------------------------------------
// Parsing
// ------------------------------------------------------------------------------------------------

/** One parsed part. `body` is a view into the input buffer (no copy) unless it was base64 decoded. */
export interface MimePart {
  readonly contentId: string;
  readonly contentType: string;
  readonly transferEncoding: TransferEncoding | '8-bit';
  /** All headers, lower-case names. */
  readonly headers: ReadonlyMap<string, string>;
  /** Decoded content. For binary/8bit parts this is a subarray view of the input. */
  readonly body: Buffer;
}

/** A parsed multipart/related package. */
export interface ParsedMultipart {
  readonly boundary: string;
  /** The SOAP (root, first) part. */
  readonly soapPart: MimePart;
  /** The remaining parts in order. */
  readonly attachments: readonly MimePart[];
  /** Looks a part up by Content-ID (without brackets or `cid:`). */
  get(contentId: string): MimePart | undefined;
}

/** Limits and options of {@link parseMultipartRelated}. */
export interface ParseMultipartOptions {
  /** The Content-Type header of the HTTP request when the body has no entity headers of its own. */
  readonly contentType?: string;
  /** Largest accepted part after decoding (default 256 MiB). */
  readonly maxPartBytes?: number;
  /** Largest accepted input (default 1 GiB). */
  readonly maxTotalBytes?: number;
  /** Most parts accepted (default 1000). */
  readonly maxParts?: number;
  /** Largest header block of the entity or a part (default 16 KiB). */
  readonly maxHeaderBytes?: number;
}

function mimeError(message: string, details: Record<string, unknown> = {}): OsciError {
  return new OsciError('MIME_INVALID', message, { details });
}

const CRLF_BUF = Buffer.from('\r\n\r\n', 'ascii');

/** Parses header lines (unfolding continuation lines); lower-cases names; refuses duplicates. */
function parseHeaderBlock(text: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split('\r\n');
  const logical: string[] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (logical.length === 0) throw mimeError('Header continuation without header', { where });
      logical[logical.length - 1] += ` ${line.trim()}`;
    } else logical.push(line);
  }
  for (const l of logical) {
    const i = l.indexOf(':');
    if (i <= 0) throw mimeError('Malformed header line', { where });
    const name = l.slice(0, i).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(name)) throw mimeError('Malformed header name', { where });
    if (out.has(name)) throw mimeError('Duplicate header', { where, header: name });
    out.set(name, l.slice(i + 1).trim());
  }
  return out;
}

/** Parses `type/subtype; a=b; c="d"` into the lower-cased type and parameters. */
export function parseContentType(value: string): { type: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  const m = /^\s*([^\s;]+)\s*/.exec(value);
  if (!m?.[1]) throw mimeError('Malformed Content-Type');
  let rest = value.slice(m[0].length);
  while (rest.length > 0) {
    const pm = /^;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]*))\s*/.exec(rest);
    if (!pm?.[1]) {
      if (/^;\s*$/.test(rest)) break;
      throw mimeError('Malformed Content-Type parameters');
    }
    const name = pm[1].toLowerCase();
    if (params.has(name)) throw mimeError('Duplicate Content-Type parameter', { parameter: name });
    params.set(name, pm[2] !== undefined ? pm[2].replace(/\\(.)/g, '$1') : (pm[3] ?? ''));
    rest = rest.slice(pm[0].length);
  }
  return { type: m[1].toLowerCase(), params };
}

function stripCid(v: string): string {
  const t = v.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1) : t;
}

/**
 * Parses a multipart/related package held in one Buffer, strictly and bounded. Parts are
 * subarray views of `input` (binary and 8bit parts are not copied), so a 100 MB attachment costs
 * no extra memory. If `options.contentType` is not given, the input must start with the entity
 * headers (`MIME-Version`, `Content-Type`) as OSCI implementations send them.
 */
export function parseMultipartRelated(input: Buffer, options: ParseMultipartOptions = {}): ParsedMultipart {
  const maxTotal = options.maxTotalBytes ?? 1024 * 1024 * 1024;
  const maxPart = options.maxPartBytes ?? 256 * 1024 * 1024;
  const maxParts = options.maxParts ?? 1000;
  const maxHeader = options.maxHeaderBytes ?? 16 * 1024;
  if (input.byteLength > maxTotal) {
    throw new OsciError('MIME_PART_TOO_LARGE', 'MIME package exceeds the total size limit', {
      details: { limit: maxTotal, size: input.byteLength },
    });
  }
  let pos = 0;
  let contentTypeValue = options.contentType;
  if (contentTypeValue === undefined) {
    const end = input.indexOf(CRLF_BUF, 0);
    if (end < 0 || end > maxHeader) throw mimeError('Missing or oversized entity headers');
    const headers = parseHeaderBlock(input.toString('latin1', 0, end), 'entity');
    const version = headers.get('mime-version');
    if (version !== undefined && version.replace(/\s|\([^)]*\)/g, '') !== '1.0')
      throw mimeError('Unsupported MIME-Version');
    contentTypeValue = headers.get('content-type');
    if (contentTypeValue === undefined) throw mimeError('Missing Content-Type');
    pos = end + 4;
  }
  const ct = parseContentType(contentTypeValue);
  if (ct.type !== 'multipart/related')
    throw mimeError('Content-Type must be multipart/related', { found: ct.type });
  const boundary = ct.params.get('boundary');
  if (!boundary || !/^[0-9A-Za-z'()+_,./:=? -]{0,69}[0-9A-Za-z'()+_,./:=?-]$/.test(boundary)) {
    throw mimeError('Missing or invalid boundary');
  }
  const typeParam = ct.params.get('type');
  if (typeParam !== undefined && typeParam.toLowerCase() !== 'text/xml')
    throw mimeError('type parameter must be text/xml');
  const start = ct.params.get('start');

  const dash = Buffer.from(`--${boundary}`, 'ascii');
  const delim = Buffer.from(`\r\n--${boundary}`, 'ascii');

  // Preamble: only empty lines are accepted before the first delimiter.
  const first = input.indexOf(dash, pos);
  if (first < 0) throw mimeError('No boundary delimiter found');
  if (!/^(\r\n)*$/.test(input.toString('latin1', pos, first)))
    throw mimeError('Content before the first boundary is not allowed');
  pos = first + dash.byteLength;

  const parts: MimePart[] = [];
  const byId = new Map<string, MimePart>();
  for (;;) {
    // After a delimiter: CRLF (another part) or "--" (close delimiter).
    if (input[pos] === 0x2d && input[pos + 1] === 0x2d) {
      const epilogue = input.toString('latin1', pos + 2, Math.min(input.byteLength, pos + 2 + 1024));
      if (input.byteLength - (pos + 2) > 1024 || !/^[\r\n \t]*$/.test(epilogue)) {
        throw mimeError('Content after the closing boundary is not allowed');
      }
      break;
    }
    if (input[pos] !== 0x0d || input[pos + 1] !== 0x0a) throw mimeError('Malformed boundary line');
    pos += 2;
    if (parts.length >= maxParts) throw mimeError('Too many parts', { limit: maxParts });
    const hEnd = input.indexOf(CRLF_BUF, pos);
    if (hEnd < 0 || hEnd - pos > maxHeader)
      throw mimeError('Missing or oversized part headers', { part: parts.length });
    const headers = parseHeaderBlock(input.toString('latin1', pos, hEnd), `part ${parts.length}`);
    const bodyStart = hEnd + 4;
    const next = input.indexOf(delim, bodyStart);
    if (next < 0) throw mimeError('Missing closing boundary delimiter', { part: parts.length });
    // The boundary must not occur inside a part, not even outside the delimiter position.
    if (input.subarray(bodyStart, next).includes(dash))
      throw mimeError('Boundary string inside a part', { part: parts.length });
    let raw = input.subarray(bodyStart, next);
    // OSCI libraries write one more CRLF after some parts than their Content-Length counts: the declared
    // length wins when the part is exactly that plus a trailing CRLF.
    const declared = headers.get('content-length');
    if (
      declared !== undefined &&
      /^\d+$/.test(declared) &&
      Number(declared) === raw.byteLength - 2 &&
      raw[raw.byteLength - 2] === 0x0d &&
      raw[raw.byteLength - 1] === 0x0a
    ) {
      raw = raw.subarray(0, raw.byteLength - 2);
    }
    const cidHeader = headers.get('content-id');
    if (cidHeader === undefined) throw mimeError('Part without Content-ID', { part: parts.length });
    const contentId = stripCid(cidHeader);
    if (contentId === '' || byId.has(contentId))
      throw mimeError('Empty or duplicate Content-ID', { contentId });
    const contentType = headers.get('content-type') ?? 'text/plain';
    const enc = (headers.get('content-transfer-encoding') ?? '8bit').toLowerCase();
    let body: Buffer;
    if (enc === 'base64') {
      const text = raw.toString('latin1');
      if (!/^[A-Za-z0-9+/=\r\n]*$/.test(text)) throw mimeError('Invalid base64 part', { contentId });
      const estimated = Math.floor((text.length * 3) / 4);
      if (estimated > maxPart + 3) throw tooLarge(contentId, maxPart, estimated);
      body = Buffer.from(text.replace(/\r\n/g, ''), 'base64');
    } else if (enc === 'binary' || enc === '8bit' || enc === '7bit' || enc === '8-bit') {
      body = raw;
    } else {
      throw mimeError('Unsupported Content-Transfer-Encoding', { contentId, encoding: enc });
    }
    if (body.byteLength > maxPart) throw tooLarge(contentId, maxPart, body.byteLength);
    const len = headers.get('content-length');
    if (len !== undefined && (!/^\d+$/.test(len) || Number(len) !== raw.byteLength)) {
      throw mimeError('Content-Length does not match the part', { contentId });
    }
    const part: MimePart = {
      contentId,
      contentType,
      transferEncoding: enc as MimePart['transferEncoding'],
      headers,
      body,
    };
    parts.push(part);
    byId.set(contentId, part);
    pos = next + delim.byteLength;
  }
  const soapPart = parts[0];
  if (!soapPart) throw mimeError('No parts');
  const soapType = parseContentType(soapPart.contentType);
  if (soapType.type !== 'text/xml')
    throw mimeError('The first part must be text/xml', { found: soapType.type });
  const charset = soapType.params.get('charset');
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8')
    throw mimeError('The SOAP part must be UTF-8');
  if (start !== undefined && stripCid(start) !== soapPart.contentId)
    throw mimeError('start does not name the first part');
  return {
    boundary,
    soapPart,
    attachments: parts.slice(1),
    get: (id) => byId.get(id.startsWith('cid:') ? id.slice(4) : id),
  };
}

function tooLarge(contentId: string, limit: number, size: number): OsciError {
  return new OsciError('MIME_PART_TOO_LARGE', 'MIME part exceeds the size limit', {
    details: { contentId, limit, size },
  });
}

/** Throws MIME_PART_MISSING if one of the referenced Content-IDs (`cid:` prefix optional) is not in the package. */
export function requireParts(pkg: ParsedMultipart, contentIds: Iterable<string>): void {
  for (const id of contentIds) {
    const cid = id.startsWith('cid:') ? id.slice(4) : id;
    if (!pkg.get(cid) || cid === pkg.soapPart.contentId) {
      throw new OsciError('MIME_PART_MISSING', 'Referenced MIME part is missing', {
        details: { contentId: cid },
      });
    }
  }
}
