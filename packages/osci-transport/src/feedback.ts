import { OsciError } from './errors.js';
import type { FeedbackEntry } from './model/types.js';

/** Level of a feedback code: `0xxx` success, `3xxx` warning, `9xxx` error (OSCI 1.2 code classes). */
export type FeedbackLevel = 'ok' | 'warning' | 'error';

/** One row of the OSCI feedback code table. */
export interface FeedbackCodeInfo {
  readonly code: string;
  readonly level: FeedbackLevel;
  /** Meaning as given in the specification (German). */
  readonly de: string;
  /** English meaning (own translation). */
  readonly en: string;
}

const rows: ReadonlyArray<readonly [string, string, string]> = [
  ['0800', 'Auftrag ausgeführt, Dialog beendet', 'Order executed, dialog closed'],
  ['0801', 'Auftrag ausgeführt, Dialog weiterhin geöffnet', 'Order executed, dialog still open'],
  [
    '3500',
    'Chiffrierzertifikat des Clients ist zeitlich ungültig',
    "Client's encryption certificate is outside its validity period",
  ],
  [
    '3501',
    'Prüfung des Chiffrierzertifikats des Clients konnte nicht vollständig durchgeführt werden',
    "Check of the client's encryption certificate could not be completed",
  ],
  [
    '3700',
    'Signierzertifikat des Clients ist zeitlich ungültig',
    "Client's signature certificate is outside its validity period",
  ],
  [
    '3701',
    'Signierzertifikat eines Autors ist zeitlich ungültig',
    "An author's signature certificate is outside its validity period",
  ],
  [
    '3702',
    'Signatur über das Signierzertifikat eines Autors ist fehlerhaft',
    "Signature on an author's signature certificate is invalid",
  ],
  ['3703', 'Signierzertifikat eines Autors ist widerrufen', "An author's signature certificate is revoked"],
  [
    '3704',
    'Chiffrierzertifikat eines Autors ist zeitlich ungültig',
    "An author's encryption certificate is outside its validity period",
  ],
  [
    '3705',
    'Chiffrierzertifikat des Empfängers ist zeitlich ungültig',
    "Addressee's encryption certificate is outside its validity period",
  ],
  [
    '3706',
    'Chiffrierzertifikat eines Lesers ist zeitlich ungültig',
    "A reader's encryption certificate is outside its validity period",
  ],
  [
    '3707',
    'Zertifikatsprüfung konnte nicht vollständig durchgeführt werden',
    'Certificate check could not be completed',
  ],
  [
    '3708',
    'Signierzertifikat des Empfängers ist zeitlich ungültig',
    "Addressee's signature certificate is outside its validity period",
  ],
  [
    '3800',
    'Es liegen weitere Zustellungen für diesen Client vor',
    'Further deliveries are waiting for this client',
  ],
  [
    '3801',
    'Zu den im Auftrag angegebenen Kriterien liegen weitere Laufzettel vor',
    'Further process cards match the criteria of the order',
  ],
  [
    '3802',
    'Signatur des Empfängers über die Annahme- bzw. Bearbeitungsantwort fehlt',
    "Addressee's signature on the accept/process response is missing",
  ],
  [
    '3803',
    'Der Empfänger hat eine unverschlüsselte Auftragsantwort gesendet',
    'The addressee sent an unencrypted response',
  ],
  [
    '3950',
    'Rückmeldungen für die Verarbeitung der Gesamtnachricht vorhanden',
    'Feedback on processing the reassembled message is available',
  ],
  [
    '3951',
    'Maximale Wartezeit für die Verarbeitung der Gesamtnachricht überschritten',
    'Maximum waiting time for processing the reassembled message exceeded',
  ],
  [
    '3952',
    'Innere Nachricht befindet sich noch in Verarbeitung',
    'The inner message is still being processed',
  ],
  ['9000', 'Interner Fehler beim Supplier', 'Internal error of the supplier'],
  [
    '9100',
    'Empfangene Nachricht stellt keine gültige OSCI-Nachricht dar',
    'The received message is not a valid OSCI message',
  ],
  [
    '9200',
    'Supplier verfügt nicht über den privaten Schlüssel zum Chiffrierzertifikat auf Nachrichtenebene',
    'Supplier lacks the private key of the message-level encryption certificate',
  ],
  [
    '9201',
    'Chiffrierzertifikat auf Nachrichtenebene ist widerrufen',
    'Message-level encryption certificate is revoked',
  ],
  ['9202', 'Auftragsdaten konnten nicht entschlüsselt werden', 'Order data could not be decrypted'],
  ['9300', 'Auftragsdaten stellen keinen gültigen Auftrag dar', 'Order data is not a valid order'],
  [
    '9400',
    'ConversationId oder SequenceNumber oder Response nicht korrekt',
    'ConversationId, SequenceNumber or Response is not correct',
  ],
  [
    '9500',
    'Chiffrierzertifikat des Clients ist nicht in den Auftragsdaten enthalten',
    "Client's encryption certificate is missing from the order data",
  ],
  [
    '9501',
    'Signatur über das Chiffrierzertifikat des Clients ist fehlerhaft',
    "Signature on the client's encryption certificate is invalid",
  ],
  ['9502', 'Chiffrierzertifikat des Clients ist widerrufen', "Client's encryption certificate is revoked"],
  [
    '9503',
    'Interner Fehler des Suppliers beim Ermitteln oder Prüfen des Chiffrierzertifikats',
    "Supplier's internal error finding or checking the encryption certificate",
  ],
  [
    '9600',
    'Auftrag ist nicht signiert, obwohl dieser Supplier für diesen Auftragstyp eine Signatur verlangt',
    'Order is not signed although this supplier requires a signature for this order type',
  ],
  ['9601', 'Signatur über Auftrag ist fehlerhaft', 'Signature on the order is invalid'],
  [
    '9602',
    'Es sind nicht alle geforderten Elemente des Auftrags signiert',
    'Not all required elements of the order are signed',
  ],
  [
    '9603',
    'Interner Fehler des Suppliers beim Prüfen der Signatur',
    "Supplier's internal error checking the signature",
  ],
  [
    '9700',
    'Signatur über das Signierzertifikat des Clients ist fehlerhaft',
    "Signature on the client's signature certificate is invalid",
  ],
  ['9701', 'Signierzertifikat des Clients ist widerrufen', "Client's signature certificate is revoked"],
  [
    '9704',
    'Signatur über das Chiffrierzertifikat eines Autors ist fehlerhaft',
    "Signature on an author's encryption certificate is invalid",
  ],
  [
    '9705',
    'Chiffrierzertifikat eines Autors ist widerrufen',
    "An author's encryption certificate is revoked",
  ],
  [
    '9706',
    'Signatur über das Chiffrierzertifikat des Empfängers ist fehlerhaft',
    "Signature on the addressee's encryption certificate is invalid",
  ],
  [
    '9707',
    'Chiffrierzertifikat des Empfängers ist widerrufen',
    "Addressee's encryption certificate is revoked",
  ],
  [
    '9708',
    'Signatur über das Chiffrierzertifikat eines Lesers ist fehlerhaft',
    "Signature on a reader's encryption certificate is invalid",
  ],
  ['9709', 'Chiffrierzertifikat eines Lesers ist widerrufen', "A reader's encryption certificate is revoked"],
  [
    '9710',
    'Interner Fehler des Suppliers bei der Zertifikatsprüfung',
    "Supplier's internal error checking certificates",
  ],
  [
    '9711',
    'Signatur über das Signierzertifikat des Empfängers ist fehlerhaft',
    "Signature on the addressee's signature certificate is invalid",
  ],
  ['9712', 'Signierzertifikat des Empfängers ist widerrufen', "Addressee's signature certificate is revoked"],
  ['9800', 'Annahme der Zustellung ohne MessageId verweigert', 'Delivery without MessageId refused'],
  [
    '9801',
    'Illegale MessageId (nicht von diesem Supplier erzeugt oder schon verwendet)',
    'Illegal MessageId (not issued by this supplier or already used)',
  ],
  [
    '9802',
    'Auftrag nicht innerhalb eines expliziten Dialogs gesendet, obwohl dies für diesen Auftragstyp gefordert ist',
    'Order not sent within an explicit dialog although this order type requires one',
  ],
  [
    '9803',
    'Zu den im Auftrag angegebenen Kriterien ist keine Zustellung vorhanden',
    'No delivery matches the criteria of the order',
  ],
  [
    '9804',
    'Zu den im Auftrag angegebenen Kriterien ist kein Laufzettel vorhanden',
    'No process card matches the criteria of the order',
  ],
  [
    '9805',
    'Empfänger hat Zustellung des Senders nicht angenommen',
    "Addressee did not accept the sender's delivery",
  ],
  [
    '9806',
    'Empfänger hat Zustellung angenommen, seine Auftragsantwort enthält aber keine Zustellung an den Sender',
    'Addressee accepted the delivery, but its response holds no delivery for the sender',
  ],
  [
    '9807',
    'Signatur des Empfängers über die Annahme- bzw. Bearbeitungsantwort fehlerhaft',
    "Addressee's signature on the accept/process response is invalid",
  ],
  ['9808', 'Interner Fehler des Empfängers', 'Internal error of the addressee'],
  [
    '9809',
    'Interner Fehler des Intermediärs bei Weiterleitungs- oder Abwicklungsauftrag, Zustellung hat den Empfänger nicht erreicht',
    "Intermediary's internal error on forward/mediate order; the delivery did not reach the addressee",
  ],
  [
    '9810',
    'Interner Fehler des Intermediärs bei Weiterleitungs- oder Abwicklungsauftrag, Zustellung hat den Empfänger erreicht',
    "Intermediary's internal error on forward/mediate order; the delivery reached the addressee",
  ],
  [
    '9811',
    'Interner Fehler des Suppliers bei der Ausführung des Auftrags',
    "Supplier's internal error executing the order",
  ],
  ['9900', 'Nachrichten-Chunk doppelt eingereicht', 'Message chunk submitted twice'],
  ['9901', 'Falsche Chunk-Nummer', 'Wrong chunk number'],
  ['9902', 'Maximale Chunk-Größe überschritten', 'Maximum chunk size exceeded'],
  ['9903', 'Minimale Chunk-Größe unterschritten', 'Chunk smaller than the minimum chunk size'],
  ['9904', 'Maximale Nachrichtengröße überschritten', 'Maximum message size exceeded'],
  ['9905', 'Falsche Chunk-Informationen', 'Wrong chunk information'],
];

