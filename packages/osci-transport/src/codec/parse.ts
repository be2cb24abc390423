import { OsciError } from '../errors.js';
import {
  DS_NS,
  OSCI_NS,
  OSCI2017_NS,
  SOAP_ACTOR_NEXT,
  SOAP_ACTOR_NONE,
  SOAP_ENV_NS,
  XENC_NS,
  XML_NS,
} from '../model/namespaces.js';
import type {
  Certificate,
  Content,
  ContentContainer,
  ContentPackage,
  ControlBlock,
  DeliverySelectionRule,
  FeatureDescription,
  Feedback,
  FeedbackEntry,
  FetchProcessCardBlock,
  Inspection,
  IntermediaryCertificates,
  NonIntermediaryCertificates,
  OsciMessage,
  OsciOrderType,
  ProcessCardBundle,
  QualityOfTimestamps,
  SelectionDate,
  SignatureBlock,
  Timestamp,
} from '../model/types.js';
import { checkControlBlock } from './serialize.js';
import { isOrderType, MESSAGE_SPECS } from './spec.js';
import {
  ElementSequence,
  elementChildren,
  invalid,
  outerXml,
  parseXmlDocumentStrict,
  type StrictXmlOptions,
  textOf,
  type XElement,
} from './xml.js';

/** Options of {@link parseOsciMessage}: size and depth limits of the XML parser. */
export type ParseOptions = StrictXmlOptions;

/**
 * Parses a SOAP envelope into an {@link OsciMessage}, strictly: DOCTYPE/entities are refused
 * (XML_DOCTYPE_FORBIDDEN), malformed XML is XML_INVALID, an unknown message element is
 * MESSAGE_TYPE_UNKNOWN, and missing, misplaced or superfluous elements are MESSAGE_INVALID with
 * `details.path`. Signatures and encrypted data are returned as opaque XML text.
 */
export function parseOsciMessage(xml: string, options: ParseOptions = {}): OsciMessage {
  return parseOsciEnvelope(parseXmlDocumentStrict(xml, options));
}

const HEADER_NAMES = new Set([
  'ControlBlock',
  'ClientSignature',
  'SupplierSignature',
  'DesiredLanguages',
  'QualityOfTimestamp',
  'IntermediaryCertificates',
  'NonIntermediaryCertificates',
]);

/** Strips undefined properties (exactOptionalPropertyTypes) and types the result. */
function def<T>(o: Record<string, unknown>): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o as T;
}

function attr(el: XElement, name: string): string | undefined {
  return el.hasAttributeNS(null, name) ? (el.getAttributeNS(null, name) ?? '') : undefined;
}

function reqAttr(el: XElement, name: string, path: string): string {
  const v = attr(el, name);
  if (v === undefined) invalid(`${path}/@${name}`, `Missing required attribute ${name}`);
  return v;
}

function num(v: string | undefined, path: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) invalid(path, 'Expected a non-negative integer');
  return Number(v);
}

function reqNum(el: XElement, name: string, path: string): number {
  return num(reqAttr(el, name, path), `${path}/@${name}`) as number;
}

function noAttr(el: XElement, name: string, path: string): void {
  if (attr(el, name) !== undefined) invalid(`${path}/@${name}`, `Attribute ${name} is not allowed here`);
}

function checkHeaderBlock(el: XElement, path: string, actor: string): string {
  const id = reqAttr(el, 'Id', path);
  const mu = el.hasAttributeNS(SOAP_ENV_NS, 'mustUnderstand')
    ? el.getAttributeNS(SOAP_ENV_NS, 'mustUnderstand')
    : undefined;
  if (mu !== '1' && mu !== 'true')
    invalid(`${path}/@soap:mustUnderstand`, 'soap:mustUnderstand="1" is required');
  const a = el.hasAttributeNS(SOAP_ENV_NS, 'actor') ? el.getAttributeNS(SOAP_ENV_NS, 'actor') : undefined;
  if (a !== actor) invalid(`${path}/@soap:actor`, `soap:actor must be ${actor}`, { found: a ?? null });
  return id;
}

function text(seq: ElementSequence, ns: string, local: string): string {
  return textOf(seq.required(ns, local), `${seq.path}/${local}`);
}

function optText(seq: ElementSequence, ns: string, local: string): string | undefined {
  const el = seq.optional(ns, local);
  return el ? textOf(el, `${seq.path}/${local}`) : undefined;
}

function leaf(el: XElement, path: string): void {
  if (elementChildren(el, path).length > 0 || textOf(el, path).trim() !== '')
    invalid(path, 'Element must be empty');
}

