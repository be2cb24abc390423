import { readFileSync } from 'node:fs';
import {
  auftragsinformationFor,
  checkReply,
  lieferinformationFor,
  parseXhd,
  quittierungFor,
  validateXhd,
} from '@egovkit/xhd';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/valid/${name}`, import.meta.url), 'utf8');

// Producer: answer an order of two passports – A1 confirmed, A2 refused. The header is the order's with sender
// and recipient swapped; Bestellnummer, Produktart and Verfahrensschluessel are taken over.
const order = parseXhd(fixture('rp-sammelbestellung.xml'));
const answer = auftragsinformationFor(order, {
  nachrichtenId: 'AI-2026-000123',
  verfahrenskennung: 'Produktion-Demo 1.0',
  fehler: { A2: [{ fehlernummer: 2001, fehlerbeschreibung: 'Lichtbild nicht verwertbar' }] },
});
const { kopf } = answer.message;
console.log(`${kopf.senderkennung} → ${kopf.empfaengerkennung}, Bestellnummer ${kopf.bestellnummer}`);
for (const r of answer.message.auftragsinformationen) {
  console.log(
    `${r.antragsId}: ${r.status ? 'bestätigt' : `abgelehnt, Fehler ${r.fehlerbeschreibungen[0]?.fehlernummer}`}`,
  );
}
const result = await validateXhd(answer.xml);
console.log(
  `gültig: ${result.valid}, passt zur Bestellung: ${checkReply(answer.message, order).length === 0}`,
);

// ID card: the producer delivers with Sperrkennwort and asks for a Quittierung, which the authority sends.
const ausweis = parseXhd(fixture('pa-personalausweis.xml'));
const lieferung = lieferinformationFor(ausweis, {
  nachrichtenId: 'LI-2026-000045',
  verfahrenskennung: 'Produktion-Demo 1.0',
  dokumente: { A1: { sperrkennwort: 'KLAR-WASSER-17', sperrsumme: '4F2A19C0' } },
});
const quittung = quittierungFor(lieferung.message, {
  nachrichtenId: 'Q-2026-000007',
  verfahrenskennung: 'Fachverfahren-Demo 4.2',
});
console.log(
  `Quittierung an ${quittung.message.kopf.empfaengerkennung}: gültig ${(await validateXhd(quittung.xml)).valid}`,
);
