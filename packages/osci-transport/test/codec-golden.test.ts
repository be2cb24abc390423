import { describe, expect, it } from 'vitest';
import { serializeOsciMessage } from '../src/codec/index.js';
import { SAMPLES } from './fixtures/messages/samples.js';

const order = (xml: string, names: string[]) => names.map((n) => xml.indexOf(n));

describe('codec golden serialisation', () => {
  it('writes the envelope with the SOAP 1.1 and OSCI namespaces', () => {
    const xml = serializeOsciMessage(SAMPLES.exitDialog);
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:osci="http://www.osci.de/2002/04/osci"',
      ),
    ).toBe(true);
    expect(xml).toContain(
      '<osci:ControlBlock Id="controlblock" soap:mustUnderstand="1" soap:actor="http://schemas.xmlsoap.org/soap/actor/next" ConversationId="1" SequenceNumber="4"><osci:Response>s3</osci:Response><osci:Challenge>c4</osci:Challenge></osci:ControlBlock>',
    );
    expect(xml).toContain(
      '<osci:DesiredLanguages Id="desiredlanguages" soap:mustUnderstand="1" soap:actor="http://schemas.xmlsoap.org/soap/actor/next" LanguagesList="de en"/>',
    );
    expect(xml).toContain('<soap:Body Id="body"><osci:exitDialog/></soap:Body></soap:Envelope>');
  });

  it('orders the storeDelivery header blocks as soapStoreDelivery.xsd', () => {
    const xml = serializeOsciMessage(SAMPLES.storeDelivery);
    const pos = order(xml, [
      '<osci:ControlBlock',
      '<osci:ClientSignature',
      '<osci:DesiredLanguages',
      'Service="creation"',
      'Service="reception"',
      '<osci:storeDelivery',
      '<osci:NonIntermediaryCertificates',
      '</soap:Header><soap:Body Id="body"><osci:ContentPackage><xenc:EncryptedData',
      '<osci:ContentContainer Id="container-1"><ds:Signature',
    ]);
    expect(pos.every((p) => p > 0)).toBe(true);
    expect([...pos].sort((a, b) => a - b)).toEqual(pos);
    expect(xml).toContain(
      'soap:actor="http://www.w3.org/2001/12/soap-envelope/actor/none"><osci:CipherCertificateOriginator><ds:X509Data><ds:X509Certificate>',
    );
    expect(xml).toContain('<osci:Content Id="content-1" href="cid:attachment-1@egovkit"/>');
    expect(xml).toContain(
      '<osci:Content Id="content-2"><osci:Base64Content Id="b64-1">SGVsbG8=</osci:Base64Content></osci:Content>',
    );
  });

  it('orders certificate elements as NonIntermediaryCertificatesTemplate', () => {
    const xml = serializeOsciMessage(SAMPLES.storeDelivery);
    const pos = order(xml, [
      '<osci:CipherCertificateOriginator',
      '<osci:CipherCertificateOtherAuthor',
      '<osci:CipherCertificateAddressee',
      '<osci:SignatureCertificateOriginator',
    ]);
    expect([...pos].sort((a, b) => a - b)).toEqual(pos);
  });

  it('puts the response block in the header and Feedback before ProcessCardBundle', () => {
    const xml = serializeOsciMessage(SAMPLES.responseToFetchDelivery);
    const pos = order(xml, [
      '<osci:SupplierSignature',
      '<osci:responseToFetchDelivery',
      '<osci:Feedback>',
      '<osci:fetchDelivery>',
      '<osci:ProcessCardBundle>',
      '<osci:NonIntermediaryCertificates',
      '<soap:Body',
    ]);
    expect(pos[0]).toBe(-1);
    expect([...pos.slice(1)].sort((a, b) => a - b)).toEqual(pos.slice(1));
    expect(xml).toContain('<osci:Entry xml:lang="de"><osci:Code>0801</osci:Code>');
    expect(xml).toContain(
      '<osci:ProcessCard RecentModification="2024-05-01T10:00:03+02:00"><osci:Creation><osci:Plain>2024-05-01T10:00:00+02:00</osci:Plain></osci:Creation><osci:Forwarding><osci:Cryptographic Algorithm=',
    );
    expect(xml).toContain('<osci:Subject>Meldung &lt;Nr. 1&gt; &amp; "Anlage"</osci:Subject>');
  });

  it('uses the 2017 namespace for partial messages and FeatureDescription', () => {
    const xml = serializeOsciMessage(SAMPLES.partialStoreDelivery);
    expect(xml).toContain('xmlns:osci2017="http://xoev.de/transport/osci12/7"');
    expect(xml).toContain('<osci2017:partialStoreDelivery Id="partialstoredelivery" soap:mustUnderstand="1"');
    expect(xml).toContain(
      '<osci:MessageId>bWVzc2FnZS01</osci:MessageId><osci2017:ChunkInformation ChunkNumber="1" ChunkSize="1048576" TotalChunkNumbers="3" TotalMessageSize="3000000"/>',
    );
    expect(xml).toContain('<osci2017:FeatureDescription Id="featuredescription" MaxChunkSize="1048576"');
    const r = serializeOsciMessage(SAMPLES.responseToPartialStoreDelivery);
    expect(r).toContain('<osci2017:InsideFeedback><osci:Entry xml:lang="de"><osci:Code>3707</osci:Code>');
    expect(r).toContain(
      '<osci2017:ChunkInformation ChunkNumber="1" ReceivedChunks="1 2 3" TotalChunkNumbers="3"/>',
    );
  });

  it('writes the encrypted order envelope without header', () => {
    expect(serializeOsciMessage(SAMPLES.soapMessageEncrypted, { xmlDeclaration: false })).toMatch(
      /^<soap:Envelope [^>]*><soap:Body><xenc:EncryptedData [^>]*>.*<\/xenc:EncryptedData><\/soap:Body><\/soap:Envelope>$/,
    );
  });
});
