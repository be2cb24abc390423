import { buildXhd, syntheticJpeg, syntheticWsq } from '@egovkit/xhd';

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export interface ExampleOrderOptions {
  /** Creation time of the order; the application date and the validity (PassG § 5 (1)) follow from it. */
  readonly now: Date;
  readonly bestellnummer: string;
  readonly senderkennung: string;
  readonly empfaengerkennung: string;
  readonly verfahrenskennung: string;
  /** Mark the order as a test message (`Testnachricht`). */
  readonly testnachricht?: number;
}

/**
 * A passport order (XhD BestellungDokument, Produktart RP, one application) for a fictional applicant: synthetic
 * photo and fingerprints (real headers, no real person), valid for 10 years from `now` (PassG § 5 (1)). Used by
 * `egovkit xhd build --example` (fixed date) and by the demo (today).
 */
export function exampleOrder(options: ExampleOrderOptions) {
  const { now, bestellnummer } = options;
  const validUntil = new Date(now);
  validUntil.setUTCFullYear(validUntil.getUTCFullYear() + 10);
  validUntil.setUTCDate(validUntil.getUTCDate() - 1);
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const finger = (seed: number) => syntheticWsq({ width: 400, height: 500, bytes: 12_000, seed });
  return buildXhd({
    produktart: 'RP',
    kopf: {
      nachrichtenId: `N-${bestellnummer}`,
      bestellnummer,
      senderkennung: options.senderkennung,
      empfaengerkennung: options.empfaengerkennung,
      verfahrenskennung: options.verfahrenskennung,
      ...(options.testnachricht === undefined ? {} : { testnachricht: options.testnachricht }),
      erstellungszeitpunkt: stamp,
    },
    antraege: [
      {
        antragsId: 'A1',
        passart: 'P',
        person: {
          familienname: 'Mustermann',
          vornamen: 'Erika',
          geburtsdatum: '1984-08-12',
          geburtsort: 'Berlin',
          anschrift: { strasseUndHausnummer: 'Heidestraße 17', postleitzahl: '51147', ort: 'Köln' },
          geschlecht: '001',
          groesse: 160,
        },
        dokument: {
          seriennummer: 'C01X00T478',
          gueltigVon: isoDate(now),
          gueltigBis: isoDate(validUntil),
          behoerde: { kurzbezeichnung: 'Stadt Köln' },
        },
        biometrie: {
          antragszeitpunkt: stamp,
          qsSoftwareVersion: 'QS-Demo 3.1.0',
          sollwerteVersion: 'Sollwerte 2024-1',
          lichtbild: { daten: syntheticJpeg({ width: 827, height: 1063, bytes: 20_000 }) },
          fingerabdruecke: [
            { fingerposition: 2, daten: finger(2), qualitaetswert: 64 },
            { fingerposition: 7, daten: finger(7), qualitaetswert: 58 },
          ],
        },
      },
    ],
    rechnungsadresse: { zeilen: ['Stadt Köln', 'Bürgeramt', '50667 Köln'] },
    lieferadresse: { zeilen: ['Stadt Köln', 'Bürgeramt', '50667 Köln'] },
    zertifizierteKomponenten: [
      {
        komponentenName: 'Fingerabdruckleser Demo',
        versionsinformation: '2.0',
        zertifizierungsId: 'BSI-K-TR-0000-2026',
      },
    ],
  });
}
