import {
  DS_NS,
  OSCI_NS,
  OSCI2017_NS,
  SOAP_ACTOR_NEXT,
  SOAP_ACTOR_NONE,
  SOAP_ENV_NS,
  XENC_NS,
  XSI_NS,
} from '../model/namespaces.js';
import type {
  Certificate,
  Content,
  ContentContainer,
  ContentPackage,
  ControlBlock,
  DeliverySelectionRule,
  DesiredLanguages,
  FeatureDescription,
  Feedback,
  FetchProcessCardBlock,
  Inspection,
  IntermediaryCertificates,
  NonIntermediaryCertificates,
  OsciMessage,
  OsciOrderType,
  ProcessCardBundle,
  QualityOfTimestamp,
  QualityOfTimestamps,
  SelectionDate,
  SignatureBlock,
  Timestamp,
} from '../model/types.js';
import { CONTROL_BLOCK_RULES } from '../model/types.js';
import { MESSAGE_SPECS } from './spec.js';
import { checkFragment, escAttr, escText, invalid, parseXmlDocumentStrict } from './xml.js';

/** Options of {@link serializeOsciMessage}. */
export interface SerializeOptions {
  /** Write `<?xml version="1.0" encoding="UTF-8"?>` first (default true). */
  readonly xmlDeclaration?: boolean;
}

const P = '/Envelope';

/**
 * Serialises a message to a SOAP 1.1 envelope (UTF-8 text) with the OSCI element order of the
 * message's schema. Throws MESSAGE_INVALID (with a `path`) if required parts are missing.
 */
export function serializeOsciMessage(message: OsciMessage, options: SerializeOptions = {}): string {
  const decl = options.xmlDeclaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>\n';
  return decl + writeEnvelope(message);
}

function envelopeOpen(with2017: boolean): string {
  return (
    `<soap:Envelope xmlns:soap="${SOAP_ENV_NS}" xmlns:osci="${OSCI_NS}"` +
    (with2017 ? ` xmlns:osci2017="${OSCI2017_NS}"` : '') +
    ` xmlns:ds="${DS_NS}" xmlns:xenc="${XENC_NS}" xmlns:xsi="${XSI_NS}">`
  );
}