/** Parses an envelope element (already parsed strictly) into a message. */
export function parseOsciEnvelope(root: XElement): OsciMessage {
  const P = '/Envelope';
  if (root.namespaceURI !== SOAP_ENV_NS || root.localName !== 'Envelope') {
    invalid(P, 'Root element must be a SOAP 1.1 Envelope', {
      found: root.tagName,
      namespace: root.namespaceURI,
    });
  }
  const env = new ElementSequence(root, P);
  const header = env.optional(SOAP_ENV_NS, 'Header');
  const body = env.required(SOAP_ENV_NS, 'Body');
  env.end();
  const bodyChildren = elementChildren(body, `${P}/Body`);

  if (!header) {
    const first = bodyChildren[0];
    if (bodyChildren.length === 1 && first?.namespaceURI === XENC_NS && first.localName === 'EncryptedData') {
      return { type: 'soapMessageEncrypted', encryptedData: outerXml(first) };
    }
    if (bodyChildren.length === 1 && first?.namespaceURI === SOAP_ENV_NS && first.localName === 'Fault') {
      return parseFault(first, `${P}/Body/Fault`);
    }
    if (first && (first.namespaceURI === OSCI_NS || first.namespaceURI === OSCI2017_NS)) {
      invalid(`${P}/Header`, 'Missing required element Header');
    }
    throw new OsciError('MESSAGE_TYPE_UNKNOWN', 'Envelope is not a known OSCI message', {
      details: { path: `${P}/Body` },
    });
  }

  const type = detectType(header, bodyChildren);
  const spec = MESSAGE_SPECS[type];
  const H = `${P}/Header`;
  const hs = new ElementSequence(header, H);
  const m: Record<string, unknown> = { type };

  const cbEl = hs.required(OSCI_NS, 'ControlBlock');
  const cb = parseControlBlock(cbEl, `${H}/ControlBlock`);
  checkControlBlock(type, cb, `${H}/ControlBlock`);
  m.controlBlock = cb;
  if (spec.role === 'request') {
    const s = hs.optional(OSCI_NS, 'ClientSignature');
    if (s) m.clientSignature = parseSignatureBlock(s, `${H}/ClientSignature`);
    const dl = hs.required(OSCI_NS, 'DesiredLanguages');
    const path = `${H}/DesiredLanguages`;
    const id = checkHeaderBlock(dl, path, SOAP_ACTOR_NEXT);
    leaf(dl, path);
    const langs = reqAttr(dl, 'LanguagesList', path)
      .split(/\s+/)
      .filter((x) => x !== '');
    if (langs.length === 0) invalid(`${path}/@LanguagesList`, 'At least one language is required');
    m.desiredLanguages = { id, languages: langs };
  } else {
    const s = hs.optional(OSCI_NS, 'SupplierSignature');
    if (s) m.supplierSignature = parseSignatureBlock(s, `${H}/SupplierSignature`);
  }
  if (spec.qualityOfTimestamp !== 'none') {
    const q = parseQoT(hs.many(OSCI_NS, 'QualityOfTimestamp'), `${H}/QualityOfTimestamp`);
    if (spec.qualityOfTimestamp === 'both' && (!q.creation || !q.reception)) {
      invalid(
        `${H}/QualityOfTimestamp`,
        'Two QualityOfTimestamp blocks (creation and reception) are required',
      );
    }
    if (q.creation || q.reception) m.qualityOfTimestamp = q;
  }
  if (spec.placement === 'header') {
    const ns = spec.ns === 'osci' ? OSCI_NS : OSCI2017_NS;
    m[type] = parseHeaderBlock(type, hs.required(ns, type), `${H}/${type}`);
  }
  if (spec.intermediaryCertificates) {
    const c = hs.optional(OSCI_NS, 'IntermediaryCertificates');
    if (c) m.intermediaryCertificates = parseIntermediaryCertificates(c, `${H}/IntermediaryCertificates`);
  }
  if (spec.nonIntermediaryCertificates !== 'none') {
    const path = `${H}/NonIntermediaryCertificates`;
    const c =
      spec.nonIntermediaryCertificates === 'required'
        ? hs.required(OSCI_NS, 'NonIntermediaryCertificates')
        : hs.optional(OSCI_NS, 'NonIntermediaryCertificates');
    if (c) {
      const certs = parseNonIntermediaryCertificates(c, path);
      if (type === 'initDialog' && !certs.cipherCertificateOriginator) {
        invalid(
          `${path}/CipherCertificateOriginator`,
          'Missing required element CipherCertificateOriginator',
        );
      }
      if (type === 'storeDelivery' && !certs.cipherCertificateAddressee) {
        invalid(`${path}/CipherCertificateAddressee`, 'Missing required element CipherCertificateAddressee');
      }
      m.nonIntermediaryCertificates = certs;
    }
  }
  const custom: string[] = [];
  for (const el of hs.rest()) {
    const path = `${H}/${el.localName}`;
    if (
      el.namespaceURI === OSCI2017_NS &&
      el.localName === 'FeatureDescription' &&
      m.featureDescription === undefined
    ) {
      m.featureDescription = parseFeatureDescription(el, path);
    } else if (
      el.namespaceURI === OSCI_NS ||
      el.namespaceURI === OSCI2017_NS ||
      el.namespaceURI === SOAP_ENV_NS ||
      !el.namespaceURI
    ) {
      invalid(path, `Unexpected element ${el.tagName}`);
    } else custom.push(outerXml(el));
  }
  if (custom.length > 0) m.customHeaders = custom;
  if (spec.featureDescriptionRequired && m.featureDescription === undefined) {
    invalid(`${H}/FeatureDescription`, 'Missing required element FeatureDescription');
  }

  const B = `${P}/Body`;
  m.bodyId = reqAttr(body, 'Id', B);
  const bs = new ElementSequence(body, B);
  if (spec.placement === 'body') {
    const el = bs.required(OSCI_NS, type);
    const data = parseBodyBlock(type, el, `${B}/${type}`);
    if (spec.bodyHasData) m[type] = data;
  } else if (spec.contentPackage !== 'none') {
    const el =
      spec.contentPackage === 'required'
        ? bs.required(OSCI_NS, 'ContentPackage')
        : bs.optional(OSCI_NS, 'ContentPackage');
    if (el) m.contentPackage = parseContentPackage(el, `${B}/ContentPackage`);
  }
  bs.end();
  return m as unknown as OsciMessage;
}

