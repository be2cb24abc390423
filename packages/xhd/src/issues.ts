/** Stable codes of validation findings. */
export type XhdIssueCode =
  | 'SCHEMA_VIOLATION'
  | 'XML_MALFORMED'
  | 'DOCTYPE_FORBIDDEN'
  | 'INPUT_TOO_LARGE'
  | 'STRUCTURE_INVALID'
  | 'PROFILE_UNKNOWN'
  | 'VERSION_MISMATCH'
  | 'VERSION_MISSING'
  | 'SENDER_ID_INVALID'
  | 'SERIAL_NUMBER_INVALID'
  | 'SERIAL_CHECK_DIGIT'
  | 'BKZ_INVALID'
  | 'DATE_INVALID'
  | 'BIRTH_NOT_BEFORE_APPLICATION'
  | 'APPLICATION_AFTER_MESSAGE'
  | 'VALIDITY_END_NOT_AFTER_START'
  | 'VALIDITY_TOO_LONG'
  | 'VALIDITY_TOO_LONG_FOR_AGE'
  | 'BIOMETRICS_MISSING'
  | 'FINGERPRINTS_MISSING'
  | 'QUALITY_VALUE_MISSING'
  | 'FINGERPRINT_QUALITY_TOO_LOW'
  | 'BIOMETRIC_FORMAT_UNKNOWN'
  | 'BIOMETRIC_FORMAT_MISMATCH'
  | 'BIOMETRIC_SIZE_MISMATCH'
  | 'BIOMETRIC_TOO_LARGE'
  | 'PHOTO_RESOLUTION_TOO_LOW'
  | 'PHOTO_DIMENSIONS_MISMATCH'
  | 'DIENSTINFO_REQUIRED'
  | 'DIENSTINFO_NOT_ALLOWED'
  | 'ERROR_NUMBER_INVALID'
  | 'RECIPIENT_ID_INVALID'
  | 'STATUS_DESCRIPTION_MISSING'
  | 'STATUS_DESCRIPTION_NOT_ALLOWED'
  | 'ANTRAGS_ID_DUPLICATE'
  | 'TEXT_TOO_LONG'
  | 'QUITTIERUNG_REQUIRED'
  | 'SPERRKENNWORT_MISSING'
  | 'SPERRKENNWORT_NOT_ALLOWED'
  | 'SERIAL_LIST_INVALID'
  | 'SERIAL_COUNT_INVALID'
  | 'INFOBLATT_NOT_PDF'
  | 'REPLY_UNEXPECTED'
  | 'REPLY_BESTELLNUMMER_MISMATCH'
  | 'REPLY_PRODUKTART_MISMATCH'
  | 'REPLY_PARTNER_MISMATCH'
  | 'REPLY_VERFAHRENSSCHLUESSEL_MISMATCH'
  | 'REPLY_ANTRAG_UNKNOWN'
  | 'REPLY_ANTRAG_UNANSWERED'
  | 'REPLY_SERIAL_COUNT_EXCEEDED'
  | 'EID_UNDER_AGE'
  | 'WOHNORT_ID_MISSING'
  | 'STAATSANGEHOERIGKEIT_MISSING'
  | 'TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED'
  | 'NUTZDATEN_ENCRYPTED';

export type IssueParams = Readonly<Record<string, string | number>>;

export interface XhdIssue {
  readonly code: XhdIssueCode;
  /** XPath of the offending node, with the `xhd:` prefix bound to the message's namespace. */
  readonly path: string;
  readonly message: { readonly de: string; readonly en: string };
  readonly params: IssueParams;
}

type Template = (p: IssueParams) => string;
export type MessageCatalogue = Readonly<
  Record<XhdIssueCode, { readonly de: Template; readonly en: Template }>
>;

