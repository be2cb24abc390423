import { readFileSync } from 'node:fs';
import { getTestPki } from '@egovkit/testkit';
import { XhdError } from '@egovkit/xhd';
import { openXhd, protectXhd } from '@egovkit/xhd/security';

// Test certificates (no real authority or producer) and a passport order from the fixture corpus.
const pki = await getTestPki();
const behoerde = pki.certificates.passportAuthoritySignature;
const hersteller = pki.certificates.documentProducerEncryption;
const order = readFileSync(new URL('../fixtures/valid/rp-reisepass.xml', import.meta.url), 'utf8');

// Authority (author): sign the whole message (URI=""), then encrypt xhd:Nutzdaten for the producer.
const sealed = await protectXhd(order, {
  signer: { key: behoerde.privateKeyPem, certificateChain: [behoerde.chainPem] },
  recipients: [hersteller.certificatePem],
});
console.log(`Kopf lesbar: ${sealed.includes('<xhd:Bestellnummer>B-FIX-RP-P</xhd:Bestellnummer>')}`);
console.log(
  `Nutzdaten verschlüsselt: ${!sealed.includes('<xhd:Nutzdaten>') && sealed.includes('xenc:EncryptedData')}`,
);

// Producer (reader): decrypt, verify the author's signature, validate.
const reader = { privateKey: hersteller.privateKeyPem, certificate: hersteller.certificatePem };
const opened = await openXhd(sealed, { reader, trustAnchors: [pki.trustAnchorPem] });
console.log(`Autor ist die Passbehörde: ${opened.signature.signer.serialNumber === behoerde.serialNumber}`);
console.log(`gültig: ${opened.validation.valid} (${opened.validation.message?.nachricht})`);

// The same message opened with a key it was not encrypted for.
const other = pki.certificates.passportAuthorityEncryption;
try {
  await openXhd(sealed, {
    reader: { privateKey: other.privateKeyPem, certificate: other.certificatePem },
    trustAnchors: [pki.trustAnchorPem],
  });
} catch (error) {
  if (error instanceof XhdError) console.log(`abgewiesen: ${error.code}`);
}