function detectType(header: XElement, bodyChildren: XElement[]): OsciOrderType {
  for (const el of elementChildren(header, '/Envelope/Header')) {
    const name = el.localName ?? '';
    if (el.namespaceURI === OSCI_NS && HEADER_NAMES.has(name)) continue;
    if (el.namespaceURI === OSCI_NS || el.namespaceURI === OSCI2017_NS) {
      if (isOrderType(name)) {
        const spec = MESSAGE_SPECS[name];
        const ns = spec.ns === 'osci' ? OSCI_NS : OSCI2017_NS;
        if (spec.placement === 'header' && el.namespaceURI === ns) return name;
      }
      if (el.namespaceURI === OSCI2017_NS && name === 'FeatureDescription') continue;
      throw new OsciError('MESSAGE_TYPE_UNKNOWN', `Unknown OSCI header block ${name}`, {
        details: { path: `/Envelope/Header/${name}`, element: name },
      });
    }
  }
  const first = bodyChildren[0];
  if (first && first.namespaceURI === OSCI_NS) {
    const name = first.localName ?? '';
    if (isOrderType(name) && MESSAGE_SPECS[name].placement === 'body') return name;
    if (name !== 'ContentPackage') {
      throw new OsciError('MESSAGE_TYPE_UNKNOWN', `Unknown OSCI message ${name}`, {
        details: { path: `/Envelope/Body/${name}`, element: name },
      });
    }
  }
  throw new OsciError('MESSAGE_TYPE_UNKNOWN', 'No OSCI message element found', {
    details: { path: '/Envelope' },
  });
}

function parseFault(el: XElement, path: string): OsciMessage {
  const seq = new ElementSequence(el, path);
  const faultCode = text(seq, '', 'faultcode').trim();
  const faultString = text(seq, '', 'faultstring');
  seq.optional('', 'faultactor');
  const detail = seq.optional('', 'detail');
  seq.end();
  let osciCode: string | undefined;
  if (detail) {
    for (const d of elementChildren(detail, `${path}/detail`)) {
      if (d.namespaceURI === OSCI_NS && d.localName === 'Code')
        osciCode = textOf(d, `${path}/detail/Code`).trim();
    }
  }
  return def<OsciMessage>({ type: 'soapFault', faultCode, faultString, osciCode });
}

function parseControlBlock(el: XElement, path: string): ControlBlock {
  const id = checkHeaderBlock(el, path, SOAP_ACTOR_NEXT);
  const conversationId = attr(el, 'ConversationId');
  if (conversationId !== undefined && !/^\d+$/.test(conversationId))
    invalid(`${path}/@ConversationId`, 'ConversationId must be digits');
  const seq = new ElementSequence(el, path);
  const response = optText(seq, OSCI_NS, 'Response');
  const challenge = optText(seq, OSCI_NS, 'Challenge');
  seq.end();
  return def<ControlBlock>({
    id,
    conversationId,
    sequenceNumber: num(attr(el, 'SequenceNumber'), `${path}/@SequenceNumber`),
    response,
    challenge,
  });
}

function parseSignatureBlock(el: XElement, path: string): SignatureBlock {
  const id = checkHeaderBlock(el, path, SOAP_ACTOR_NEXT);
  const seq = new ElementSequence(el, path);
  const sig = seq.required(DS_NS, 'Signature');
  seq.end();
  return { id, signature: outerXml(sig) };
}

function parseQoT(els: XElement[], path: string): QualityOfTimestamps {
  const out: Record<string, unknown> = {};
  if (els.length > 2) invalid(path, 'At most two QualityOfTimestamp blocks are allowed');
  for (const el of els) {
    const id = checkHeaderBlock(el, path, SOAP_ACTOR_NEXT);
    leaf(el, path);
    const service = reqAttr(el, 'Service', path);
    const quality = reqAttr(el, 'Quality', path);
    if (service !== 'creation' && service !== 'reception')
      invalid(`${path}/@Service`, 'Service must be creation or reception');
    if (quality !== 'plain' && quality !== 'cryptographic')
      invalid(`${path}/@Quality`, 'Quality must be plain or cryptographic');
    if (out[service]) invalid(`${path}/@Service`, `Duplicate QualityOfTimestamp for ${service}`);
    out[service] = { id, quality };
  }
  return out as QualityOfTimestamps;
}

