import { describe, expect, it } from 'vitest';
import {
  buildXkfzVerarbeitung,
  createKbaClient,
  type KbaWsError,
  parseSoapEnvelope,
  xkfzVerarbeitung,
} from '../src/index.js';
import { clientOptions, memorySink, startSoapServer, validContext } from './helpers/soap-server.js';

const header = {
  messageType: '0401',
  production: false,
  sender: { id: 'kfz:03241', name: 'Zulassungsstelle Musterkreis' },
  software: { vendor: 'Beispiel GmbH', product: 'ZulassPro', version: '7.2.1' },
} as const;

describe('XKfz wrapper', () => {
  it('builds the message header with escaped values and the payload', () => {
    const xml = buildXkfzVerarbeitung(
      { ...header, sender: { id: 'kfz:1', name: 'A & B <GmbH>' }, messageId: 'm-1' },
      '<p:antrag xmlns:p="urn:p"/>',
    );
    const envelope = parseSoapEnvelope(
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${xml}</s:Body></s:Envelope>`,
    );
    expect(envelope.body).toMatchObject({
      xkfzVerarbeitung: {
        nachrichtenkopf: {
          nachrichtentyp: '0401',
          produktivbetrieb: 'false',
          nachrichtenId: 'm-1',
          absender: { kennung: 'kfz:1', name: 'A & B <GmbH>' },
          software: { hersteller: 'Beispiel GmbH', produkt: 'ZulassPro', version: '7.2.1' },
        },
        nachricht: { antrag: '' },
      },
    });
  });

  it('refuses incomplete headers and unsafe payloads', () => {
    const code = (action: () => unknown) => {
      try {
        action();
      } catch (error) {
        return (error as KbaWsError).code;
      }
      return undefined;
    };
    expect(code(() => buildXkfzVerarbeitung({ ...header, messageType: '' }, '<a/>'))).toBe('MESSAGE_INVALID');
    expect(code(() => buildXkfzVerarbeitung({ ...header, production: 'ja' as never }, '<a/>'))).toBe(
      'MESSAGE_INVALID',
    );
    expect(
      code(() => buildXkfzVerarbeitung({ ...header, software: { ...header.software, version: '' } }, '<a/>')),
    ).toBe('MESSAGE_INVALID');
    expect(code(() => buildXkfzVerarbeitung(header, '<!DOCTYPE a><a/>'))).toBe('XML_DOCTYPE_FORBIDDEN');
  });

  it('sends through the client and uses one message id for the header and the audit log', async () => {
    const server = await startSoapServer({
      responder: (request) => {
        const id = /<x:nachrichtenId>([^<]+)</.exec(request.body)?.[1] ?? '';
        return {
          body:
            '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a:xkfzVerarbeitungAntwort xmlns:a="urn:xoev-de:kba:standard:xkfz">' +
            `<a:nachrichtenkopf><a:nachrichtentyp>0402</a:nachrichtentyp><a:produktivbetrieb>false</a:produktivbetrieb><a:nachrichtenId>answer-1</a:nachrichtenId><a:referenzNachrichtenId>${id}</a:referenzNachrichtenId><a:absender><a:kennung>kba</a:kennung></a:absender></a:nachrichtenkopf>` +
            '</a:xkfzVerarbeitungAntwort></s:Body></s:Envelope>',
        };
      },
    });
    const sink = memorySink();
    const client = await createKbaClient(await clientOptions(server, sink));
    try {
      const result = await xkfzVerarbeitung(client, 'auskunft', {
        header,
        payload: '<p:antrag xmlns:p="urn:p"><p:fin>WVWZZZ1JZXW000001</p:fin></p:antrag>',
        context: validContext,
      });
      expect(server.requests[0]?.headers.soapaction).toBe('"xkfzVerarbeitung"');
      expect(result.xkfzHeader).toMatchObject({
        messageType: '0402',
        production: false,
        messageId: 'answer-1',
        referenceMessageId: result.messageId,
        senderId: 'kba',
      });
      const before = sink.events.find((event) => event['event.name'] === 'kba.call.before');
      expect(before?.['kba.message_id']).toBe(result.messageId);
      expect(server.requests[0]?.body).toContain(`<x:nachrichtenId>${result.messageId}</x:nachrichtenId>`);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
