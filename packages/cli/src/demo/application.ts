import { buildXhd, syntheticJpeg, syntheticWsq } from '@egovkit/xhd';
import { DEMO_PARTIES } from './directory.js';

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A passport application (XhD BestellungDokument, Produktart RP) for a fictional applicant, dated today:
 * synthetic photo and fingerprints (real headers, no real person), validity per PassG § 5 (1).
 */
export function demoApplication(now: Date, orderNumber: string) {
  const validUntil = new Date(now);
  validUntil.setUTCFullYear(validUntil.getUTCFullYear() + 10);
  validUntil.setUTCDate(validUntil.getUTCDate() - 1);
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const finger = (seed: number) => syntheticWsq({ width: 400, height: 500, bytes: 12_000, seed });
  return buildXhd({
    produktart: 'RP',
    kopf: {
      nachrichtenId: `N-${orderNumber}`,
      bestellnummer: orderNumber,
      senderkennung: DEMO_PARTIES.authority.kennung,
      empfaengerkennung: DEMO_PARTIES.producer.kennung,
      verfahrenskennung: 'egovkit-demo 0.1',
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
