import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { KbaWsError } from './errors.js';
import { type Redactor, redactPersonalData } from './redaction.js';

export type SoapVersion = '1.1' | '1.2';

export const SOAP_ENVELOPE_NAMESPACES: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

/** An XML element tree as fast-xml-parser reads and writes it: attributes as `@_name`, text as `#text`. */
export type XmlObject = { readonly [name: string]: XmlValue };
export type XmlValue = string | number | boolean | XmlObject | readonly XmlValue[] | null | undefined;

/** SOAP body or header content: well-formed XML text, or an element tree. */
export type XmlContent = string | XmlObject;

export interface SoapEnvelopeInput {
  readonly version: SoapVersion;
  readonly body: XmlContent;
  /** Header blocks; omitted when empty. */
  readonly header?: XmlContent;
}

export interface SoapFault {
  readonly version: SoapVersion;
  /** 1.1 `faultcode` or 1.2 `Code/Value`, as sent (a QName such as `soap:Server`). */
  readonly code: string;
  /** 1.2 `Subcode/Value` chain, outermost first. */
  readonly subcodes: readonly string[];
  /** 1.1 `faultstring` or the first 1.2 `Reason/Text`; redacted unless the client is told otherwise. */
  readonly reason: string;
  /** 1.1 `faultactor` or 1.2 `Role`. */
  readonly actor?: string;
  /** 1.2 `Node`. */
  readonly node?: string;
  readonly detail?: XmlValue;
}

export interface ParsedSoapEnvelope {
  readonly version: SoapVersion;
  /** Header blocks with namespace prefixes removed; undefined without a Header. */
  readonly header: XmlObject | undefined;
  /** Body content with namespace prefixes removed. */
  readonly body: XmlObject;
  readonly fault: SoapFault | undefined;
}

const ATTRIBUTE_PREFIX = '@_';
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  suppressEmptyNode: true,
  processEntities: true,
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  maxNestedTags: 200,
  // No callbacks use the path; building path strings for every tag costs more than the rest of the parse.
  jPath: false,
});

// SOAP 1.1 (§ 3) and 1.2 (Part 1, § 5) forbid document type declarations; refusing them rules out XXE and
// entity expansion before any parser sees the text.
const DOCTYPE = /<!DOCTYPE/i;
const ENTITY = /<!ENTITY/i;

/** Checks that text is a well-formed XML fragment without DTD; throws `XML_INVALID` / `XML_DOCTYPE_FORBIDDEN`. */
export function assertSafeXml(xml: string, what: string): void {
  if (DOCTYPE.test(xml) || ENTITY.test(xml)) {
    throw new KbaWsError('XML_DOCTYPE_FORBIDDEN', `${what} contains a document type or entity declaration.`);
  }
  const result = XMLValidator.validate(`<r>${xml.replace(/^\s*<\?xml[^?]*\?>/, '')}</r>`);
  if (result !== true) {
    throw new KbaWsError('XML_INVALID', `${what} is not well-formed XML: ${result.err.msg}`, {
      details: { line: result.err.line, column: result.err.col, reason: result.err.code },
    });
  }
}

function renderContent(content: XmlContent, what: string): string {
  if (typeof content === 'string') {
    assertSafeXml(content, what);
    return content.replace(/^\s*<\?xml[^?]*\?>/, '');
  }
  if (content === null || typeof content !== 'object') {
    throw new KbaWsError('CONFIG_INVALID', `${what} must be XML text or an element object.`);
  }
  return builder.build(content) as string;
}

