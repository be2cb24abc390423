import { describe, expect, it } from 'vitest';
import { buildMultipartRelated, parseMultipartRelated } from '../src/mime/index.js';

describe('mime 100 MB attachment', () => {
  it('builds without copying the attachment and parses into views of the input', () => {
    const size = 100 * 1024 * 1024;
    const data = Buffer.allocUnsafe(size).fill(0x41);
    const before = process.memoryUsage();
    const built = buildMultipartRelated({
      soapXml: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>',
      attachments: [{ contentId: 'big@test', data }],
      boundary: 'MIME_boundary_large',
    });
    // The attachment chunk is the caller's buffer itself.
    expect(built.bodyChunks.includes(data)).toBe(true);
    const afterBuild = process.memoryUsage();
    expect(afterBuild.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * 1024 * 1024);

    // The wire form is one buffer (as received from a socket); parsing must not copy the part.
    const wire = built.toBuffer();
    const beforeParse = process.memoryUsage();
    const parsed = parseMultipartRelated(wire, { maxPartBytes: 128 * 1024 * 1024 });
    const afterParse = process.memoryUsage();
    const part = parsed.get('big@test');
    expect(part?.body.byteLength).toBe(size);
    expect(part?.body.buffer).toBe(wire.buffer);
    expect(afterParse.arrayBuffers - beforeParse.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
    expect(afterParse.rss - beforeParse.rss).toBeLessThan(64 * 1024 * 1024);
  });
});