/** Level of any four digit code by its class (first digit); unknown classes count as errors. */
export function feedbackLevel(code: string): FeedbackLevel {
  if (typeof code !== 'string' || !/^\d{4}$/.test(code)) {
    throw new OsciError('MESSAGE_INVALID', 'An OSCI feedback code is four digits.', {
      details: { code: String(code) },
    });
  }
  if (code.startsWith('0')) return 'ok';
  if (code.startsWith('3')) return 'warning';
  return 'error';
}

/** The OSCI 1.2 feedback codes (with the 2017 chunking codes 39xx/99xx), keyed by code. */
export const FEEDBACK_CODES: ReadonlyMap<string, FeedbackCodeInfo> = new Map(
  rows.map(([code, de, en]) => [code, { code, level: feedbackLevel(code), de, en }]),
);

/**
 * Maps feedback to an error: returns an OsciError `FEEDBACK_ERROR` for the first entry of level
 * `error` (details `{ feedbackCode, text, known }`), or `undefined` if no entry is an error.
 */
export function feedbackToError(feedback: FeedbackEntry | readonly FeedbackEntry[]): OsciError | undefined {
  const entries: readonly FeedbackEntry[] = Array.isArray(feedback) ? feedback : [feedback as FeedbackEntry];
  for (const e of entries) {
    if (e === null || typeof e !== 'object') {
      throw new OsciError('MESSAGE_INVALID', 'A feedback entry is an object with code and text.');
    }
    if (feedbackLevel(e.code) !== 'error') continue;
    const info = FEEDBACK_CODES.get(e.code);
    return new OsciError('FEEDBACK_ERROR', `OSCI feedback ${e.code}: ${info?.en ?? e.text}`, {
      details: { feedbackCode: e.code, text: e.text, known: info !== undefined },
    });
  }
  return undefined;
}

/** Throws the error of {@link feedbackToError}, if any. */
export function assertFeedbackOk(feedback: FeedbackEntry | readonly FeedbackEntry[]): void {
  const err = feedbackToError(feedback);
  if (err) throw err;
}