/** Builds a SOAP envelope (prefix `soap`) around the given body and header content. */
export function buildSoapEnvelope(input: SoapEnvelopeInput): string {
  const namespace = SOAP_ENVELOPE_NAMESPACES[input.version];
  if (namespace === undefined) {
    throw new KbaWsError('CONFIG_INVALID', `Unknown SOAP version "${String(input.version)}".`);
  }
  const header = input.header === undefined ? '' : renderContent(input.header, 'The SOAP header');
  const body = renderContent(input.body, 'The SOAP body');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${namespace}">` +
    (header === '' ? '' : `<soap:Header>${header}</soap:Header>`) +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

/** Content-Type and SOAPAction headers for a request. */
export function soapRequestHeaders(version: SoapVersion, action: string | undefined): Record<string, string> {
  if (version === '1.1') {
    return { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${action ?? ''}"` };
  }
  const actionParameter = action === undefined ? '' : `; action="${action.replaceAll('"', '')}"`;
  return { 'content-type': `application/soap+xml; charset=utf-8${actionParameter}` };
}

function text(value: XmlValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return text(value[0] as XmlValue);
  const node = value as XmlObject;
  return text(node['#text']);
}

function child(value: XmlValue, name: string): XmlValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return (value as XmlObject)[name];
}

function readFault(version: SoapVersion, fault: XmlValue, redact: Redactor | false): SoapFault {
  const clean = (value: string | undefined) =>
    value === undefined || redact === false ? value : redact(value);
  if (version === '1.1') {
    const actor = text(child(fault, 'faultactor'));
    const detail = child(fault, 'detail');
    return {
      version,
      code: text(child(fault, 'faultcode')) ?? '',
      subcodes: [],
      reason: clean(text(child(fault, 'faultstring'))) ?? '',
      ...(actor === undefined ? {} : { actor }),
      ...(detail === undefined || redact !== false ? {} : { detail }),
    };
  }
  const codeNode = child(fault, 'Code');
  const subcodes: string[] = [];
  let subcode = child(codeNode, 'Subcode');
  while (subcode !== undefined && subcodes.length < 16) {
    const value = text(child(subcode, 'Value'));
    if (value !== undefined) subcodes.push(value);
    subcode = child(subcode, 'Subcode');
  }
  const node = text(child(fault, 'Node'));
  const role = text(child(fault, 'Role'));
  const detail = child(fault, 'Detail');
  return {
    version,
    code: text(child(codeNode, 'Value')) ?? '',
    subcodes,
    reason: clean(text(child(child(fault, 'Reason'), 'Text'))) ?? '',
    ...(role === undefined ? {} : { actor: role }),
    ...(node === undefined ? {} : { node }),
    ...(detail === undefined || redact !== false ? {} : { detail }),
  };
}

export interface ParseSoapOptions {
  /** Expected version; a different envelope namespace is `SOAP_INVALID` (a 1.2 VersionMismatch). */
  readonly version?: SoapVersion;
  /**
   * Applied to the fault reason; fault details are dropped while redaction is on, because they may carry
   * register data. Default: `redactPersonalData`. `false` keeps fault text and details as sent.
   */
  readonly redactFault?: Redactor | false;
}

function checkEnvelopeText(
  xml: string,
  options: ParseSoapOptions,
): { version: SoapVersion; prefix: string | undefined } {
  if (DOCTYPE.test(xml) || ENTITY.test(xml)) {
    throw new KbaWsError(
      'XML_DOCTYPE_FORBIDDEN',
      'The SOAP message contains a document type or entity declaration.',
    );
  }
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new KbaWsError('XML_INVALID', `The SOAP message is not well-formed XML: ${validation.err.msg}`, {
      details: { line: validation.err.line, column: validation.err.col, reason: validation.err.code },
    });
  }
  const root = /<(?:([A-Za-z_][\w.-]*):)?Envelope\b([^>]*)>/.exec(xml);
  if (root === null) throw new KbaWsError('SOAP_INVALID', 'The message has no SOAP Envelope element.');
  const prefix = root[1];
  const declaration = new RegExp(
    `xmlns${prefix === undefined ? '' : `:${prefix}`}\\s*=\\s*["']([^"']*)["']`,
  ).exec(root[2] ?? '');
  const namespace = declaration?.[1];
  const version = (Object.keys(SOAP_ENVELOPE_NAMESPACES) as SoapVersion[]).find(
    (candidate) => SOAP_ENVELOPE_NAMESPACES[candidate] === namespace,
  );
  if (version === undefined) {
    throw new KbaWsError('SOAP_INVALID', 'The Envelope is not in the SOAP 1.1 or 1.2 namespace.', {
      details: { namespace: namespace ?? null },
    });
  }
  if (options.version !== undefined && options.version !== version) {
    throw new KbaWsError(
      'SOAP_INVALID',
      `Expected a SOAP ${options.version} envelope, got SOAP ${version}.`,
      {
        details: { expected: options.version, actual: version },
      },
    );
  }
  return { version, prefix };
}

