import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertBuilt,
  egovkit,
  INTERMEDIARY_KEY,
  OSCI_FIXTURES,
  PRODUCER_KEY,
  TRUST_ANCHOR,
  temporaryDirectory,
} from './helpers.js';

interface Signer {
  subject: string;
  status: string;
  code?: string;
}
interface Signature {
  status: string;
  code?: string;
  message?: string;
  signers: Signer[];
}
interface Container {
  id: string;
  contents: { kind: string; id?: string; href?: string }[];
  authorSignature: Signature;
}
interface Message {
  type: string;
  headerBlocks: { name: string; id?: string }[];
  orderSignature: Signature;
  contentContainers: Container[];
  encryptedContainers: { status: string; code?: string; container?: Container }[];
  attachments: { contentId: string; bytes?: number; referenced: boolean; missing?: boolean }[];
  inner?: Message;
  innerStatus?: { status: string; code?: string };
}
interface Inspection {
  ok: boolean;
  format: string;
  trustAnchors: number;
  message: Message;
}

const manifest = JSON.parse(readFileSync(join(OSCI_FIXTURES, 'manifest.json'), 'utf8')) as {
  generatedAt: string;
  messages: Record<string, { file: string; signer?: string }>;
};
// The fixtures' test certificates are checked at the time they were made (they expire).
const AT = ['--at', manifest.generatedAt];
const TRUST = ['--trust', TRUST_ANCHOR, ...AT];
const message = (type: string) => join(OSCI_FIXTURES, manifest.messages[type]?.file ?? `${type}-missing`);
const negative = (file: string) => join(OSCI_FIXTURES, 'negative', file);

/** Every signature status in an inspection, at any depth. */
function statuses(document: Message): string[] {
  return [
    document.orderSignature.status,
    ...document.orderSignature.signers.map((signer) => signer.status),
    ...document.contentContainers.flatMap((container) => [
      container.authorSignature.status,
      ...container.authorSignature.signers.map((signer) => signer.status),
    ]),
    ...document.encryptedContainers.flatMap((entry) =>
      entry.container === undefined ? [] : [entry.container.authorSignature.status],
    ),
    ...(document.inner === undefined ? [] : statuses(document.inner)),
  ];
}

beforeAll(assertBuilt);

