import { readFileSync } from 'node:fs';
import {
  decryptContentContainer,
  encryptContentContainer,
  signContentContainer,
  verifyContentContainer,
} from '@egovkit/osci-transport';
import { getTestPki } from '@egovkit/testkit';
import { replyFehlerinformation, validateXhd } from '@egovkit/xhd';
import { fromOsciContentContainer, toOsciContentContainer } from '@egovkit/xhd/osci';

// Test certificates (no real authority or producer) and a passport order from the fixture corpus.
const pki = await getTestPki();
const behoerde = pki.certificates.passportAuthoritySignature;
const hersteller = pki.certificates.documentProducerEncryption;
const order = readFileSync(new URL('../fixtures/valid/rp-reisepass.xml', import.meta.url), 'utf8');

// Authority: validate and pack (container XHD_DATA), sign as author, encrypt for the producer.
const signed = await signContentContainer(await toOsciContentContainer(order), {
  author: { key: behoerde.privateKeyPem, certificateChain: [behoerde.chainPem] },
});
const encrypted = await encryptContentContainer(signed, { recipients: [hersteller.chainPem] });

// Producer: decrypt, check the author's signature, unpack and validate.
const opened = await decryptContentContainer(encrypted, { privateKey: hersteller.privateKeyPem });
const { authors } = await verifyContentContainer(opened, { trustAnchors: [pki.trustAnchorPem] });
const { xml, validation } = await fromOsciContentContainer(opened);
console.log(`${opened.id}: Autor ist die Passbehörde: ${authors[0]?.serialNumber === behoerde.serialNumber}`);
console.log(`gültig: ${validation.valid}, unverändert: ${xml === order}`);

// A message the producer cannot process (here: Version_XhD missing) is answered with a Fehlerinformation.
const received = order.replace('<xhd:Version_XhD>1.7</xhd:Version_XhD>', '');
const answer = replyFehlerinformation(received, await validateXhd(received), {
  kopf: {
    nachrichtenId: 'F-1',
    senderkennung: 'dbs:490030010000',
    verfahrenskennung: 'Produktion 1.0',
    // Not readable from a message that does not parse; taken from the OSCI context instead.
    bestellnummer: 'B-FIX-RP-P',
    empfaengerkennung: 'psb:04011300_00',
    produktart: 'RP',
  },
  fehlernummer: 1001,
});
const reply = await toOsciContentContainer(answer);
console.log(`Antwort in ${reply.id}: ${answer.message.fehlerbeschreibung.fehlerbeschreibung}`);
