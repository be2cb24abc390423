import type { BestellungInput, PersonInput } from './build.js';
import { syntheticJpeg, syntheticWsq } from './synthetic.js';

/** An order of passports (`Produktart` RP), as `buildXhd` takes it. */
export type PassBestellungInput = Extract<BestellungInput, { readonly produktart: 'RP' }>;

export interface ExamplePassportOrderOptions {
  /**
   * Creation time of the order. The application date and time, `GueltigVon` and the validity of 10 years
   * minus one day (PassG § 5 (1)) follow from it.
   */
  readonly now: Date;
  readonly bestellnummer: string;
  /** Defaults to `N-` + `bestellnummer`. */
  readonly nachrichtenId?: string;
  /** DVDV key of the passport authority; defaults to `psb:04011300_00`. */
  readonly senderkennung?: string;
  /** DVDV key of the document producer; defaults to `dbs:490030010000`. */
  readonly empfaengerkennung?: string;
  /** Defaults to `egovkit example`. */
  readonly verfahrenskennung?: string;
  /** Mark the order as a test message (`Testnachricht`); left out by default. */
  readonly testnachricht?: number;
  /** Fields of the fictional applicant (Erika Mustermann, born 1984-08-12 in Berlin) to replace. */
  readonly person?: Partial<PersonInput>;
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A complete passport order (XhD BestellungDokument, Produktart RP, one application `A1`) for a fictional
 * applicant with synthetic photo and fingerprints (real headers, no real person) that passes `validateXhd`.
 * Returns the input for `buildXhd`, so that fields can be changed before building.
 */
export function examplePassportOrder(options: ExamplePassportOrderOptions): PassBestellungInput {
  const { now, bestellnummer } = options;
  const validUntil = new Date(now);
  validUntil.setUTCFullYear(validUntil.getUTCFullYear() + 10);
  validUntil.setUTCDate(validUntil.getUTCDate() - 1);
  // Whole seconds: the milliseconds of `now` carry no information in an order.
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const finger = (seed: number) => syntheticWsq({ width: 400, height: 500, bytes: 12_000, seed });
  return {
    produktart: 'RP',
    kopf: {
      nachrichtenId: options.nachrichtenId ?? `N-${bestellnummer}`,
      bestellnummer,
      senderkennung: options.senderkennung ?? 'psb:04011300_00',
      empfaengerkennung: options.empfaengerkennung ?? 'dbs:490030010000',
      verfahrenskennung: options.verfahrenskennung ?? 'egovkit example',
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
          ...options.person,
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
  };
}
