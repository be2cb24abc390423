import type { BestellungInput, PassAntragInput } from '../src/index.js';
import { syntheticJpeg, syntheticWsq } from '../src/index.js';

export const photo = syntheticJpeg({ width: 827, height: 1063, bytes: 20_000 });
export const finger = (seed: number) => syntheticWsq({ width: 400, height: 500, bytes: 12_000, seed });

export const passAntrag: PassAntragInput = {
  antragsId: 'A1',
  passart: 'P',
  person: {
    familienname: 'Mustermann',
    vornamen: 'Erika',
    geburtsdatum: '1984-08-12',
    geburtsort: 'Berlin',
    anschrift: { strasseUndHausnummer: 'Heidestraße 17', postleitzahl: '51147', ort: 'Köln', staat: 'D<<' },
    geschlecht: '001',
    groesse: 160,
  },
  dokument: {
    seriennummer: 'C01X00T478',
    gueltigVon: '2026-11-25',
    gueltigBis: '2036-11-24',
    behoerde: { kurzbezeichnung: 'Stadt Köln', name: 'Stadt Köln – Bürgeramt' },
  },
  biometrie: {
    antragszeitpunkt: '2026-11-25T09:12:00Z',
    qsSoftwareVersion: 'QS-Demo 3.1.0',
    sollwerteVersion: 'Sollwerte 2024-1',
    lichtbild: { daten: photo, qualitaetswert: 80 },
    fingerabdruecke: [
      { fingerposition: 2, daten: finger(2), qualitaetswert: 64 },
      { fingerposition: 7, daten: finger(7), qualitaetswert: 58 },
    ],
  },
};

export const bestellung: Extract<BestellungInput, { produktart: 'RP' }> = {
  produktart: 'RP',
  kopf: {
    nachrichtenId: 'N-1',
    bestellnummer: 'B-1',
    senderkennung: 'psb:04011300_00',
    empfaengerkennung: 'dbs:490030010000',
    verfahrenskennung: 'Demo 1.0',
    erstellungszeitpunkt: '2026-11-25T09:30:00Z',
  },
  antraege: [passAntrag],
  rechnungsadresse: { zeilen: ['Stadt Köln', '50667 Köln'] },
  lieferadresse: { zeilen: ['Stadt Köln', '50667 Köln'], anschrift: { ort: 'Köln' } },
  zertifizierteKomponenten: [
    { komponentenName: 'Leser', versionsinformation: '2.0', zertifizierungsId: 'BSI-K-1' },
  ],
};

export const ausweisBestellung: BestellungInput = {
  ...bestellung,
  produktart: 'PA',
  kopf: { ...bestellung.kopf, senderkennung: 'pab:04011300_00' },
  antraege: [
    {
      antragsId: 'A1',
      person: passAntrag.person,
      dokument: { ...passAntrag.dokument, seriennummer: 'L01X00T471' },
      biometrie: passAntrag.biometrie,
      pin: {
        lieferadresse: ['Erika Mustermann', 'Heidestraße 17', '51147 Köln'],
        ruecksendeadresse: 'Stadt Köln',
      },
      // Residence in Germany (Anschrift.Staat D<<): WohnortID required (TR-03123-2 Table 6 note 7).
      wohnortId: '053150000000',
    },
  ],
};