function parseCertificate(el: XElement, path: string): Certificate {
  const seq = new ElementSequence(el, path);
  const x509 = seq.required(DS_NS, 'X509Data');
  seq.end();
  const xs = new ElementSequence(x509, `${path}/X509Data`);
  const b64 = text(xs, DS_NS, 'X509Certificate').trim();
  xs.end();
  if (!/^[A-Za-z0-9+/=\s]+$/.test(b64))
    invalid(`${path}/X509Data/X509Certificate`, 'Certificate must be base64');
  return def<Certificate>({ id: attr(el, 'Id'), certificateBase64: b64 });
}

function parseIntermediaryCertificates(el: XElement, path: string): IntermediaryCertificates {
  const id = checkHeaderBlock(el, path, SOAP_ACTOR_NONE);
  const seq = new ElementSequence(el, path);
  const c = seq.optional(OSCI_NS, 'CipherCertificateIntermediary');
  const s = seq.optional(OSCI_NS, 'SignatureCertificateIntermediary');
  seq.end();
  return def<IntermediaryCertificates>({
    id,
    cipherCertificateIntermediary: c && parseCertificate(c, `${path}/CipherCertificateIntermediary`),
    signatureCertificateIntermediary: s && parseCertificate(s, `${path}/SignatureCertificateIntermediary`),
  });
}

function parseNonIntermediaryCertificates(el: XElement, path: string): NonIntermediaryCertificates {
  const id = checkHeaderBlock(el, path, SOAP_ACTOR_NONE);
  const seq = new ElementSequence(el, path);
  const one = (name: string) => {
    const e = seq.optional(OSCI_NS, name);
    return e && parseCertificate(e, `${path}/${name}`);
  };
  const many = (name: string) => {
    const list = seq.many(OSCI_NS, name).map((e, i) => parseCertificate(e, `${path}/${name}[${i}]`));
    return list.length > 0 ? list : undefined;
  };
  const out = def<NonIntermediaryCertificates>({
    id,
    cipherCertificateOriginator: one('CipherCertificateOriginator'),
    cipherCertificateOtherAuthors: many('CipherCertificateOtherAuthor'),
    cipherCertificateAddressee: one('CipherCertificateAddressee'),
    cipherCertificateOtherReaders: many('CipherCertificateOtherReader'),
    signatureCertificateOriginator: one('SignatureCertificateOriginator'),
    signatureCertificateOtherAuthors: many('SignatureCertificateOtherAuthor'),
    signatureCertificateAddressee: one('SignatureCertificateAddressee'),
  });
  seq.end();
  return out;
}

function parseFeatureDescription(el: XElement, path: string): FeatureDescription {
  const id = reqAttr(el, 'Id', path);
  const seq = new ElementSequence(el, path);
  const sf = seq.required(OSCI2017_NS, 'SupportedFeatures');
  seq.end();
  const fs = new ElementSequence(sf, `${path}/SupportedFeatures`);
  const features = fs.many(OSCI2017_NS, 'Feature').map((f, i) => {
    const p = `${path}/SupportedFeatures/Feature[${i}]`;
    leaf(f, p);
    return { key: reqAttr(f, 'Key', p), version: reqAttr(f, 'Version', p) };
  });
  fs.end();
  if (features.length === 0) invalid(`${path}/SupportedFeatures/Feature`, 'At least one feature is required');
  return def<FeatureDescription>({
    id,
    supportedFeatures: features,
    maxChunkSize: num(attr(el, 'MaxChunkSize'), `${path}/@MaxChunkSize`),
    maxMessageSize: num(attr(el, 'MaxMessageSize'), `${path}/@MaxMessageSize`),
    minChunkSize: num(attr(el, 'MinChunkSize'), `${path}/@MinChunkSize`),
    chunkMessageTimeOut: num(attr(el, 'ChunkMessageTimeOut'), `${path}/@ChunkMessageTimeOut`),
  });
}

function parseFeedback(el: XElement, path: string): Feedback {
  const seq = new ElementSequence(el, path);
  const entries = seq.many(OSCI_NS, 'Entry').map((e, i): FeedbackEntry => {
    const p = `${path}/Entry[${i}]`;
    const es = new ElementSequence(e, p);
    const code = text(es, OSCI_NS, 'Code').trim();
    const t = text(es, OSCI_NS, 'Text');
    es.end();
    if (!/^\d+$/.test(code)) invalid(`${p}/Code`, 'Feedback code must be digits');
    const lang = e.hasAttributeNS(XML_NS, 'lang')
      ? (e.getAttributeNS(XML_NS, 'lang') ?? undefined)
      : undefined;
    return def<FeedbackEntry>({ code, text: t, lang });
  });
  seq.end();
  if (entries.length === 0) invalid(`${path}/Entry`, 'Feedback needs at least one entry');
  return entries as unknown as Feedback;
}