/** Default messages; replace any of them with `validateXhd(xml, { messages })`. */
export const DEFAULT_MESSAGES: MessageCatalogue = {
  SCHEMA_VIOLATION: {
    de: (p) => `Schemaverletzung: ${p.detail}`,
    en: (p) => `Schema violation: ${p.detail}`,
  },
  XML_MALFORMED: {
    de: (p) => `Kein wohlgeformtes XML: ${p.detail}`,
    en: (p) => `Not well-formed XML: ${p.detail}`,
  },
  DOCTYPE_FORBIDDEN: {
    de: () => 'DOCTYPE- und Entity-Deklarationen sind nicht erlaubt.',
    en: () => 'DOCTYPE and entity declarations are not allowed.',
  },
  INPUT_TOO_LARGE: {
    de: (p) => `Die Nachricht überschreitet die Größengrenze: ${p.detail}`,
    en: (p) => `The message exceeds the size limit: ${p.detail}`,
  },
  STRUCTURE_INVALID: {
    de: (p) => `Die Nachricht entspricht nicht der XhD-Struktur: ${p.detail}`,
    en: (p) => `The message does not follow the XhD structure: ${p.detail}`,
  },
  PROFILE_UNKNOWN: {
    de: (p) => `Für Produktart ${p.produktart} und XhD ${p.version} ist kein Prüfprofil hinterlegt.`,
    en: (p) => `No validation profile for product type ${p.produktart} and XhD ${p.version}.`,
  },
  VERSION_MISMATCH: {
    de: (p) => `Version_XhD ist ${p.actual}, der Namensraum gehört zu XhD ${p.expected}.`,
    en: (p) => `Version_XhD is ${p.actual} but the namespace belongs to XhD ${p.expected}.`,
  },
  VERSION_MISSING: {
    de: (p) => `Die Versionsangabe ${p.field} fehlt oder ist leer.`,
    en: (p) => `The version field ${p.field} is missing or empty.`,
  },
  SENDER_ID_INVALID: {
    de: (p) => `Senderkennung "${p.value}" ist kein DVDV-Behördenschlüssel mit Präfix ${p.prefixes}.`,
    en: (p) => `Sender ID "${p.value}" is not a DVDV authority key with prefix ${p.prefixes}.`,
  },
  SERIAL_NUMBER_INVALID: {
    de: (p) =>
      `Seriennummer "${p.value}" muss aus 9 Zeichen (Ziffern, C F G H J K L M N P R T V W X Y Z) und einer Prüfziffer bestehen.`,
    en: (p) =>
      `Serial number "${p.value}" must be 9 characters (digits, C F G H J K L M N P R T V W X Y Z) plus a check digit.`,
  },
  SERIAL_CHECK_DIGIT: {
    de: (p) => `Die Prüfziffer der Seriennummer ist ${p.actual}, erwartet ${p.expected}.`,
    en: (p) => `The check digit of the serial number is ${p.actual}, expected ${p.expected}.`,
  },
  BKZ_INVALID: {
    de: (p) => `Behördenkennzahl "${p.value}" hat nicht das Format von 4 Zeichen.`,
    en: (p) => `Authority code (BKZ) "${p.value}" is not 4 valid characters.`,
  },
  DATE_INVALID: {
    de: (p) => `"${p.value}" ist kein gültiges Datum.`,
    en: (p) => `"${p.value}" is not a valid date.`,
  },
  BIRTH_NOT_BEFORE_APPLICATION: {
    de: (p) => `Das Geburtsdatum ${p.birth} liegt nicht vor dem Antragsdatum ${p.application}.`,
    en: (p) => `The date of birth ${p.birth} is not before the application date ${p.application}.`,
  },
  APPLICATION_AFTER_MESSAGE: {
    de: (p) =>
      `Das Antragsdatum ${p.application} liegt nach dem Erstellungszeitpunkt der Nachricht ${p.created}.`,
    en: (p) => `The application date ${p.application} is after the message creation time ${p.created}.`,
  },
  VALIDITY_END_NOT_AFTER_START: {
    de: (p) => `GueltigBis ${p.until} liegt nicht nach GueltigVon ${p.from}.`,
    en: (p) => `GueltigBis ${p.until} is not after GueltigVon ${p.from}.`,
  },
  VALIDITY_TOO_LONG: {
    de: (p) => `Die Gültigkeit von ${p.years} Jahren überschreitet ${p.max} Jahre.`,
    en: (p) => `A validity of ${p.years} years exceeds ${p.max} years.`,
  },
  VALIDITY_TOO_LONG_FOR_AGE: {
    de: (p) =>
      `Die Gültigkeit von ${p.years} Jahren überschreitet ${p.max} Jahre, die für Antragsteller unter ${p.underAge} Jahren gelten (Alter am ${p.application}: ${p.age}).`,
    en: (p) =>
      `A validity of ${p.years} years exceeds the ${p.max} years allowed for applicants under ${p.underAge} (age on ${p.application}: ${p.age}).`,
  },
  BIOMETRICS_MISSING: {
    de: () => 'Die biometrischen Merkmale (Lichtbild, Fingerabdrücke) fehlen.',
    en: () => 'The biometric data (photo, fingerprints) are missing.',
  },
  FINGERPRINTS_MISSING: {
    de: (p) => `Es sind ${p.actual} Fingerabdrücke enthalten, erwartet ${p.expected}.`,
    en: (p) => `The application holds ${p.actual} fingerprints, expected ${p.expected}.`,
  },
  QUALITY_VALUE_MISSING: {
    de: () => 'Der Qualitätswert fehlt.',
    en: () => 'The quality value is missing.',
  },
  FINGERPRINT_QUALITY_TOO_LOW: {
    de: (p) => `NFIQ-2-Wert ${p.actual} für Finger ${p.finger} liegt unter dem Schwellwert ${p.min}.`,
    en: (p) => `NFIQ 2 score ${p.actual} for finger ${p.finger} is below the threshold ${p.min}.`,
  },
  BIOMETRIC_FORMAT_UNKNOWN: {
    de: (p) => `Das Bildformat ist anhand der Daten nicht erkennbar (erwartet ${p.expected}).`,
    en: (p) => `The image format cannot be recognised from the data (expected ${p.expected}).`,
  },
  BIOMETRIC_FORMAT_MISMATCH: {
    de: (p) => `Angegebenes Format ${p.declared}, die Daten sind ${p.actual}.`,
    en: (p) => `Declared format ${p.declared}, the data are ${p.actual}.`,
  },
  BIOMETRIC_SIZE_MISMATCH: {
    de: (p) => `Angegebene Größe ${p.declared} Bytes, die Daten haben ${p.actual} Bytes.`,
    en: (p) => `Declared size ${p.declared} bytes, the data have ${p.actual} bytes.`,
  },
  BIOMETRIC_TOO_LARGE: {
    de: (p) => `Die Daten haben ${p.actual} Bytes, erlaubt sind höchstens ${p.max}.`,
    en: (p) => `The data have ${p.actual} bytes, at most ${p.max} are allowed.`,
  },
  PHOTO_RESOLUTION_TOO_LOW: {
    de: (p) =>
      `Das Lichtbild hat ${p.width}×${p.height} Pixel, mindestens ${p.minWidth}×${p.minHeight} sind gefordert.`,
    en: (p) =>
      `The photo has ${p.width}×${p.height} pixels, at least ${p.minWidth}×${p.minHeight} are required.`,
  },
  PHOTO_DIMENSIONS_MISMATCH: {
    de: (p) => `Angegeben ${p.declared} Pixel, die Bilddaten haben ${p.actual}.`,
    en: (p) => `Declared ${p.declared} pixels, the image data have ${p.actual}.`,
  },
  DIENSTINFO_REQUIRED: {
    de: (p) => `Für Passart ${p.passart} ist Dienstinfo Pflicht.`,
    en: (p) => `Dienstinfo is required for passport type ${p.passart}.`,
  },
  DIENSTINFO_NOT_ALLOWED: {
    de: () => 'Für Passart P ist Dienstinfo nicht erlaubt.',
    en: () => 'Dienstinfo is not allowed for passport type P.',
  },
  ERROR_NUMBER_INVALID: {
    de: (p) => `Die Fehlernummer ${p.value} ist keine Zahl mit höchstens 6 Ziffern.`,
    en: (p) => `The error number ${p.value} is not a number of at most 6 digits.`,
  },
  RECIPIENT_ID_INVALID: {
    de: (p) => `Empfaengerkennung "${p.value}" ist kein DVDV-Behördenschlüssel mit Präfix ${p.prefixes}.`,
    en: (p) => `Recipient ID "${p.value}" is not a DVDV authority key with prefix ${p.prefixes}.`,
  },
  STATUS_DESCRIPTION_MISSING: {
    de: (p) => `Die negative Rückmeldung zu Antrag ${p.antragsId} enthält keine Fehlerbeschreibung.`,
    en: (p) => `The negative answer for application ${p.antragsId} carries no error description.`,
  },
  STATUS_DESCRIPTION_NOT_ALLOWED: {
    de: (p) => `Die positive Rückmeldung zu Antrag ${p.antragsId} darf keine Fehlerbeschreibung enthalten.`,
    en: (p) => `The positive answer for application ${p.antragsId} must not carry error descriptions.`,
  },
  ANTRAGS_ID_DUPLICATE: {
    de: (p) => `AntragsID ${p.antragsId} kommt in der Nachricht mehrfach vor.`,
    en: (p) => `AntragsID ${p.antragsId} occurs more than once in the message.`,
  },
  TEXT_TOO_LONG: {
    de: (p) => `${p.field} hat ${p.length} Zeichen, erlaubt sind höchstens ${p.max}.`,
    en: (p) => `${p.field} has ${p.length} characters, at most ${p.max} are allowed.`,
  },
  QUITTIERUNG_REQUIRED: {
    de: (p) => `Für Produktart ${p.produktart} muss die Lieferinformation eine Quittierung fordern.`,
    en: (p) => `For product type ${p.produktart} the delivery information must ask for a Quittierung.`,
  },
  SPERRKENNWORT_MISSING: {
    de: (p) => `${p.field} fehlt; Produktart ${p.produktart} hat eine eID-Funktion.`,
    en: (p) => `${p.field} is missing; product type ${p.produktart} has an eID function.`,
  },
  SPERRKENNWORT_NOT_ALLOWED: {
    de: (p) => `${p.field} ist nur für Dokumente mit eID-Funktion vorgesehen, nicht für ${p.produktart}.`,
    en: (p) => `${p.field} is only meant for documents with eID function, not for ${p.produktart}.`,
  },
  SERIAL_LIST_INVALID: {
    de: (p) =>
      `Eintrag ${p.position} der Seriennummernliste ("${p.value}") besteht nicht aus 5 Zeichen des Seriennummern-Zeichensatzes.`,
    en: (p) =>
      `Entry ${p.position} of the serial number list ("${p.value}") is not 5 characters of the serial number alphabet.`,
  },
  SERIAL_COUNT_INVALID: {
    de: (p) => `Die Anzahl ${p.value} liegt nicht zwischen ${p.min} und ${p.max}.`,
    en: (p) => `The count ${p.value} is not between ${p.min} and ${p.max}.`,
  },
  INFOBLATT_NOT_PDF: {
    de: () => 'Das Infoblatt ist kein PDF-Dokument.',
    en: () => 'The information sheet is not a PDF document.',
  },
  REPLY_UNEXPECTED: {
    de: (p) => `Eine ${p.reply} ist keine Antwort auf eine ${p.request}.`,
    en: (p) => `A ${p.reply} is not an answer to a ${p.request}.`,
  },
  REPLY_BESTELLNUMMER_MISMATCH: {
    de: (p) => `Bestellnummer ${p.actual} gehört nicht zur beantworteten Nachricht (${p.expected}).`,
    en: (p) => `Order number ${p.actual} does not belong to the message answered (${p.expected}).`,
  },
  REPLY_PRODUKTART_MISMATCH: {
    de: (p) => `Produktart ${p.actual} weicht von der beantworteten Nachricht ab (${p.expected}).`,
    en: (p) => `Product type ${p.actual} differs from the message answered (${p.expected}).`,
  },
  REPLY_PARTNER_MISMATCH: {
    de: (p) =>
      `${p.field} ist ${p.actual}, erwartet ${p.expected} (Sender und Empfänger der Anfrage vertauscht).`,
    en: (p) =>
      `${p.field} is ${p.actual}, expected ${p.expected} (sender and recipient of the request swapped).`,
  },
  REPLY_VERFAHRENSSCHLUESSEL_MISMATCH: {
    de: (p) =>
      `Der Verfahrensschlüssel der Bestellung (${p.expected}) wird nicht mitgeschickt (${p.actual}).`,
    en: (p) => `The order's procedure key (${p.expected}) is not sent back (${p.actual}).`,
  },
  REPLY_ANTRAG_UNKNOWN: {
    de: (p) => `AntragsID ${p.antragsId} kommt in der beantworteten Nachricht nicht vor.`,
    en: (p) => `AntragsID ${p.antragsId} does not occur in the message answered.`,
  },
  REPLY_ANTRAG_UNANSWERED: {
    de: (p) => `Zu AntragsID ${p.antragsId} der beantworteten Nachricht fehlt die Rückmeldung.`,
    en: (p) => `AntragsID ${p.antragsId} of the message answered has no answer.`,
  },
  NUTZDATEN_ENCRYPTED: {
    de: () =>
      'Die Nutzdaten sind verschlüsselt (xenc:EncryptedData in xhd:any); die Nachricht erst entschlüsseln.',
    en: () => 'The Nutzdaten are encrypted (xenc:EncryptedData in xhd:any); decrypt the message first.',
  },
  EID_UNDER_AGE: {
    de: (p) =>
      `NutzungElektronischeID ist true, die antragstellende Person ist aber erst ${p.age} (Mindestalter ${p.min}).`,
    en: (p) => `NutzungElektronischeID is true, but the applicant is only ${p.age} (minimum age ${p.min}).`,
  },
  WOHNORT_ID_MISSING: {
    de: () => 'Die WohnortID fehlt; sie ist für diese Produktart Pflicht.',
    en: () => 'WohnortID is missing; it is required for this product type.',
  },
  STAATSANGEHOERIGKEIT_MISSING: {
    de: (p) => `Die Staatsangehörigkeit fehlt; sie ist für Produktart ${p.produktart} Pflicht.`,
    en: (p) =>
      `Staatsangehoerigkeit (nationality) is missing; it is required for product type ${p.produktart}.`,
  },
  TRAVEL_DOCUMENT_ENTRY_NOT_ALLOWED: {
    de: (p) => `${p.field} ist nur beim Reiseausweis für Ausländer (RA) erlaubt, nicht bei ${p.art}.`,
    en: (p) => `${p.field} is only allowed on the travel document for foreigners (RA), not on ${p.art}.`,
  },
  REPLY_SERIAL_COUNT_EXCEEDED: {
    de: (p) => `Geliefert werden ${p.actual} Seriennummern, bestellt waren ${p.expected}.`,
    en: (p) => `${p.actual} serial numbers are delivered, ${p.expected} were ordered.`,
  },
};

export function createIssue(
  code: XhdIssueCode,
  path: string,
  params: IssueParams = {},
  messages: Partial<MessageCatalogue> = {},
): XhdIssue {
  const template = messages[code] ?? DEFAULT_MESSAGES[code];
  return { code, path, params, message: { de: template.de(params), en: template.en(params) } };
}