function writeEnvelope(m: OsciMessage): string {
  if (m.type === 'soapMessageEncrypted') {
    const ed = checkFragment(m.encryptedData, `${P}/Body/EncryptedData`, {
      ns: XENC_NS,
      local: 'EncryptedData',
    });
    return `${envelopeOpen(false)}<soap:Body>${ed}</soap:Body></soap:Envelope>`;
  }
  if (m.type === 'soapFault') {
    const path = `${P}/Body/Fault`;
    const detail =
      m.osciCode === undefined
        ? ''
        : `<detail><osci:Code>${escText(m.osciCode, `${path}/detail`)}</osci:Code></detail>`;
    return (
      `${envelopeOpen(false)}<soap:Body><soap:Fault><faultcode>${escText(m.faultCode, `${path}/faultcode`)}</faultcode>` +
      `<faultstring>${escText(m.faultString, `${path}/faultstring`)}</faultstring>${detail}</soap:Fault></soap:Body></soap:Envelope>`
    );
  }
  const type = m.type;
  const spec = MESSAGE_SPECS[type];
  // Structural access to the type-specific fields; every field is checked below.
  const msg = m as unknown as Record<string, unknown> & {
    controlBlock: ControlBlock;
    bodyId: string;
    clientSignature?: SignatureBlock;
    supplierSignature?: SignatureBlock;
    desiredLanguages?: DesiredLanguages;
    qualityOfTimestamp?: QualityOfTimestamps;
    intermediaryCertificates?: IntermediaryCertificates;
    nonIntermediaryCertificates?: NonIntermediaryCertificates;
    featureDescription?: FeatureDescription;
    customHeaders?: readonly string[];
    contentPackage?: ContentPackage;
  };
  const H = `${P}/Header`;
  const with2017 = spec.ns === 'osci2017' || msg.featureDescription !== undefined;
  let h = writeControlBlock(type, msg.controlBlock);
  if (spec.role === 'request') {
    if (msg.clientSignature) h += writeSignatureBlock('ClientSignature', msg.clientSignature);
    if (!msg.desiredLanguages) invalid(`${H}/DesiredLanguages`, 'Missing required element DesiredLanguages');
    h += writeDesiredLanguages(msg.desiredLanguages);
  } else if (msg.supplierSignature) {
    h += writeSignatureBlock('SupplierSignature', msg.supplierSignature);
  }
  if (spec.qualityOfTimestamp !== 'none') {
    const q = msg.qualityOfTimestamp;
    if (spec.qualityOfTimestamp === 'both' && (!q?.creation || !q.reception)) {
      invalid(
        `${H}/QualityOfTimestamp`,
        'Two QualityOfTimestamp blocks (creation and reception) are required',
      );
    }
    if (q?.creation) h += writeQoT('creation', q.creation);
    if (q?.reception) h += writeQoT('reception', q.reception);
  }
  if (spec.placement === 'header') h += writeHeaderBlock(type, msg[type], `${H}/${type}`);
  if (spec.intermediaryCertificates && msg.intermediaryCertificates) {
    h += writeIntermediaryCertificates(msg.intermediaryCertificates);
  }
  if (spec.nonIntermediaryCertificates !== 'none') {
    const c = msg.nonIntermediaryCertificates;
    if (c) h += writeNonIntermediaryCertificates(c);
    else if (spec.nonIntermediaryCertificates === 'required') {
      invalid(`${H}/NonIntermediaryCertificates`, 'Missing required element NonIntermediaryCertificates');
    }
    if (type === 'initDialog' && !c?.cipherCertificateOriginator) {
      invalid(`${H}/NonIntermediaryCertificates/CipherCertificateOriginator`, 'Missing required certificate');
    }
    if (type === 'storeDelivery' && !c?.cipherCertificateAddressee) {
      invalid(`${H}/NonIntermediaryCertificates/CipherCertificateAddressee`, 'Missing required certificate');
    }
  }
  if (msg.featureDescription) h += writeFeatureDescription(msg.featureDescription);
  else if (spec.featureDescriptionRequired)
    invalid(`${H}/FeatureDescription`, 'Missing required element FeatureDescription');
  for (const [i, x] of (msg.customHeaders ?? []).entries()) {
    const frag = checkFragment(x, `${H}/customHeaders[${i}]`);
    const ns = parseXmlDocumentStrict(frag).namespaceURI;
    if (ns === OSCI_NS || ns === SOAP_ENV_NS || ns === OSCI2017_NS || ns === null) {
      invalid(`${H}/customHeaders[${i}]`, 'Custom headers must be in a foreign namespace');
    }
    h += frag;
  }

  let body = '';
  const B = `${P}/Body`;
  if (spec.placement === 'body') {
    body = writeBodyBlock(type, msg[type], `${B}/${type}`);
  } else if (spec.contentPackage !== 'none') {
    if (msg.contentPackage) body = writeContentPackage(msg.contentPackage, `${B}/ContentPackage`);
    else if (spec.contentPackage === 'required')
      invalid(`${B}/ContentPackage`, 'Missing required element ContentPackage');
  }
  if (typeof msg.bodyId !== 'string' || msg.bodyId === '')
    invalid(`${B}/@Id`, 'Missing required attribute Id');
  return (
    `${envelopeOpen(with2017)}<soap:Header>${h}</soap:Header>` +
    `<soap:Body Id="${escAttr(msg.bodyId, `${B}/@Id`)}">${body}</soap:Body></soap:Envelope>`
  );
}

// ------------------------------------------------------------------------------------------------
// Header blocks
// ------------------------------------------------------------------------------------------------

function open(qname: string, id: string, path: string, actor: string, attrs = ''): string {
  if (typeof id !== 'string' || id === '') invalid(`${path}/@Id`, 'Missing required attribute Id');
  return `<${qname} Id="${escAttr(id, `${path}/@Id`)}" soap:mustUnderstand="1" soap:actor="${actor}"${attrs}`;
}

/** Checks the ControlBlock against the rules of the message type (shared with the parser). */
export function checkControlBlock(type: OsciOrderType, cb: ControlBlock, path: string): void {
  const rule = CONTROL_BLOCK_RULES[type];
  for (const field of ['conversationId', 'sequenceNumber', 'response', 'challenge'] as const) {
    const present = cb[field] !== undefined;
    const p = `${path}/${field === 'conversationId' ? '@ConversationId' : field === 'sequenceNumber' ? '@SequenceNumber' : field === 'response' ? 'Response' : 'Challenge'}`;
    if (rule[field] === 'required' && !present) invalid(p, `Missing required ${field} for ${type}`);
    if (rule[field] === 'prohibited' && present) invalid(p, `${field} is not allowed in ${type}`);
  }
  if (cb.conversationId !== undefined && !/^\d+$/.test(cb.conversationId)) {
    invalid(`${path}/@ConversationId`, 'ConversationId must be digits');
  }
  if (
    cb.sequenceNumber !== undefined &&
    !(Number.isSafeInteger(cb.sequenceNumber) && cb.sequenceNumber >= 0)
  ) {
    invalid(`${path}/@SequenceNumber`, 'SequenceNumber must be a non-negative integer');
  }
}