function buildEnvelopeTree(xml: string, version: SoapVersion, options: ParseSoapOptions): ParsedSoapEnvelope {
  let document: XmlObject;
  try {
    document = parser.parse(xml) as XmlObject;
  } catch (cause) {
    throw new KbaWsError('XML_INVALID', 'The SOAP message cannot be parsed.', { cause });
  }
  const envelope = document.Envelope;
  if (
    envelope === undefined ||
    envelope === null ||
    typeof envelope !== 'object' ||
    Array.isArray(envelope)
  ) {
    throw new KbaWsError('SOAP_INVALID', 'The SOAP Envelope is empty or repeated.');
  }
  const envelopeNode = envelope as XmlObject;
  const body = envelopeNode.Body;
  if (Array.isArray(body)) throw new KbaWsError('SOAP_INVALID', 'The SOAP Envelope has more than one Body.');
  const header = envelopeNode.Header;
  if (Array.isArray(header))
    throw new KbaWsError('SOAP_INVALID', 'The SOAP Envelope has more than one Header.');
  const bodyNode: XmlObject = body !== null && typeof body === 'object' ? (body as XmlObject) : {};
  if (body === undefined) throw new KbaWsError('SOAP_INVALID', 'The SOAP Envelope has no Body.');
  const faultNode = bodyNode.Fault;
  const fault =
    faultNode === undefined
      ? undefined
      : readFault(version, faultNode, options.redactFault ?? redactPersonalData);
  return {
    version,
    header: header !== null && typeof header === 'object' ? (header as XmlObject) : undefined,
    body: bodyNode,
    fault,
  };
}

/** Parses a SOAP 1.1 or 1.2 envelope; throws `XML_DOCTYPE_FORBIDDEN`, `XML_INVALID` or `SOAP_INVALID`. */
export function parseSoapEnvelope(xml: string, options: ParseSoapOptions = {}): ParsedSoapEnvelope {
  return buildEnvelopeTree(xml, checkEnvelopeText(xml, options).version, options);
}

/** A checked response whose element tree is built on first use. */
export interface InspectedSoapResponse {
  readonly version: SoapVersion;
  readonly fault: SoapFault | undefined;
  /** Builds (once) and returns the element tree; throws `SOAP_INVALID` for a structurally wrong envelope. */
  envelope(): ParsedSoapEnvelope;
}

const BODY_TAG = /<(?:([A-Za-z_][\w.-]*):)?Body[\s/>]/g;
const HEADER_TAG = /<(?:[A-Za-z_][\w.-]*:)?Header[\s/>]/g;
const FAULT_TAG = /<(?:[A-Za-z_][\w.-]*:)?Fault[\s/>]/;

/**
 * The checks every response gets at once (no DTD, well-formed, SOAP namespace and version, one Body, fault
 * or not), without building the element tree: that is the expensive part, and a caller that only needs
 * success and the raw XML should not pay for it. Anything the quick checks cannot settle is parsed fully.
 */
export function inspectSoapResponse(xml: string, options: ParseSoapOptions = {}): InspectedSoapResponse {
  const { version, prefix } = checkEnvelopeText(xml, options);
  const bodies = [...xml.matchAll(BODY_TAG)];
  const simple =
    bodies.length === 1 &&
    bodies[0]?.[1] === prefix &&
    (xml.match(HEADER_TAG)?.length ?? 0) <= 1 &&
    !FAULT_TAG.test(xml);
  if (!simple) {
    const parsed = buildEnvelopeTree(xml, version, options);
    return { version, fault: parsed.fault, envelope: () => parsed };
  }
  let parsed: ParsedSoapEnvelope | undefined;
  return {
    version,
    fault: undefined,
    envelope: () => {
      parsed ??= buildEnvelopeTree(xml, version, options);
      return parsed;
    },
  };
}

/** Turns a SOAP fault into the error a call throws. */
export function soapFaultError(fault: SoapFault, status: number): KbaWsError {
  return new KbaWsError(
    'SOAP_FAULT',
    `The service answered with a SOAP fault (${fault.code || 'no code'}).`,
    {
      details: { fault, status },
    },
  );
}

/** Narrows an error to a SOAP fault and returns it, or undefined. */
export function getSoapFault(error: unknown): SoapFault | undefined {
  if (!(error instanceof KbaWsError) || error.code !== 'SOAP_FAULT') return undefined;
  return error.details?.fault as SoapFault | undefined;
}
