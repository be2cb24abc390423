import { randomUUID } from 'node:crypto';
import type { CallOptions, CallResult, KbaClient } from './client.js';
import { hasControlCharacter } from './context.js';
import { KbaWsError } from './errors.js';
import { assertSafeXml, type XmlContent, type XmlObject, type XmlValue } from './soap.js';

/**
 * Default namespace of the `xkfzVerarbeitung` wrapper. ASSUMED: the XKfz schemas are published in the
 * XRepository and the KBA's own web-service standards in its protected area; the namespace and element
 * names here model the header fields those documents describe and are replaceable (`namespace` option).
 */
export const XKFZ_DEFAULT_NAMESPACE = 'urn:xoev-de:kba:standard:xkfz';

/** The message header of an XKfz processing request (`xkfzVerarbeitung`). */
export interface XkfzMessageHeader {
  /** Message type code from the XKfz code list, e.g. `"0401"`. */
  readonly messageType: string;
  /** `true` for production, `false` for the KBA's test environment. */
  readonly production: boolean;
  /** Defaults to the request context's message id, so that header and audit log name the same message. */
  readonly messageId?: string;
  /** The message this one answers or refers to. */
  readonly referenceMessageId?: string;
  readonly sender: { readonly id: string; readonly name?: string };
  readonly recipient?: { readonly id: string; readonly name?: string };
  /** Manufacturer, product and version of the sending software. */
  readonly software: { readonly vendor: string; readonly product: string; readonly version: string };
  /** Default: now. */
  readonly createdAt?: Date;
}

/** The header of an answer as parsed; fields the answer lacks are undefined. */
export interface XkfzResponseHeader {
  readonly messageType: string | undefined;
  readonly production: boolean | undefined;
  readonly messageId: string | undefined;
  readonly referenceMessageId: string | undefined;
  readonly senderId: string | undefined;
  readonly createdAt: string | undefined;
}

const XML_TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};
function escapeText(value: string): string {
  return value.replace(/[&<>"]/g, (character) => XML_TEXT_ESCAPES[character] ?? character);
}

function requireField(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '' || hasControlCharacter(value, true)) {
    throw new KbaWsError(
      'MESSAGE_INVALID',
      `XKfz header: "${path}" must be a non-empty string without control characters.`,
      {
        details: { path },
      },
    );
  }
  return value;
}

function element(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<x:${name}>${escapeText(value)}</x:${name}>`;
}

/** Builds the `xkfzVerarbeitung` body element: the message header followed by the payload. */
export function buildXkfzVerarbeitung(
  header: XkfzMessageHeader,
  payload: string,
  options: { readonly namespace?: string; readonly messageId?: string } = {},
): string {
  if (header === null || typeof header !== 'object') {
    throw new KbaWsError('MESSAGE_INVALID', 'XKfz header: an object is required.', { details: { path: '' } });
  }
  const messageType = requireField(header.messageType, 'messageType');
  if (typeof header.production !== 'boolean') {
    throw new KbaWsError('MESSAGE_INVALID', 'XKfz header: "production" must be true or false.', {
      details: { path: 'production' },
    });
  }
  const messageId = requireField(header.messageId ?? options.messageId ?? randomUUID(), 'messageId');
  const sender = requireField(header.sender?.id, 'sender.id');
  const vendor = requireField(header.software?.vendor, 'software.vendor');
  const product = requireField(header.software?.product, 'software.product');
  const version = requireField(header.software?.version, 'software.version');
  const reference =
    header.referenceMessageId === undefined
      ? undefined
      : requireField(header.referenceMessageId, 'referenceMessageId');
  const recipient =
    header.recipient === undefined ? undefined : requireField(header.recipient.id, 'recipient.id');
  const createdAt = (header.createdAt ?? new Date()).toISOString();
  assertSafeXml(payload, 'The XKfz payload');
  const namespace = options.namespace ?? XKFZ_DEFAULT_NAMESPACE;
  return (
    `<x:xkfzVerarbeitung xmlns:x="${escapeText(namespace)}"><x:nachrichtenkopf>` +
    element('nachrichtentyp', messageType) +
    element('produktivbetrieb', String(header.production)) +
    element('nachrichtenId', messageId) +
    element('referenzNachrichtenId', reference) +
    element('erstellungszeitpunkt', createdAt) +
    `<x:absender>${element('kennung', sender)}${element('name', header.sender.name)}</x:absender>` +
    (recipient === undefined
      ? ''
      : `<x:empfaenger>${element('kennung', recipient)}${element('name', header.recipient?.name)}</x:empfaenger>`) +
    `<x:software>${element('hersteller', vendor)}${element('produkt', product)}${element('version', version)}</x:software>` +
    `</x:nachrichtenkopf><x:nachricht>${payload.replace(/^\s*<\?xml[^?]*\?>/, '')}</x:nachricht></x:xkfzVerarbeitung>`
  );
}

function textOf(value: XmlValue): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return textOf((value as XmlObject)['#text']);
  return undefined;
}

function field(node: XmlValue, ...path: string[]): string | undefined {
  let current: XmlValue = node;
  for (const name of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as XmlObject)[name];
  }
  return textOf(current);
}

/** Reads the message header out of an answer's body (`xkfzVerarbeitungAntwort` or any element with a `nachrichtenkopf`). */
export function parseXkfzResponseHeader(body: XmlObject): XkfzResponseHeader {
  const root = Object.values(body).find(
    (value): value is XmlObject =>
      value !== null && typeof value === 'object' && !Array.isArray(value) && 'nachrichtenkopf' in value,
  );
  const header = root?.nachrichtenkopf;
  const production = field(header, 'produktivbetrieb');
  return {
    messageType: field(header, 'nachrichtentyp'),
    production: production === undefined ? undefined : production === 'true',
    messageId: field(header, 'nachrichtenId'),
    referenceMessageId: field(header, 'referenzNachrichtenId'),
    senderId: field(header, 'absender', 'kennung'),
    createdAt: field(header, 'erstellungszeitpunkt'),
  };
}

export interface XkfzCallOptions extends Omit<CallOptions, 'header'> {
  readonly header: XkfzMessageHeader;
  /** The XKfz message as XML text. */
  readonly payload: string;
  readonly namespace?: string;
  /** Default `xkfzVerarbeitung`. */
  readonly operation?: string;
}

/**
 * Sends one XKfz message through `client.call` (with its context, audit and TLS guarantees) and returns
 * the call result plus the parsed answer header.
 */
export async function xkfzVerarbeitung(
  client: KbaClient,
  service: string,
  options: XkfzCallOptions,
): Promise<CallResult & { readonly xkfzHeader: XkfzResponseHeader }> {
  const { header, payload, namespace, operation, ...callOptions } = options;
  // One id for the XKfz header and the audit log.
  const messageId = header?.messageId ?? options.context?.messageId ?? randomUUID();
  const body: XmlContent = buildXkfzVerarbeitung(header, payload, {
    ...(namespace === undefined ? {} : { namespace }),
    messageId,
  });
  const result = await client.call(service, operation ?? 'xkfzVerarbeitung', body, {
    ...callOptions,
    context: options.context === undefined ? (undefined as never) : { ...options.context, messageId },
  });
  const xkfzHeader = parseXkfzResponseHeader(result.body);
  return Object.assign(result, { xkfzHeader });
}
