import {
  type ContentContainer,
  decryptContentContainer,
  encryptContentContainer,
  signContentContainer,
  verifyContentContainer,
} from '@egovkit/osci-transport';
import { getTestPki, type TestPki } from '@egovkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildXhd, parseXhd, XhdError } from '../src/index.js';
import { fromOsciContentContainer, toOsciContentContainer, XHD_CONTAINER_ID } from '../src/osci.js';
import { bestellung } from './helpers.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

const cert = (name: keyof TestPki['certificates']) => pki.certificates[name];

async function codeOf(action: () => unknown): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    if (error instanceof XhdError) return error.code;
    throw error;
  }
  return undefined;
}

describe('OSCI hand-over (@egovkit/xhd/osci)', () => {
  it('packs a built message into the XHD_DATA container with exactly one XML Content', async () => {
    const built = buildXhd(bestellung);
    const container = await toOsciContentContainer(built);
    expect(container.id).toBe('XHD_DATA');
    expect(XHD_CONTAINER_ID).toBe('XHD_DATA');
    expect(container.contents).toHaveLength(1);
    const [content] = container.contents ?? [];
    expect(content?.kind).toBe('xml');
    if (content?.kind !== 'xml') return;
    expect(content.xml).toHaveLength(1);
    expect(content.xml[0]?.startsWith('<xhd:BestellungDokument ')).toBe(true);
    // The model and the XML string give the same container.
    expect(await toOsciContentContainer(built.message)).toEqual(container);
    expect(await toOsciContentContainer(built.xml, { contentId: 'xhd' })).toEqual({
      id: 'XHD_DATA',
      contents: [{ ...content, id: 'xhd' }],
    });
  });

  it('authority → producer: sign, encrypt, decrypt, verify, unpack', async () => {
    const built = buildXhd(bestellung);
    const signed = await signContentContainer(await toOsciContentContainer(built), {
      author: {
        key: cert('passportAuthoritySignature').privateKeyPem,
        certificateChain: [cert('passportAuthoritySignature').chainPem],
      },
    });
    const encrypted = await encryptContentContainer(signed, {
      recipients: [cert('documentProducerEncryption').chainPem],
      trustAnchors: [pki.trustAnchorPem],
    });
    expect(encrypted).not.toContain('Mustermann');

    const opened = await decryptContentContainer(encrypted, {
      privateKey: cert('documentProducerEncryption').privateKeyPem,
      certificate: cert('documentProducerEncryption').certificatePem,
    });
    const verified = await verifyContentContainer(opened, { trustAnchors: [pki.trustAnchorPem] });
    expect(verified.containerId).toBe('XHD_DATA');
    expect(verified.authors[0]?.serialNumber).toBe(cert('passportAuthoritySignature').serialNumber);

    const { xml, validation } = await fromOsciContentContainer(opened);
    expect(validation.valid).toBe(true);
    expect(validation.issues).toEqual([]);
    expect(validation.profile).toBe('RP');
    expect(validation.message).toEqual(built.message);
    expect(parseXhd(xml)).toEqual(built.message);
    expect(xml).toBe(built.xml);
  });

  it('refuses to pack an invalid message unless told not to validate', async () => {
    const { xml } = buildXhd(bestellung);
    const low = xml.replace(
      '<xhd:Qualitaetswert>64</xhd:Qualitaetswert>',
      '<xhd:Qualitaetswert>5</xhd:Qualitaetswert>',
    );
    let error: unknown;
    try {
      await toOsciContentContainer(low);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(XhdError);
    expect((error as XhdError).code).toBe('XHD_MESSAGE_INVALID');
    expect((error as XhdError).details?.issues).toEqual([
      expect.objectContaining({ code: 'FINGERPRINT_QUALITY_TOO_LOW' }),
    ]);
    const container = await toOsciContentContainer(low, { validate: false });
    const { validation } = await fromOsciContentContainer(container);
    expect(validation.valid).toBe(false);
    expect(validation.issues.map((issue) => issue.code)).toEqual(['FINGERPRINT_QUALITY_TOO_LOW']);
  });

  it('reports malformed content as a validation result, not an exception', async () => {
    const container: ContentContainer = {
      id: 'XHD_DATA',
      contents: [{ kind: 'xml', xml: ['<x:Foo xmlns:x="urn:x"/>'] }],
    };
    const { validation } = await fromOsciContentContainer(container);
    expect(validation.valid).toBe(false);
    expect(validation.issues[0]?.code).toBe('SCHEMA_VIOLATION');
  });

  it('refuses containers that are not the XhD container', async () => {
    const built = buildXhd(bestellung);
    const good = await toOsciContentContainer(built);
    const [content] = good.contents ?? [];
    if (content === undefined) throw new Error('no content');
    const cases: ContentContainer[] = [
      { ...good, id: 'OTHER' },
      { id: 'XHD_DATA' },
      { id: 'XHD_DATA', contents: [content, content] },
      { id: 'XHD_DATA', contents: [{ kind: 'base64', base64ContentId: 'b', data: 'AA==' }] },
      { id: 'XHD_DATA', contents: [{ kind: 'xml', xml: ['<a/>', '<b/>'] }] },
      { ...good, encryptedData: ['<xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/>'] },
    ];
    for (const container of cases) {
      expect(await codeOf(() => fromOsciContentContainer(container))).toBe('XHD_OSCI_CONTAINER_INVALID');
    }
    expect(await codeOf(() => fromOsciContentContainer({ ...good, id: 'X' }, { containerId: 'X' }))).toBe(
      undefined,
    );
  });
});

describe('package layout', () => {
  it('only the osci (types) and security entries refer to @egovkit/osci-transport; the main entry never', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const src = join(import.meta.dirname, '../src');
    for (const file of readdirSync(src)) {
      const text = readFileSync(join(src, file), 'utf8');
      if (file === 'osci.ts')
        expect(text).toMatch(/^import type \{[^}]*\} from '@egovkit\/osci-transport';$/m);
      else if (file === 'security.ts') expect(text).toMatch(/^} from '@egovkit\/osci-transport';$/m);
      else expect(text).not.toContain('osci-transport');
      // Nothing imports the entries by relative path, so the main entry's module graph stays without them.
      expect(text).not.toMatch(/from '\.\/(osci|security)\.js'/);
    }
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8'));
    expect(pkg.exports['./osci'].import.default).toBe('./dist/osci.js');
    expect(pkg.exports['./osci'].require.types).toBe('./dist/osci.d.cts');
    expect(pkg.typesVersions['*'].osci).toEqual(['./dist/osci.d.cts']);
    expect(pkg.exports['./security'].import.default).toBe('./dist/security.js');
    expect(pkg.exports['./security'].require.types).toBe('./dist/security.d.cts');
    expect(pkg.typesVersions['*'].security).toEqual(['./dist/security.d.cts']);
    expect(pkg.files).toContain('fixtures');
    expect(pkg.peerDependenciesMeta['@egovkit/osci-transport'].optional).toBe(true);
  });
});
