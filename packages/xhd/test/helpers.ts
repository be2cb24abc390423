import type { BestellungInput, PassAntragInput } from '../src/index.js';
import { examplePassportOrder } from '../src/index.js';

// The shipped example with the fixed values the tests compare against (B-1, 2026-11-25 to 2036-11-24), and the
// optional fields it leaves out (Staat, Behördenname, photo quality, Anschrift of the delivery address) filled in,
// so that the builder writes them too.
const example = examplePassportOrder({
  now: new Date('2026-11-25T09:30:00Z'),
  bestellnummer: 'B-1',
  nachrichtenId: 'N-1',
  verfahrenskennung: 'Demo 1.0',
  person: {
    anschrift: { strasseUndHausnummer: 'Heidestraße 17', postleitzahl: '51147', ort: 'Köln', staat: 'D<<' },
  },
});
const [exampleAntrag] = example.antraege;

export const passAntrag: PassAntragInput = {
  ...exampleAntrag,
  dokument: {
    ...exampleAntrag.dokument,
    behoerde: { kurzbezeichnung: 'Stadt Köln', name: 'Stadt Köln – Bürgeramt' },
  },
  biometrie: {
    ...exampleAntrag.biometrie,
    // Taken earlier than the order was created, as in practice.
    antragszeitpunkt: '2026-11-25T09:12:00Z',
    lichtbild: { ...exampleAntrag.biometrie.lichtbild, qualitaetswert: 80 },
  },
};

export const bestellung: Extract<BestellungInput, { produktart: 'RP' }> = {
  ...example,
  antraege: [passAntrag],
  lieferadresse: { ...example.lieferadresse, anschrift: { ort: 'Köln' } },
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