function writeControlBlock(type: OsciOrderType, cb: ControlBlock): string {
  const path = `${P}/Header/ControlBlock`;
  if (!cb) invalid(path, 'Missing required element ControlBlock');
  checkControlBlock(type, cb, path);
  let attrs = '';
  if (cb.conversationId !== undefined) attrs += ` ConversationId="${cb.conversationId}"`;
  if (cb.sequenceNumber !== undefined) attrs += ` SequenceNumber="${cb.sequenceNumber}"`;
  let inner = '';
  if (cb.response !== undefined)
    inner += `<osci:Response>${escText(cb.response, `${path}/Response`)}</osci:Response>`;
  if (cb.challenge !== undefined)
    inner += `<osci:Challenge>${escText(cb.challenge, `${path}/Challenge`)}</osci:Challenge>`;
  return `${open('osci:ControlBlock', cb.id, path, SOAP_ACTOR_NEXT, attrs)}>${inner}</osci:ControlBlock>`;
}

function writeSignatureBlock(name: 'ClientSignature' | 'SupplierSignature', b: SignatureBlock): string {
  const path = `${P}/Header/${name}`;
  const sig = checkFragment(b.signature, `${path}/Signature`, { ns: DS_NS, local: 'Signature' });
  return `${open(`osci:${name}`, b.id, path, SOAP_ACTOR_NEXT)}>${sig}</osci:${name}>`;
}

function writeDesiredLanguages(d: DesiredLanguages): string {
  const path = `${P}/Header/DesiredLanguages`;
  if (!Array.isArray(d.languages) || d.languages.length === 0)
    invalid(`${path}/@LanguagesList`, 'At least one language is required');
  for (const l of d.languages)
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(l)) invalid(`${path}/@LanguagesList`, 'Invalid language');
  return `${open('osci:DesiredLanguages', d.id, path, SOAP_ACTOR_NEXT, ` LanguagesList="${d.languages.join(' ')}"`)}/>`;
}

function writeQoT(service: 'creation' | 'reception', q: QualityOfTimestamp): string {
  const path = `${P}/Header/QualityOfTimestamp[@Service='${service}']`;
  if (q.quality !== 'plain' && q.quality !== 'cryptographic')
    invalid(`${path}/@Quality`, 'Quality must be plain or cryptographic');
  return `${open('osci:QualityOfTimestamp', q.id, path, SOAP_ACTOR_NEXT, ` Service="${service}" Quality="${q.quality}"`)}/>`;
}

function writeCertificate(name: string, c: Certificate, path: string): string {
  const id = c.id === undefined ? '' : ` Id="${escAttr(c.id, `${path}/@Id`)}"`;
  const b64 = c.certificateBase64;
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/=\s]+$/.test(b64))
    invalid(`${path}/X509Data/X509Certificate`, 'Certificate must be base64');
  return `<osci:${name}${id}><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></osci:${name}>`;
}

function writeIntermediaryCertificates(c: IntermediaryCertificates): string {
  const path = `${P}/Header/IntermediaryCertificates`;
  let inner = '';
  if (c.cipherCertificateIntermediary)
    inner += writeCertificate('CipherCertificateIntermediary', c.cipherCertificateIntermediary, path);
  if (c.signatureCertificateIntermediary) {
    inner += writeCertificate('SignatureCertificateIntermediary', c.signatureCertificateIntermediary, path);
  }
  return `${open('osci:IntermediaryCertificates', c.id, path, SOAP_ACTOR_NONE)}>${inner}</osci:IntermediaryCertificates>`;
}

function writeNonIntermediaryCertificates(c: NonIntermediaryCertificates): string {
  const path = `${P}/Header/NonIntermediaryCertificates`;
  let inner = '';
  const one = (name: string, v: Certificate | undefined) => {
    if (v) inner += writeCertificate(name, v, `${path}/${name}`);
  };
  const many = (name: string, v: readonly Certificate[] | undefined) => {
    for (const x of v ?? []) inner += writeCertificate(name, x, `${path}/${name}`);
  };
  one('CipherCertificateOriginator', c.cipherCertificateOriginator);
  many('CipherCertificateOtherAuthor', c.cipherCertificateOtherAuthors);
  one('CipherCertificateAddressee', c.cipherCertificateAddressee);
  many('CipherCertificateOtherReader', c.cipherCertificateOtherReaders);
  one('SignatureCertificateOriginator', c.signatureCertificateOriginator);
  many('SignatureCertificateOtherAuthor', c.signatureCertificateOtherAuthors);
  one('SignatureCertificateAddressee', c.signatureCertificateAddressee);
  return `${open('osci:NonIntermediaryCertificates', c.id, path, SOAP_ACTOR_NONE)}>${inner}</osci:NonIntermediaryCertificates>`;
}

