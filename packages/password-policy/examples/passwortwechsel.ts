// Passwortwechsel in einem Fachverfahren der Zulassungsstelle nach den KBA-Mindestanforderungen.
import {
  createPasswordPolicy,
  InMemoryPasswordHistoryStore,
  kbaPreset,
  PasswordHistory,
} from '@egovkit/password-policy';

// In Produktion: RedisPasswordHistoryStore, damit alle Anwendungsserver dieselbe Historie sehen.
const historie = new PasswordHistory({ store: new InMemoryPasswordHistoryStore() });
const richtlinie = createPasswordPolicy(kbaPreset(), { history: historie });

const benutzer = {
  userId: 'emustermann',
  name: 'Erika Mustermann',
  authority: 'Landratsamt Musterkreis',
  product: 'KfzZulassung',
};

for (const [nummer, neuesPasswort] of [
  'P@ssw0rt2024!',
  'Mustermann#2026',
  'kurz',
  'Kx7#vR2!mQp9',
].entries()) {
  const ergebnis = await richtlinie.changePassword(neuesPasswort, benutzer);
  if (ergebnis.ok) {
    console.log(`Versuch ${nummer + 1}: angenommen`);
  } else {
    for (const fehler of ergebnis.failures)
      console.log(`Versuch ${nummer + 1}: ${fehler.code} – ${fehler.message}`);
  }
}

// Das eben gesetzte Passwort ist jetzt Teil der Historie und darf nicht gleich wieder gewählt werden.
const erneut = await richtlinie.evaluate('Kx7#vR2!mQp9', benutzer);
console.log(`Wiederverwendung: ${erneut.failures.map((fehler) => fehler.message).join(' ')}`);
