// Synthetic biometric containers for tests and fixtures: valid headers (so that format and pixel size can be read),
// deterministic filler instead of image data. They show no person and decode to nothing meaningful.

function filler(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // avoid 0xFF so that the filler never looks like a marker
    out[i] = (x >>> 0) % 255;
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface SyntheticImageOptions {
  readonly width: number;
  readonly height: number;
  /** Total size in bytes (at least the header size). */
  readonly bytes: number;
  readonly seed?: number;
}

/** A JPEG container (SOI, SOF0 with the pixel size, filler, EOI). */
export function syntheticJpeg(options: SyntheticImageOptions): Uint8Array {
  const { width, height } = options;
  const header = Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  ]);
  const body = Math.max(0, options.bytes - header.length - 2);
  return concat([header, filler(body, options.seed ?? 1), Uint8Array.from([0xff, 0xd9])]);
}

/** A WSQ container (SOI, SOF with the pixel size, filler, EOI). */
export function syntheticWsq(options: SyntheticImageOptions): Uint8Array {
  const { width, height } = options;
  const header = Uint8Array.from([
    0xff,
    0xa0,
    0xff,
    0xa2,
    0x00,
    0x11,
    0x00,
    0xff,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
  ]);
  const body = Math.max(0, options.bytes - header.length - 2);
  return concat([header, filler(body, options.seed ?? 2), Uint8Array.from([0xff, 0xa1])]);
}