function posInt(v: number | undefined, path: string): string {
  if (v === undefined) return '';
  if (!(Number.isSafeInteger(v) && v >= 0)) invalid(path, 'Expected a non-negative integer');
  return String(v);
}

function writeFeatureDescription(f: FeatureDescription): string {
  const path = `${P}/Header/FeatureDescription`;
  if (!f.id) invalid(`${path}/@Id`, 'Missing required attribute Id');
  let attrs = '';
  if (f.maxChunkSize !== undefined)
    attrs += ` MaxChunkSize="${posInt(f.maxChunkSize, `${path}/@MaxChunkSize`)}"`;
  if (f.maxMessageSize !== undefined)
    attrs += ` MaxMessageSize="${posInt(f.maxMessageSize, `${path}/@MaxMessageSize`)}"`;
  if (f.minChunkSize !== undefined)
    attrs += ` MinChunkSize="${posInt(f.minChunkSize, `${path}/@MinChunkSize`)}"`;
  if (f.chunkMessageTimeOut !== undefined) {
    attrs += ` ChunkMessageTimeOut="${posInt(f.chunkMessageTimeOut, `${path}/@ChunkMessageTimeOut`)}"`;
  }
  if (!Array.isArray(f.supportedFeatures) || f.supportedFeatures.length === 0) {
    invalid(`${path}/SupportedFeatures/Feature`, 'At least one feature is required');
  }
  const feats = f.supportedFeatures
    .map(
      (x) =>
        `<osci2017:Feature Key="${escAttr(x.key, `${path}/SupportedFeatures/Feature/@Key`)}" Version="${escAttr(x.version, `${path}/SupportedFeatures/Feature/@Version`)}"/>`,
    )
    .join('');
  return `<osci2017:FeatureDescription Id="${escAttr(f.id, `${path}/@Id`)}"${attrs}><osci2017:SupportedFeatures>${feats}</osci2017:SupportedFeatures></osci2017:FeatureDescription>`;
}

// ------------------------------------------------------------------------------------------------
// Shared structures
// ------------------------------------------------------------------------------------------------

function writeFeedback(qname: string, f: Feedback | undefined, path: string): string {
  if (!Array.isArray(f) || f.length === 0) invalid(path, 'Feedback needs at least one entry');
  const entries = f
    .map((e) => {
      if (!/^\d+$/.test(e.code)) invalid(`${path}/Entry/Code`, 'Feedback code must be digits');
      const lang = e.lang === undefined ? '' : ` xml:lang="${escAttr(e.lang, `${path}/Entry/@xml:lang`)}"`;
      return `<osci:Entry${lang}><osci:Code>${e.code}</osci:Code><osci:Text>${escText(e.text, `${path}/Entry/Text`)}</osci:Text></osci:Entry>`;
    })
    .join('');
  return `<${qname}>${entries}</${qname}>`;
}

function simple(qname: string, value: string | undefined, path: string): string {
  return value === undefined ? '' : `<${qname}>${escText(value, path)}</${qname}>`;
}

function required(value: string | undefined, path: string): string {
  if (typeof value !== 'string') invalid(path, 'Missing required element');
  return value;
}

function writeTimestamp(name: string, t: Timestamp | undefined, path: string): string {
  if (!t) return '';
  if (t.kind === 'plain')
    return `<osci:${name}><osci:Plain>${escText(t.time, `${path}/Plain`)}</osci:Plain></osci:${name}>`;
  if (t.kind === 'cryptographic') {
    const alg =
      t.algorithm === undefined
        ? ''
        : ` Algorithm="${escAttr(t.algorithm, `${path}/Cryptographic/@Algorithm`)}"`;
    return `<osci:${name}><osci:Cryptographic${alg}>${escText(t.value, `${path}/Cryptographic`)}</osci:Cryptographic></osci:${name}>`;
  }
  return invalid(path, 'Unknown timestamp kind');
}

