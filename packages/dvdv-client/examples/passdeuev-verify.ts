// PassDEÜV § 3 (5): before the document producer accepts passport application data, it checks in the DVDV
// that the sender is registered as a passport authority and signed with a certificate listed for it.
import { readFileSync } from 'node:fs';
import { createEmbeddedDvdvClient, DvdvCategory } from '@egovkit/dvdv-client';

const dvdv = createEmbeddedDvdvClient(); // the demo directory shipped with the package

// In production: the signer certificate of the incoming OSCI message.
const senders = {
  'Passbehörde Musterstadt': 'psw-musterstadt-signature',
  'Meldebehörde Beispielstadt': 'ags-beispielstadt-signature',
  'Passbehörde Altdorf (expired certificate)': 'psw-altdorf-signature',
};

for (const [label, file] of Object.entries(senders)) {
  const certificate = readFileSync(new URL(`../data/certificates/${file}.pem`, import.meta.url), 'utf8');
  const result = await dvdv.verifyAuthority({ certificate }, DvdvCategory.passportAuthority);
  if (result.verified) {
    console.log(`${label}: accepted as ${result.organisation.kennung} (${result.organisation.name})`);
  } else {
    console.log(`${label}: rejected, ${result.reason}`);
  }
}

await dvdv.close();