function parseTimestamp(el: XElement, path: string): Timestamp {
  const seq = new ElementSequence(el, path);
  const plain = seq.optional(OSCI_NS, 'Plain');
  const crypto = plain ? undefined : seq.optional(OSCI_NS, 'Cryptographic');
  seq.end();
  if (plain) return { kind: 'plain', time: textOf(plain, `${path}/Plain`).trim() };
  if (crypto) {
    return def<Timestamp>({
      kind: 'cryptographic',
      value: textOf(crypto, `${path}/Cryptographic`).trim(),
      algorithm: attr(crypto, 'Algorithm'),
    });
  }
  return invalid(`${path}/Plain`, 'Timestamp needs Plain or Cryptographic');
}

function oneOf<T extends string>(el: XElement, name: string, allowed: readonly T[], path: string): T {
  const v = reqAttr(el, name, path);
  if (!(allowed as readonly string[]).includes(v))
    invalid(`${path}/@${name}`, `Invalid ${name}`, { found: v });
  leaf(el, path);
  return v as T;
}

function parseInspection(el: XElement, path: string): Inspection {
  const seq = new ElementSequence(el, path);
  const timestamp = parseTimestamp(seq.required(OSCI_NS, 'Timestamp'), `${path}/Timestamp`);
  const x509SubjectName = text(seq, OSCI_NS, 'X509SubjectName');
  const x509IssuerName = text(seq, OSCI_NS, 'X509IssuerName');
  const x509SerialNumber = text(seq, OSCI_NS, 'X509SerialNumber').trim();
  if (!/^-?\d+$/.test(x509SerialNumber))
    invalid(`${path}/X509SerialNumber`, 'Serial number must be an integer');
  const certType = oneOf(
    seq.required(OSCI_NS, 'CertType'),
    'Type',
    ['advanced', 'qualified', 'accredited', 'unknown'],
    `${path}/CertType`,
  );
  const mathResult = oneOf(
    seq.required(OSCI_NS, 'MathResult'),
    'Result',
    ['ok', 'corrupted', 'indeterminate'],
    `${path}/MathResult`,
  );
  const offlineResult = oneOf(
    seq.required(OSCI_NS, 'OfflineResult'),
    'Result',
    ['valid', 'invalid', 'indeterminate'],
    `${path}/OfflineResult`,
  );
  const online = seq.optional(OSCI_NS, 'OnlineResult');
  seq.end();
  let onlineResult: Inspection['onlineResult'];
  if (online) {
    const p = `${path}/OnlineResult`;
    const result = reqAttr(online, 'Result', p);
    if (result !== 'ok' && result !== 'revoked') invalid(`${p}/@Result`, 'Invalid Result');
    const os = new ElementSequence(online, p);
    onlineResult = def({
      result,
      ocsp: optText(os, OSCI_NS, 'OSCP'),
      crl: optText(os, OSCI_NS, 'CRL'),
      ldap: optText(os, OSCI_NS, 'LDAP'),
    });
    os.end();
  }
  return def<Inspection>({
    timestamp,
    x509SubjectName,
    x509IssuerName,
    x509SerialNumber,
    certType,
    mathResult,
    offlineResult,
    onlineResult,
  });
}

function parseProcessCardBundle(el: XElement, path: string): ProcessCardBundle {
  const seq = new ElementSequence(el, path);
  const messageId = text(seq, OSCI_NS, 'MessageId').trim();
  const pcEl = seq.required(OSCI_NS, 'ProcessCard');
  const irEl = seq.required(OSCI_NS, 'InspectionReport');
  seq.end();
  const pp = `${path}/ProcessCard`;
  const ps = new ElementSequence(pcEl, pp);
  const ts = (name: string) => {
    const e = ps.optional(OSCI_NS, name);
    return e && parseTimestamp(e, `${pp}/${name}`);
  };
  const processCard = def<ProcessCardBundle['processCard']>({
    recentModification: reqAttr(pcEl, 'RecentModification', pp),
    creation: ts('Creation'),
    forwarding: ts('Forwarding'),
    reception: ts('Reception'),
    subject: optText(ps, OSCI_NS, 'Subject'),
  });
  ps.end();
  const is = new ElementSequence(irEl, `${path}/InspectionReport`);
  const inspectionReport = is
    .many(OSCI_NS, 'Inspection')
    .map((e, i) => parseInspection(e, `${path}/InspectionReport/Inspection[${i}]`));
  is.end();
  return { messageId, processCard, inspectionReport };
}