function writeInspection(i: Inspection, path: string): string {
  let online = '';
  if (i.onlineResult) {
    const o = i.onlineResult;
    online =
      `<osci:OnlineResult Result="${o.result}">${simple('osci:OSCP', o.ocsp, `${path}/OnlineResult/OSCP`)}` +
      `${simple('osci:CRL', o.crl, `${path}/OnlineResult/CRL`)}${simple('osci:LDAP', o.ldap, `${path}/OnlineResult/LDAP`)}</osci:OnlineResult>`;
  }
  if (!/^-?\d+$/.test(i.x509SerialNumber))
    invalid(`${path}/X509SerialNumber`, 'Serial number must be an integer');
  return (
    `<osci:Inspection>${writeTimestamp('Timestamp', i.timestamp, `${path}/Timestamp`) || invalid(`${path}/Timestamp`, 'Missing required element Timestamp')}` +
    `<osci:X509SubjectName>${escText(i.x509SubjectName, `${path}/X509SubjectName`)}</osci:X509SubjectName>` +
    `<osci:X509IssuerName>${escText(i.x509IssuerName, `${path}/X509IssuerName`)}</osci:X509IssuerName>` +
    `<osci:X509SerialNumber>${i.x509SerialNumber}</osci:X509SerialNumber>` +
    `<osci:CertType Type="${i.certType}"/><osci:MathResult Result="${i.mathResult}"/>` +
    `<osci:OfflineResult Result="${i.offlineResult}"/>${online}</osci:Inspection>`
  );
}

function writeProcessCardBundle(name: string, b: ProcessCardBundle | undefined, path: string): string {
  if (!b) return '';
  const pc = b.processCard;
  if (!pc) invalid(`${path}/ProcessCard`, 'Missing required element ProcessCard');
  const card =
    `<osci:ProcessCard RecentModification="${escAttr(pc.recentModification, `${path}/ProcessCard/@RecentModification`)}">` +
    writeTimestamp('Creation', pc.creation, `${path}/ProcessCard/Creation`) +
    writeTimestamp('Forwarding', pc.forwarding, `${path}/ProcessCard/Forwarding`) +
    writeTimestamp('Reception', pc.reception, `${path}/ProcessCard/Reception`) +
    simple('osci:Subject', pc.subject, `${path}/ProcessCard/Subject`) +
    '</osci:ProcessCard>';
  const report = (b.inspectionReport ?? [])
    .map((i, n) => writeInspection(i, `${path}/InspectionReport/Inspection[${n}]`))
    .join('');
  return (
    `<osci:${name}><osci:MessageId>${escText(required(b.messageId, `${path}/MessageId`), `${path}/MessageId`)}</osci:MessageId>` +
    `${card}<osci:InspectionReport>${report}</osci:InspectionReport></osci:${name}>`
  );
}

function writeDeliverySelectionRule(r: DeliverySelectionRule | undefined, path: string): string {
  if (!r) return '';
  if ('receptionOfDelivery' in r) {
    return `<osci:SelectionRule><osci:ReceptionOfDelivery>${escText(r.receptionOfDelivery, path)}</osci:ReceptionOfDelivery></osci:SelectionRule>`;
  }
  if ('messageId' in r)
    return `<osci:SelectionRule><osci:MessageId>${escText(r.messageId, path)}</osci:MessageId></osci:SelectionRule>`;
  return invalid(path, 'SelectionRule needs receptionOfDelivery or messageId');
}

function writeSelectionDate(name: string, d: SelectionDate, path: string): string {
  let attrs = '';
  if (d.noReception !== undefined) attrs += ` NoReception="${d.noReception ? 'true' : 'false'}"`;
  if (d.role !== undefined) attrs += ` Role="${d.role}"`;
  return `<osci:${name}${attrs}>${escText(d.value, path)}</osci:${name}>`;
}

function writeFetchProcessCardContent(b: FetchProcessCardBlock, path: string): string {
  let out = '';
  const r = b.selectionRule;
  if (r) {
    let inner: string;
    if ('receptionOfDelivery' in r)
      inner = writeSelectionDate('ReceptionOfDelivery', r.receptionOfDelivery, `${path}/SelectionRule`);
    else if ('recentModification' in r)
      inner = writeSelectionDate('RecentModification', r.recentModification, `${path}/SelectionRule`);
    else if ('messageIds' in r && r.messageIds.length > 0) {
      inner = r.messageIds
        .map((id) => `<osci:MessageId>${escText(id, `${path}/SelectionRule/MessageId`)}</osci:MessageId>`)
        .join('');
    } else inner = invalid(`${path}/SelectionRule`, 'Empty SelectionRule');
    out += `<osci:SelectionRule>${inner}</osci:SelectionRule>`;
  }
  if (b.quantityLimit !== undefined) {
    if (!(Number.isSafeInteger(b.quantityLimit) && b.quantityLimit > 0))
      invalid(`${path}/Quantity/@Limit`, 'Limit must be a positive integer');
    out += `<osci:Quantity Limit="${b.quantityLimit}"/>`;
  }
  return out;
}

