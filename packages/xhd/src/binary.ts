import type { Fingerabdruckformat, Lichtbildformat } from './codes.js';

export type BinaryFormat = Lichtbildformat | Fingerabdruckformat;

export interface ImageInfo {
  readonly format: BinaryFormat;
  /** Pixel dimensions where the header carries them (JPEG SOF, JP2 ihdr, WSQ SOF). */
  readonly width?: number;
  readonly height?: number;
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((value, index) => bytes[index] === value);
}

function u16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

function u32(bytes: Uint8Array, offset: number): number {
  return u16(bytes, offset) * 65536 + u16(bytes, offset + 2);
}

/** Format from the magic bytes: JPEG (FF D8 FF), JPEG 2000 (JP2 box or J2K codestream), WSQ (FF A0), ISO/IEC 19794-4 ("FIR\0"). */
export function detectFormat(bytes: Uint8Array): BinaryFormat | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG';
  if (startsWith(bytes, JP2_SIGNATURE) || startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) return 'JPEG2000';
  if (startsWith(bytes, [0xff, 0xa0])) return 'WSQ';
  if (startsWith(bytes, [0x46, 0x49, 0x52, 0x00])) return 'ISO19794-4';
  return undefined;
}

function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16(bytes, offset + 5), width: u16(bytes, offset + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    offset += 2 + u16(bytes, offset + 2);
  }
  return undefined;
}

function jp2Size(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (startsWith(bytes, [0xff, 0x4f, 0xff, 0x51])) {
    // SIZ marker segment: Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4)
    const x = u32(bytes, 8);
    const y = u32(bytes, 12);
    const xo = u32(bytes, 16);
    const yo = u32(bytes, 20);
    return { width: x - xo, height: y - yo };
  }
  for (let i = 12; i + 16 <= bytes.length; i++) {
    // 'ihdr' box: HEIGHT(4) WIDTH(4)
    if (bytes[i] === 0x69 && bytes[i + 1] === 0x68 && bytes[i + 2] === 0x64 && bytes[i + 3] === 0x72) {
      return { height: u32(bytes, i + 4), width: u32(bytes, i + 8) };
    }
  }
  return undefined;
}

function wsqSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 10 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    // SOF: Lf(2) A(1) B(1) Y(2) X(2)
    if (marker === 0xa2) return { height: u16(bytes, offset + 6), width: u16(bytes, offset + 8) };
    offset += 2 + u16(bytes, offset + 2);
  }
  return undefined;
}

/** Format and, where the header tells, pixel dimensions of an encoded image. */
export function inspectImage(bytes: Uint8Array): ImageInfo | undefined {
  const format = detectFormat(bytes);
  if (format === undefined) return undefined;
  const size =
    format === 'JPEG'
      ? jpegSize(bytes)
      : format === 'JPEG2000'
        ? jp2Size(bytes)
        : format === 'WSQ'
          ? wsqSize(bytes)
          : undefined;
  return size === undefined ? { format } : { format, ...size };
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 decoding (whitespace allowed between groups); undefined on anything else. */
export function fromBase64(text: string): Uint8Array | undefined {
  // Fast path for what every encoder writes (canonical base64, no whitespace): Node's decoder is lenient, but
  // a text that is exactly the encoding of what it decodes to passes the checks below unchanged.
  const decoded = Buffer.from(text, 'base64');
  if (decoded.toString('base64') === text) return new Uint8Array(decoded);
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