describe('egovkit osci inspect', () => {
  it('without trust anchors shows the structure and reports signatures as not checked, never as valid', async () => {
    const text = await egovkit(['osci', 'inspect', message('storeDelivery')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('message type: storeDelivery');
    expect(text.stdout).toContain(
      'header blocks: ControlBlock (controlblock), ClientSignature (clientsignature)',
    );
    expect(text.stdout).toContain('order signature: not checked (no trust anchors)');
    expect(text.stdout).toContain('author signature: not checked (no trust anchors)');
    expect(text.stdout).toContain('signer CN=Passbehörde Musterstadt (Test)');
    expect(text.stdout).not.toMatch(/: valid\b/);

    const json = await egovkit(['osci', 'inspect', message('storeDelivery'), '--json']);
    const document = json.json<Inspection>();
    expect(document).toMatchObject({ ok: true, format: 'xml', trustAnchors: 0 });
    expect(document.message.type).toBe('storeDelivery');
    expect(document.message.orderSignature).toMatchObject({
      status: 'not-checked',
      message: 'not checked (no trust anchors)',
    });
    expect(document.message.orderSignature.signers[0]?.subject).toBe(manifest.messages.storeDelivery?.signer);
    expect(document.message.encryptedContainers).toEqual([
      { index: 0, status: 'not-decrypted', message: 'pass --key to decrypt' },
    ]);
    const all = statuses(document.message);
    expect(all).toContain('not-checked');
    expect(all).not.toContain('valid');
  });

  it('verifies order and author signatures and the signer chain against --trust, and decrypts with --key', async () => {
    const run = await egovkit([
      'osci',
      'inspect',
      message('storeDelivery'),
      ...TRUST,
      '--key',
      PRODUCER_KEY,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const document = run.json<Inspection>();
    expect(document.ok).toBe(true);
    expect(document.message.orderSignature.status).toBe('valid');
    expect(document.message.orderSignature.signers).toEqual([
      expect.objectContaining({ subject: manifest.messages.storeDelivery?.signer, status: 'valid' }),
    ]);
    expect(document.message.contentContainers.map((container) => container.authorSignature.status)).toEqual([
      'valid',
    ]);
    const [sealed] = document.message.encryptedContainers;
    expect(sealed?.status).toBe('decrypted');
    expect(sealed?.container?.authorSignature.status).toBe('valid');
    expect(sealed?.container?.contents.map((content) => content.kind)).toContain('xml');
  });

  it('checks responses (SupplierSignature) of the golden fixtures with the signer named in their manifest', {
    timeout: 120_000,
  }, async () => {
    for (const type of ['responseToFetchDelivery', 'fetchProcessCard', 'responseToFetchProcessCard']) {
      const run = await egovkit(['osci', 'inspect', message(type), ...TRUST, '--json']);
      expect(run.code, type).toBe(0);
      const document = run.json<Inspection>().message;
      expect(document.type).toBe(type);
      expect(document.orderSignature.status, type).toBe('valid');
      expect(document.orderSignature.signers[0]?.subject, type).toBe(manifest.messages[type]?.signer);
    }
  });

  it('reports a tampered copy as an invalid signature and exits with 1', { timeout: 120_000 }, async () => {
    const copy = join(temporaryDirectory('osci'), 'storeDelivery-tampered.xml');
    const original = readFileSync(message('storeDelivery'), 'utf8');
    const tampered = original.replace('SequenceNumber="1"', 'SequenceNumber="2"');
    expect(tampered).not.toBe(original);
    writeFileSync(copy, tampered);
    const text = await egovkit(['osci', 'inspect', copy, ...TRUST]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/order signature: invalid – SIGNATURE_INVALID: /);
    const json = await egovkit(['osci', 'inspect', copy, ...TRUST, '--json']);
    expect(json.code).toBe(1);
    const document = json.json<Inspection>();
    expect(document.ok).toBe(false);
    expect(document.message.orderSignature).toMatchObject({ status: 'invalid', code: 'SIGNATURE_INVALID' });
    // The unchanged copy passes: the change, not the copy, is what fails.
    const unchanged = join(temporaryDirectory('osci'), 'storeDelivery.xml');
    copyFileSync(message('storeDelivery'), unchanged);
    expect((await egovkit(['osci', 'inspect', unchanged, ...TRUST])).code).toBe(0);
  });

  it('reads MIME packages with attachments and finds the defects of the negative corpus', {
    timeout: 240_000,
  }, async () => {
    const control = await egovkit([
      'osci',
      'inspect',
      negative('control-valid.mime'),
      ...TRUST,
      '--key',
      PRODUCER_KEY,
      '--json',
    ]);
    expect(control.code).toBe(0);
    const valid = control.json<Inspection>();
    expect(valid.format).toBe('mime');
    expect(valid.message.attachments.length).toBeGreaterThan(0);
    expect(valid.message.attachments.some((attachment) => attachment.referenced)).toBe(true);
    expect(statuses(valid.message).every((status) => status === 'valid')).toBe(true);

    const cases: [string, (document: Message) => unknown, string][] = [
      ['tampered-order.mime', (document) => document.orderSignature, 'SIGNATURE_INVALID'],
      [
        'tampered-content.mime',
        (document) => document.contentContainers[0]?.authorSignature,
        'SIGNATURE_INVALID',
      ],
      [
        'wrapping-duplicated-container.mime',
        (document) => document.contentContainers[0]?.authorSignature,
        'SIGNATURE_REFERENCE_INVALID',
      ],
      ['untrusted-certificate.mime', (document) => document.orderSignature, 'CERTIFICATE_UNTRUSTED'],
      [
        'tampered-encrypted-attachment.mime',
        (document) => document.encryptedContainers[0],
        'DECRYPTION_FAILED',
      ],
    ];
    for (const [file, pick, code] of cases) {
      const run = await egovkit([
        'osci',
        'inspect',
        negative(file),
        ...TRUST,
        '--key',
        PRODUCER_KEY,
        '--json',
      ]);
      expect(run.code, file).toBe(1);
      expect(pick(run.json<Inspection>().message), file).toMatchObject({ code });
    }

    // The broken container is named; the untouched one beside it stays valid.
    const content = await egovkit(['osci', 'inspect', negative('tampered-content.mime'), ...TRUST, '--json']);
    expect(
      content
        .json<Inspection>()
        .message.contentContainers.map((container) => [container.id, container.authorSignature.status]),
    ).toEqual([
      ['a', 'invalid'],
      ['b', 'valid'],
    ]);

    const missing = await egovkit(['osci', 'inspect', negative('missing-attachment.mime'), '--json']);
    expect(missing.code).toBe(1);
    expect(missing.json<Inspection>().message.attachments).toContainEqual(
      expect.objectContaining({ contentId: 'antrag.pdf@egovkit', missing: true }),
    );
  });

  it('refuses XXE before looking further (exit 1, the parser’s code)', async () => {
    const run = await egovkit(['osci', 'inspect', negative('xxe.xml'), '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ ok: false, error: { code: 'XML_DOCTYPE_FORBIDDEN' } });
    expect(run.stderr).toMatch(/^egovkit: XML_DOCTYPE_FORBIDDEN: /);
  });

  it('opens a soapMessageEncrypted envelope with the intermediary key and inspects the message inside', {
    timeout: 120_000,
  }, async () => {
    const closed = await egovkit(['osci', 'inspect', message('soapMessageEncrypted'), '--json']);
    expect(closed.code).toBe(0);
    expect(closed.json<Inspection>().message).toMatchObject({
      type: 'soapMessageEncrypted',
      innerStatus: { status: 'not-decrypted' },
    });
    const opened = await egovkit([
      'osci',
      'inspect',
      message('soapMessageEncrypted'),
      ...TRUST,
      '--key',
      INTERMEDIARY_KEY,
      '--json',
    ]);
    expect(opened.code).toBe(0);
    const inner = opened.json<Inspection>().message.inner;
    expect(inner?.type).toBe('storeDelivery');
    expect(inner?.orderSignature.status).toBe('valid');
    // The intermediary's key opens the envelope, not the content encrypted end to end for the producer.
    expect(inner?.encryptedContainers.map((entry) => entry.status)).toEqual(['not-decrypted']);
    const wrongKey = await egovkit([
      'osci',
      'inspect',
      message('soapMessageEncrypted'),
      '--key',
      PRODUCER_KEY,
      '--json',
    ]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.json<Inspection>().message.innerStatus).toMatchObject({
      status: 'decryption-failed',
      code: 'DECRYPTION_FAILED',
    });
  });

  it('reports certificates outside their validity at --at', async () => {
    const run = await egovkit([
      'osci',
      'inspect',
      message('storeDelivery'),
      '--trust',
      TRUST_ANCHOR,
      '--at',
      '2040-01-01T00:00:00Z',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const document = run.json<Inspection>().message;
    expect(document.orderSignature).toMatchObject({ status: 'invalid', code: 'CERTIFICATE_EXPIRED' });
    expect(document.orderSignature.signers[0]).toMatchObject({
      status: 'invalid',
      code: 'CERTIFICATE_EXPIRED',
    });
  });

  it('names unreadable inputs and bad options', { timeout: 120_000 }, async () => {
    const trust = await egovkit(['osci', 'inspect', message('storeDelivery'), '--trust', 'no-such.pem']);
    expect(trust.code).toBe(1);
    expect(trust.stderr).toMatch(/^egovkit: FILE_UNREADABLE: cannot read the trust anchor file no-such\.pem/);
    const notPem = await egovkit([
      'osci',
      'inspect',
      message('storeDelivery'),
      '--trust',
      message('storeDelivery'),
    ]);
    expect(notPem.code).toBe(1);
    expect(notPem.stderr).toContain('egovkit: INPUT_INVALID: ');
    const at = await egovkit(['osci', 'inspect', message('storeDelivery'), '--at', 'yesterday']);
    expect(at.code).toBe(2);
    expect((await egovkit(['osci', 'inspect'])).code).toBe(2);
    const notOsci = await egovkit(['osci', 'inspect', join(OSCI_FIXTURES, '..', 'package.json')]);
    expect(notOsci.code).toBe(1);
  });
});