function chunks(list: readonly number[], path: string): string {
  for (const n of list)
    if (!(Number.isSafeInteger(n) && n >= 0)) invalid(path, 'Chunk numbers must be non-negative integers');
  return list.join(' ');
}

// ------------------------------------------------------------------------------------------------
// Message blocks
// ------------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: block shapes are checked per type below
type AnyBlock = any;

function writeHeaderBlock(type: OsciOrderType, b: AnyBlock, path: string): string {
  if (!b || typeof b !== 'object') invalid(path, `Missing required element ${type}`);
  const ns = MESSAGE_SPECS[type].ns;
  const q = `${ns}:${type}`;
  const head = `${open(q, b.id, path, SOAP_ACTOR_NEXT)}>`;
  const tail = `</${q}>`;
  const mid = (() => {
    switch (type) {
      case 'storeDelivery':
        return `<osci:MessageId>${escText(required(b.messageId, `${path}/MessageId`), `${path}/MessageId`)}</osci:MessageId>${simple('osci:Subject', b.subject, `${path}/Subject`)}`;
      case 'fetchDelivery':
        return writeDeliverySelectionRule(b.selectionRule, `${path}/SelectionRule`);
      case 'forwardDelivery':
      case 'mediateDelivery': {
        const uri = required(b.contentReceiverUri, `${path}/ContentReceiver/@URI`);
        let s = `<osci:ContentReceiver URI="${escAttr(uri, `${path}/ContentReceiver/@URI`)}"/>`;
        if (type === 'forwardDelivery')
          s += `<osci:MessageId>${escText(required(b.messageId, `${path}/MessageId`), `${path}/MessageId`)}</osci:MessageId>`;
        else if (b.messageId !== undefined) s += simple('osci:MessageId', b.messageId, `${path}/MessageId`);
        else if (b.subject !== undefined) invalid(`${path}/Subject`, 'Subject requires MessageId');
        return s + simple('osci:Subject', b.subject, `${path}/Subject`);
      }
      case 'acceptDelivery':
        if (!b.processCardBundle)
          invalid(`${path}/ProcessCardBundle`, 'Missing required element ProcessCardBundle');
        return writeProcessCardBundle('ProcessCardBundle', b.processCardBundle, `${path}/ProcessCardBundle`);
      case 'processDelivery':
        return (
          simple('osci:MessageIdResponse', b.messageIdResponse, `${path}/MessageIdResponse`) +
          writeProcessCardBundle('ProcessCardBundle', b.processCardBundle, `${path}/ProcessCardBundle`)
        );
      case 'partialStoreDelivery': {
        let s = `<osci:MessageId>${escText(required(b.messageId, `${path}/MessageId`), `${path}/MessageId`)}</osci:MessageId>${simple('osci:Subject', b.subject, `${path}/Subject`)}`;
        const c = b.chunk;
        if (c && c.infoOnly === true) s += '<osci2017:InfoOnly/>';
        else if (c?.chunkInformation) {
          const ci = c.chunkInformation;
          const cp = `${path}/ChunkInformation`;
          s += `<osci2017:ChunkInformation ChunkNumber="${posInt(ci.chunkNumber, `${cp}/@ChunkNumber`)}" ChunkSize="${posInt(ci.chunkSize, `${cp}/@ChunkSize`)}" TotalChunkNumbers="${posInt(ci.totalChunkNumbers, `${cp}/@TotalChunkNumbers`)}" TotalMessageSize="${posInt(ci.totalMessageSize, `${cp}/@TotalMessageSize`)}"/>`;
        } else invalid(`${path}/ChunkInformation`, 'Missing InfoOnly or ChunkInformation');
        return s;
      }
      case 'partialFetchDelivery': {
        const ci = b.chunkInformation;
        const cp = `${path}/ChunkInformation`;
        if (!ci) invalid(cp, 'Missing required element ChunkInformation');
        return (
          writeDeliverySelectionRule(b.selectionRule, `${path}/SelectionRule`) +
          `<osci2017:ChunkInformation ChunkNumber="${posInt(ci.chunkNumber, `${cp}/@ChunkNumber`)}" ChunkSize="${posInt(ci.chunkSize, `${cp}/@ChunkSize`)}" ReceivedChunks="${chunks(ci.receivedChunks ?? [], `${cp}/@ReceivedChunks`)}"/>`
        );
      }
      case 'responseToStoreDelivery':
      case 'responseToForwardDelivery':
        return (
          writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`) +
          writeProcessCardBundle('ProcessCardBundle', b.processCardBundle, `${path}/ProcessCardBundle`)
        );
      case 'responseToFetchDelivery':
        return (
          writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`) +
          `<osci:fetchDelivery>${writeDeliverySelectionRule(b.fetchDelivery?.selectionRule, `${path}/fetchDelivery/SelectionRule`)}</osci:fetchDelivery>` +
          writeProcessCardBundle('ProcessCardBundle', b.processCardBundle, `${path}/ProcessCardBundle`)
        );
      case 'responseToAcceptDelivery':
        return writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`);
      case 'responseToProcessDelivery':
        if (b.messageId === undefined && b.subject !== undefined)
          invalid(`${path}/Subject`, 'Subject requires MessageId');
        return (
          writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`) +
          simple('osci:MessageId', b.messageId, `${path}/MessageId`) +
          simple('osci:Subject', b.subject, `${path}/Subject`)
        );
      case 'responseToMediateDelivery':
        if (!b.requestProcessCardBundle && b.replyProcessCardBundle) {
          invalid(
            `${path}/ReplyProcessCardBundle`,
            'ReplyProcessCardBundle requires RequestProcessCardBundle',
          );
        }
        return (
          writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`) +
          writeProcessCardBundle(
            'RequestProcessCardBundle',
            b.requestProcessCardBundle,
            `${path}/RequestProcessCardBundle`,
          ) +
          writeProcessCardBundle(
            'ReplyProcessCardBundle',
            b.replyProcessCardBundle,
            `${path}/ReplyProcessCardBundle`,
          )
        );
      case 'responseToPartialStoreDelivery': {
        const ci = b.chunkInformation;
        const cp = `${path}/ChunkInformation`;
        if (!ci) invalid(cp, 'Missing required element ChunkInformation');
        return (
          (b.insideFeedback
            ? writeFeedback('osci2017:InsideFeedback', b.insideFeedback, `${path}/InsideFeedback`)
            : '') +
          writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`) +
          writeProcessCardBundle('ProcessCardBundle', b.processCardBundle, `${path}/ProcessCardBundle`) +
          `<osci2017:ChunkInformation ChunkNumber="${posInt(ci.chunkNumber, `${cp}/@ChunkNumber`)}" ReceivedChunks="${chunks(ci.receivedChunks ?? [], `${cp}/@ReceivedChunks`)}" TotalChunkNumbers="${posInt(ci.totalChunkNumbers, `${cp}/@TotalChunkNumbers`)}"/>`
        );
      }
      case 'responseToPartialFetchDelivery': {
        const ci = b.chunkInformation;
        const cp = `${path}/ChunkInformation`;
        if (!ci) invalid(cp, 'Missing required element ChunkInformation');
        return (
          writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`) +
          `<osci:fetchDelivery>${writeDeliverySelectionRule(b.fetchDelivery?.selectionRule, `${path}/fetchDelivery/SelectionRule`)}</osci:fetchDelivery>` +
          `<osci2017:ChunkInformation ChunkNumber="${posInt(ci.chunkNumber, `${cp}/@ChunkNumber`)}" TotalChunkNumbers="${posInt(ci.totalChunkNumbers, `${cp}/@TotalChunkNumbers`)}" TotalMessageSize="${posInt(ci.totalMessageSize, `${cp}/@TotalMessageSize`)}"/>` +
          `<osci:MessageId>${escText(required(b.messageId, `${path}/MessageId`), `${path}/MessageId`)}</osci:MessageId>`
        );
      }
      default:
        return invalid(path, `${type} is not a header block`);
    }
  })();
  return head + mid + tail;
}

function writeBodyBlock(type: OsciOrderType, b: AnyBlock, path: string): string {
  switch (type) {
    case 'initDialog':
    case 'exitDialog':
    case 'getMessageId':
      return `<osci:${type}/>`;
    case 'responseToInitDialog':
    case 'responseToExitDialog':
      if (!b) invalid(path, `Missing required element ${type}`);
      return `<osci:${type}>${writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`)}</osci:${type}>`;
    case 'responseToGetMessageId':
      if (!b) invalid(path, `Missing required element ${type}`);
      return `<osci:${type}>${writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`)}${simple('osci:MessageId', b.messageId, `${path}/MessageId`)}</osci:${type}>`;
    case 'fetchProcessCard':
      if (!b) invalid(path, `Missing required element ${type}`);
      return `<osci:fetchProcessCard>${writeFetchProcessCardContent(b, path)}</osci:fetchProcessCard>`;
    case 'responseToFetchProcessCard': {
      if (!b) invalid(path, `Missing required element ${type}`);
      const echo = writeFetchProcessCardContent(b.fetchProcessCard ?? {}, `${path}/fetchProcessCard`);
      const bundles = (b.processCardBundles ?? [])
        .map((x: ProcessCardBundle, i: number) =>
          writeProcessCardBundle('ProcessCardBundle', x, `${path}/ProcessCardBundle[${i}]`),
        )
        .join('');
      return `<osci:${type}>${writeFeedback('osci:Feedback', b.feedback, `${path}/Feedback`)}<osci:fetchProcessCard>${echo}</osci:fetchProcessCard>${bundles}</osci:${type}>`;
    }
    default:
      return invalid(path, `${type} is not a body block`);
  }
}

// ------------------------------------------------------------------------------------------------
// Content
// ------------------------------------------------------------------------------------------------

const MAX_CONTAINER_DEPTH = 16;

function writeContentPackage(p: ContentPackage, path: string): string {
  const enc = (p.encryptedData ?? [])
    .map((x, i) => checkFragment(x, `${path}/EncryptedData[${i}]`, { ns: XENC_NS, local: 'EncryptedData' }))
    .join('');
  const cc = (p.contentContainers ?? [])
    .map((c, i) => writeContentContainer(c, `${path}/ContentContainer[${i}]`, 0))
    .join('');
  return `<osci:ContentPackage>${enc}${cc}</osci:ContentPackage>`;
}

function writeContentContainer(c: ContentContainer, path: string, depth: number): string {
  if (depth > MAX_CONTAINER_DEPTH) invalid(path, 'Content containers are nested too deeply');
  if (!c.id) invalid(`${path}/@Id`, 'Missing required attribute Id');
  const sigs = (c.signatures ?? [])
    .map((s, i) => checkFragment(s, `${path}/Signature[${i}]`, { ns: DS_NS, local: 'Signature' }))
    .join('');
  const contents = (c.contents ?? []).map((x, i) => writeContent(x, `${path}/Content[${i}]`, depth)).join('');
  const enc = (c.encryptedData ?? [])
    .map((x, i) => checkFragment(x, `${path}/EncryptedData[${i}]`, { ns: XENC_NS, local: 'EncryptedData' }))
    .join('');
  return `<osci:ContentContainer Id="${escAttr(c.id, `${path}/@Id`)}">${sigs}${contents}${enc}</osci:ContentContainer>`;
}

function writeContent(c: Content, path: string, depth: number): string {
  let attrs = c.id === undefined ? '' : ` Id="${escAttr(c.id, `${path}/@Id`)}"`;
  switch (c.kind) {
    case 'attachment':
      if (!/^cid:\S+$/.test(c.href)) invalid(`${path}/@href`, 'href must be a cid: reference');
      attrs += ` href="${escAttr(c.href, `${path}/@href`)}"`;
      return `<osci:Content${attrs}/>`;
    case 'base64':
      if (!/^[A-Za-z0-9+/=\s]*$/.test(c.data))
        invalid(`${path}/Base64Content`, 'Base64Content must be base64');
      return `<osci:Content${attrs}><osci:Base64Content Id="${escAttr(c.base64ContentId, `${path}/Base64Content/@Id`)}">${c.data}</osci:Base64Content></osci:Content>`;
    case 'container':
      return `<osci:Content${attrs}>${writeContentContainer(c.container, `${path}/ContentContainer`, depth + 1)}</osci:Content>`;
    case 'xml':
      if (!Array.isArray(c.xml) || c.xml.length === 0)
        invalid(path, 'xml content needs at least one element');
      return `<osci:Content${attrs}>${c.xml.map((x, i) => checkFragment(x, `${path}/xml[${i}]`)).join('')}</osci:Content>`;
    case 'empty':
      return `<osci:Content${attrs}/>`;
    default:
      return invalid(path, 'Unknown content kind');
  }
}

/** The `cid:` references of a message's Content elements (attachments that must be in the MIME package). */
export function attachmentReferences(message: OsciMessage): string[] {
  const out: string[] = [];
  const pkg = (message as { contentPackage?: ContentPackage }).contentPackage;
  const visit = (c: ContentContainer) => {
    for (const x of c.contents ?? []) {
      if (x.kind === 'attachment') out.push(x.href.slice(4));
      else if (x.kind === 'container') visit(x.container);
    }
  };
  for (const c of pkg?.contentContainers ?? []) visit(c);
  return out;
}
