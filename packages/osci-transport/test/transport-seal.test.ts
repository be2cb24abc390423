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