function parseDeliverySelectionRule(
  el: XElement | undefined,
  path: string,
): DeliverySelectionRule | undefined {
  if (!el) return undefined;
  const seq = new ElementSequence(el, path);
  const rec = seq.optional(OSCI_NS, 'ReceptionOfDelivery');
  const mid = rec ? undefined : seq.optional(OSCI_NS, 'MessageId');
  seq.end();
  if (rec) return { receptionOfDelivery: textOf(rec, `${path}/ReceptionOfDelivery`).trim() };
  if (mid) return { messageId: textOf(mid, `${path}/MessageId`).trim() };
  return invalid(`${path}/ReceptionOfDelivery`, 'SelectionRule needs ReceptionOfDelivery or MessageId');
}

function parseSelectionDate(el: XElement, path: string): SelectionDate {
  const nr = attr(el, 'NoReception');
  if (nr !== undefined && !['true', 'false', '1', '0'].includes(nr))
    invalid(`${path}/@NoReception`, 'Invalid boolean');
  const role = attr(el, 'Role');
  if (role !== undefined && role !== 'Addressee' && role !== 'Originator')
    invalid(`${path}/@Role`, 'Invalid Role');
  return def<SelectionDate>({
    value: textOf(el, path).trim(),
    noReception: nr === undefined ? undefined : nr === 'true' || nr === '1',
    role,
  });
}

function parseFetchProcessCardContent(seq: ElementSequence, path: string): FetchProcessCardBlock {
  const sr = seq.optional(OSCI_NS, 'SelectionRule');
  let selectionRule: FetchProcessCardBlock['selectionRule'];
  if (sr) {
    const p = `${path}/SelectionRule`;
    const ss = new ElementSequence(sr, p);
    const rec = ss.optional(OSCI_NS, 'ReceptionOfDelivery');
    const mod = rec ? undefined : ss.optional(OSCI_NS, 'RecentModification');
    const ids =
      rec || mod ? [] : ss.many(OSCI_NS, 'MessageId').map((e) => textOf(e, `${p}/MessageId`).trim());
    ss.end();
    if (rec) selectionRule = { receptionOfDelivery: parseSelectionDate(rec, `${p}/ReceptionOfDelivery`) };
    else if (mod) selectionRule = { recentModification: parseSelectionDate(mod, `${p}/RecentModification`) };
    else if (ids.length > 0) selectionRule = { messageIds: ids as unknown as readonly [string, ...string[]] };
    else invalid(`${p}/ReceptionOfDelivery`, 'Empty SelectionRule');
  }
  const q = seq.optional(OSCI_NS, 'Quantity');
  let quantityLimit: number | undefined;
  if (q) {
    leaf(q, `${path}/Quantity`);
    quantityLimit = reqNum(q, 'Limit', `${path}/Quantity`);
    if (quantityLimit < 1) invalid(`${path}/Quantity/@Limit`, 'Limit must be positive');
  }
  return def<FetchProcessCardBlock>({ selectionRule, quantityLimit });
}

