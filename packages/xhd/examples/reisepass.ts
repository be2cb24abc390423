import { buildXhd, parseXhd, syntheticJpeg, syntheticWsq, validateXhd } from '@egovkit/xhd';

// Synthetic photo and fingerprints: real headers, no real person.
const lichtbild = syntheticJpeg({ width: 827, height: 1063, bytes: 20_000 });
const finger = (seed: number) => syntheticWsq({ width: 400, height: 500, bytes: 12_000, seed });

const { xml } = buildXhd({
  produktart: 'RP',
  kopf: {
    nachrichtenId: 'N-2026-000123',
    bestellnummer: 'B-2026-000123',
    senderkennung: 'psb:04011300_00',
    empfaengerkennung: 'dbs:490030010000',
    verfahrenskennung: 'Fachverfahren-Demo 4.2',
    erstellungszeitpunkt: '2026-11-25T09:30:00Z',
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
        gueltigVon: '2026-11-25',
        gueltigBis: '2036-11-24',
        behoerde: { kurzbezeichnung: 'Stadt Köln' },
      },
      biometrie: {
        antragszeitpunkt: '2026-11-25T09:12:00Z',
        qsSoftwareVersion: 'QS-Demo 3.1.0',
        sollwerteVersion: 'Sollwerte 2024-1',
        lichtbild: { daten: lichtbild },
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

const result = await validateXhd(xml);
console.log(`gültig: ${result.valid} (Profil ${result.profile})`);

// The same application with a quality value below the TR-03121 threshold for the right index finger (30):
const low = xml.replace(
  '<xhd:Qualitaetswert>64</xhd:Qualitaetswert>',
  '<xhd:Qualitaetswert>12</xhd:Qualitaetswert>',
);
for (const issue of (await validateXhd(low)).issues)
  console.log(`${issue.code} ${issue.path}\n  ${issue.message.de}`);

const antrag = parseXhd(xml).antraege[0];
console.log(
  `Lichtbild: ${antrag?.biometrie?.lichtbild.format}, ${antrag?.biometrie?.lichtbild.groesse} Bytes`,
);
