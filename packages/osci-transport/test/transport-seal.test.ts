import { getTestPki } from '@egovkit/testkit';
import { describe, expect, it } from 'vitest';
import { type ContentContainer, openContent, sealContent } from '../src/index.js';

describe('sealContent: reader certificates are checked before anything is encrypted for them', async () => {
  const pki = await getTestPki();
  const author = pki.certificates.passportAuthoritySignature;
  const reader = pki.certificates.documentProducerEncryption;
  const container: ContentContainer = {
    id: 'XHD_DATA',
    contents: [{ kind: 'xml', xml: ['<x:A xmlns:x="urn:t">1</x:A>'] }],
  };
  const seal = (readers: string[], extra: { intermediates?: string[] } = {}) =>
    sealContent(container, {
      author: { key: author.privateKeyPem, certificateChain: [author.chainPem] },
      readers,
      trustAnchors: [pki.trustAnchorPem],
      ...extra,
    });

  it('refuses a reader listed without its chain (as a directory lists it) unless intermediates are given', async () => {
    await expect(seal([reader.certificatePem])).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
    const issuingCa = pki.certificates.subCa.certificatePem;
    const sealed = await seal([reader.certificatePem], { intermediates: [issuingCa] });
    const [opened] = await openContent(sealed.contentPackage, new Map(), {
      decryption: { key: reader.privateKeyPem, certificate: reader.certificatePem },
      trustAnchors: [pki.trustAnchorPem],
    });
    expect(opened?.authors[0]?.serialNumber).toBe(author.serialNumber);
  });

  it('refuses an untrusted reader even with intermediates', async () => {
    await expect(
      seal([pki.certificates.selfSigned.certificatePem], {
        intermediates: [pki.certificates.subCa.certificatePem],
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^CERTIFICATE_/) });
  });
});

describe('sealContent and openContent pass every trust setting on to certificate validation', async () => {
  const pki = await getTestPki();
  const author = pki.certificates.passportAuthoritySignature;
  const reader = pki.certificates.documentProducerEncryption;
  const trustAnchors = [pki.trustAnchorPem];
  const dayAfter = (date: Date) => new Date(date.getTime() + 86_400_000);
  const container: ContentContainer = {
    id: 'XHD_DATA',
    contents: [{ kind: 'xml', xml: ['<x:A xmlns:x="urn:t">1</x:A>'] }],
  };
  const seal = (
    signer: { key: string; certificateChain: string[] },
    extra: Partial<Parameters<typeof sealContent>[1]> = {},
  ) => sealContent(container, { author: signer, readers: [reader.certificatePem], ...extra });
  const open = (
    sealed: Awaited<ReturnType<typeof seal>>,
    extra: Partial<Parameters<typeof openContent>[2]> = {},
  ) =>
    openContent(sealed.contentPackage, new Map(), {
      decryption: { key: reader.privateKeyPem, certificate: reader.certificatePem },
      trustAnchors,
      ...extra,
    });

  it('sealContent checks the readers at `at`', async () => {
    const signer = { key: author.privateKeyPem, certificateChain: [author.chainPem] };
    const readerChain = { readers: [reader.chainPem], trustAnchors };
    await expect(seal(signer, readerChain)).resolves.toBeDefined();
    await expect(seal(signer, { ...readerChain, at: dayAfter(reader.notAfter) })).rejects.toMatchObject({
      code: 'CERTIFICATE_EXPIRED',
    });
  });

  it('sealContent checks the readers against the CRLs', async () => {
    const signer = { key: author.privateKeyPem, certificateChain: [author.chainPem] };
    const revokedReader = { readers: [pki.certificates.revoked.chainPem], trustAnchors };
    await expect(seal(signer, revokedReader)).resolves.toBeDefined();
    await expect(seal(signer, { ...revokedReader, crls: pki.crls.all })).rejects.toMatchObject({
      code: 'CERTIFICATE_UNTRUSTED',
      details: { reason: 'revoked' },
    });
  });

  it('sealContent refuses trust settings without trust anchors instead of ignoring them', async () => {
    const signer = { key: author.privateKeyPem, certificateChain: [author.chainPem] };
    await expect(seal(signer, { at: new Date() })).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
    await expect(seal(signer, { crls: pki.crls.all })).rejects.toMatchObject({ code: 'OPTIONS_INVALID' });
  });

  it('openContent builds the author path with `intermediates`', async () => {
    // The author signs without its issuing CA in KeyInfo, as some peers do.
    const sealed = await seal({ key: author.privateKeyPem, certificateChain: [author.certificatePem] });
    await expect(open(sealed)).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
    const [opened] = await open(sealed, { intermediates: [pki.certificates.subCa.certificatePem] });
    expect(opened?.authors[0]?.serialNumber).toBe(author.serialNumber);
  });

  it('openContent checks the authors against the CRLs', async () => {
    const revoked = pki.certificates.revoked;
    const sealed = await seal({ key: revoked.privateKeyPem, certificateChain: [revoked.chainPem] });
    const [opened] = await open(sealed);
    expect(opened?.authors[0]?.serialNumber).toBe(revoked.serialNumber);
    await expect(open(sealed, { crls: pki.crls.all })).rejects.toMatchObject({
      code: 'CERTIFICATE_UNTRUSTED',
      details: { reason: 'revoked' },
    });
  });
});