function parseHeaderBlock(type: OsciOrderType, el: XElement, path: string): unknown {
  const id = checkHeaderBlock(el, path, SOAP_ACTOR_NEXT);
  const seq = new ElementSequence(el, path);
  const bundle = (name: string) => {
    const e = seq.optional(OSCI_NS, name);
    return e && parseProcessCardBundle(e, `${path}/${name}`);
  };
  const feedback = () => parseFeedback(seq.required(OSCI_NS, 'Feedback'), `${path}/Feedback`);
  const echo = () => {
    const e = seq.required(OSCI_NS, 'fetchDelivery');
    const es = new ElementSequence(e, `${path}/fetchDelivery`);
    const selectionRule = parseDeliverySelectionRule(
      es.optional(OSCI_NS, 'SelectionRule'),
      `${path}/fetchDelivery/SelectionRule`,
    );
    es.end();
    return def({ selectionRule });
  };
  let out: Record<string, unknown>;
  switch (type) {
    case 'storeDelivery':
      out = {
        id,
        messageId: text(seq, OSCI_NS, 'MessageId').trim(),
        subject: optText(seq, OSCI_NS, 'Subject'),
      };
      break;
    case 'fetchDelivery':
      out = {
        id,
        selectionRule: parseDeliverySelectionRule(
          seq.optional(OSCI_NS, 'SelectionRule'),
          `${path}/SelectionRule`,
        ),
      };
      break;
    case 'forwardDelivery':
    case 'mediateDelivery': {
      const cr = seq.required(OSCI_NS, 'ContentReceiver');
      leaf(cr, `${path}/ContentReceiver`);
      const contentReceiverUri = reqAttr(cr, 'URI', `${path}/ContentReceiver`);
      const messageId =
        type === 'forwardDelivery'
          ? text(seq, OSCI_NS, 'MessageId').trim()
          : optText(seq, OSCI_NS, 'MessageId')?.trim();
      const subject = messageId === undefined ? undefined : optText(seq, OSCI_NS, 'Subject');
      out = { id, contentReceiverUri, messageId, subject };
      break;
    }
    case 'acceptDelivery': {
      const b = bundle('ProcessCardBundle');
      if (!b) invalid(`${path}/ProcessCardBundle`, 'Missing required element ProcessCardBundle');
      out = { id, processCardBundle: b };
      break;
    }
    case 'processDelivery':
      out = {
        id,
        messageIdResponse: optText(seq, OSCI_NS, 'MessageIdResponse')?.trim(),
        processCardBundle: bundle('ProcessCardBundle'),
      };
      break;
    case 'partialStoreDelivery': {
      const messageId = text(seq, OSCI_NS, 'MessageId').trim();
      const subject = optText(seq, OSCI_NS, 'Subject');
      const io = seq.optional(OSCI2017_NS, 'InfoOnly');
      let chunk: unknown;
      if (io) {
        leaf(io, `${path}/InfoOnly`);
        chunk = { infoOnly: true };
      } else {
        const ci = seq.required(OSCI2017_NS, 'ChunkInformation');
        const p = `${path}/ChunkInformation`;
        leaf(ci, p);
        noAttr(ci, 'ReceivedChunks', p);
        chunk = {
          chunkInformation: {
            chunkNumber: reqNum(ci, 'ChunkNumber', p),
            chunkSize: reqNum(ci, 'ChunkSize', p),
            totalChunkNumbers: reqNum(ci, 'TotalChunkNumbers', p),
            totalMessageSize: reqNum(ci, 'TotalMessageSize', p),
          },
        };
      }
      out = { id, messageId, subject, chunk };
      break;
    }
    case 'partialFetchDelivery': {
      const selectionRule = parseDeliverySelectionRule(
        seq.optional(OSCI_NS, 'SelectionRule'),
        `${path}/SelectionRule`,
      );
      const ci = seq.required(OSCI2017_NS, 'ChunkInformation');
      const p = `${path}/ChunkInformation`;
      leaf(ci, p);
      noAttr(ci, 'TotalChunkNumbers', p);
      noAttr(ci, 'TotalMessageSize', p);
      out = {
        id,
        selectionRule,
        chunkInformation: {
          chunkNumber: reqNum(ci, 'ChunkNumber', p),
          chunkSize: reqNum(ci, 'ChunkSize', p),
          receivedChunks: chunkList(reqAttr(ci, 'ReceivedChunks', p), `${p}/@ReceivedChunks`),
        },
      };
      break;
    }
    case 'responseToStoreDelivery':
    case 'responseToForwardDelivery':
      out = { id, feedback: feedback(), processCardBundle: bundle('ProcessCardBundle') };
      break;
    case 'responseToFetchDelivery':
      out = {
        id,
        feedback: feedback(),
        fetchDelivery: echo(),
        processCardBundle: bundle('ProcessCardBundle'),
      };
      break;
    case 'responseToAcceptDelivery':
      out = { id, feedback: feedback() };
      break;
    case 'responseToProcessDelivery': {
      const fb = feedback();
      const messageId = optText(seq, OSCI_NS, 'MessageId')?.trim();
      out = {
        id,
        feedback: fb,
        messageId,
        subject: messageId === undefined ? undefined : optText(seq, OSCI_NS, 'Subject'),
      };
      break;
    }
    case 'responseToMediateDelivery': {
      const fb = feedback();
      const request = bundle('RequestProcessCardBundle');
      out = {
        id,
        feedback: fb,
        requestProcessCardBundle: request,
        replyProcessCardBundle: request && bundle('ReplyProcessCardBundle'),
      };
      break;
    }
    case 'responseToPartialStoreDelivery': {
      const inside = seq.optional(OSCI2017_NS, 'InsideFeedback');
      const insideFeedback = inside && parseFeedback(inside, `${path}/InsideFeedback`);
      const fb = feedback();
      const processCardBundle = bundle('ProcessCardBundle');
      const ci = seq.required(OSCI2017_NS, 'ChunkInformation');
      const p = `${path}/ChunkInformation`;
      leaf(ci, p);
      noAttr(ci, 'ChunkSize', p);
      noAttr(ci, 'TotalMessageSize', p);
      out = {
        id,
        insideFeedback,
        feedback: fb,
        processCardBundle,
        chunkInformation: {
          chunkNumber: reqNum(ci, 'ChunkNumber', p),
          receivedChunks: chunkList(reqAttr(ci, 'ReceivedChunks', p), `${p}/@ReceivedChunks`),
          totalChunkNumbers: reqNum(ci, 'TotalChunkNumbers', p),
        },
      };
      break;
    }
    case 'responseToPartialFetchDelivery': {
      const fb = feedback();
      const fd = echo();
      const ci = seq.required(OSCI2017_NS, 'ChunkInformation');
      const p = `${path}/ChunkInformation`;
      leaf(ci, p);
      noAttr(ci, 'ChunkSize', p);
      noAttr(ci, 'ReceivedChunks', p);
      out = {
        id,
        feedback: fb,
        fetchDelivery: fd,
        chunkInformation: {
          chunkNumber: reqNum(ci, 'ChunkNumber', p),
          totalChunkNumbers: reqNum(ci, 'TotalChunkNumbers', p),
          totalMessageSize: reqNum(ci, 'TotalMessageSize', p),
        },
        messageId: text(seq, OSCI_NS, 'MessageId').trim(),
      };
      break;
    }
    default:
      return invalid(path, `${type} is not a header block`);
  }
  seq.end();
  return def(out);
}

function chunkList(v: string, path: string): number[] {
  const parts = v.split(/\s+/).filter((x) => x !== '');
  return parts.map((x) => num(x, path) as number);
}

function parseBodyBlock(type: OsciOrderType, el: XElement, path: string): unknown {
  const seq = new ElementSequence(el, path);
  let out: unknown;
  switch (type) {
    case 'initDialog':
    case 'exitDialog':
    case 'getMessageId':
      out = undefined;
      break;
    case 'responseToInitDialog':
    case 'responseToExitDialog':
      out = { feedback: parseFeedback(seq.required(OSCI_NS, 'Feedback'), `${path}/Feedback`) };
      break;
    case 'responseToGetMessageId': {
      const feedback = parseFeedback(seq.required(OSCI_NS, 'Feedback'), `${path}/Feedback`);
      out = def({ feedback, messageId: optText(seq, OSCI_NS, 'MessageId')?.trim() });
      break;
    }
    case 'fetchProcessCard':
      out = parseFetchProcessCardContent(seq, path);
      break;
    case 'responseToFetchProcessCard': {
      const feedback = parseFeedback(seq.required(OSCI_NS, 'Feedback'), `${path}/Feedback`);
      const fe = seq.required(OSCI_NS, 'fetchProcessCard');
      const fs = new ElementSequence(fe, `${path}/fetchProcessCard`);
      const fetchProcessCard = parseFetchProcessCardContent(fs, `${path}/fetchProcessCard`);
      fs.end();
      const processCardBundles = seq
        .many(OSCI_NS, 'ProcessCardBundle')
        .map((e, i) => parseProcessCardBundle(e, `${path}/ProcessCardBundle[${i}]`));
      out = { feedback, fetchProcessCard, processCardBundles };
      break;
    }
    default:
      return invalid(path, `${type} is not a body block`);
  }
  seq.end();
  return out;
}

const MAX_CONTAINER_DEPTH = 16;

function parseContentPackage(el: XElement, path: string): ContentPackage {
  const seq = new ElementSequence(el, path);
  const enc = seq.many(XENC_NS, 'EncryptedData').map(outerXml);
  const cc = seq
    .many(OSCI_NS, 'ContentContainer')
    .map((e, i) => parseContentContainer(e, `${path}/ContentContainer[${i}]`, 0));
  seq.end();
  return def<ContentPackage>({
    encryptedData: enc.length > 0 ? enc : undefined,
    contentContainers: cc.length > 0 ? cc : undefined,
  });
}

function parseContentContainer(el: XElement, path: string, depth: number): ContentContainer {
  if (depth > MAX_CONTAINER_DEPTH) invalid(path, 'Content containers are nested too deeply');
  const id = reqAttr(el, 'Id', path);
  const seq = new ElementSequence(el, path);
  const sigs = seq.many(DS_NS, 'Signature').map(outerXml);
  const contents = seq
    .many(OSCI_NS, 'Content')
    .map((e, i) => parseContent(e, `${path}/Content[${i}]`, depth));
  const enc = seq.many(XENC_NS, 'EncryptedData').map(outerXml);
  seq.end();
  return def<ContentContainer>({
    id,
    signatures: sigs.length > 0 ? sigs : undefined,
    contents: contents.length > 0 ? contents : undefined,
    encryptedData: enc.length > 0 ? enc : undefined,
  });
}

function parseContent(el: XElement, path: string, depth: number): Content {
  const id = attr(el, 'Id');
  const href = attr(el, 'href');
  const children = elementChildren(el, path);
  if (href !== undefined) {
    if (children.length > 0 || textOf(el, path).trim() !== '')
      invalid(path, 'Content with href must be empty');
    if (!/^cid:\S+$/.test(href)) invalid(`${path}/@href`, 'href must be a cid: reference', { found: href });
    return def<Content>({ kind: 'attachment', id, href });
  }
  const first = children[0];
  if (!first) {
    if (textOf(el, path).trim() !== '') invalid(path, 'Unexpected text in Content');
    return def<Content>({ kind: 'empty', id });
  }
  if (children.length === 1 && first.namespaceURI === OSCI_NS && first.localName === 'Base64Content') {
    const p = `${path}/Base64Content`;
    const data = textOf(first, p);
    if (!/^[A-Za-z0-9+/=\s]*$/.test(data)) invalid(p, 'Base64Content must be base64');
    return def<Content>({ kind: 'base64', id, base64ContentId: reqAttr(first, 'Id', p), data });
  }
  if (children.length === 1 && first.namespaceURI === OSCI_NS && first.localName === 'ContentContainer') {
    return def<Content>({
      kind: 'container',
      id,
      container: parseContentContainer(first, `${path}/ContentContainer`, depth + 1),
    });
  }
  return def<Content>({ kind: 'xml', id, xml: children.map(outerXml) });
}
