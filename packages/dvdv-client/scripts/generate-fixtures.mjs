// Generates the demo directory shipped in data/: a demo CA, the certificates of six fictional organisations
// (one pair expired) and data/dvdv-demo.ldif in this package's DVDV data model. Run once, commit the output:
//
//   node --import tsx scripts/generate-fixtures.mjs
//
// The certificates are fixed so that the LDIF can ship in the package (the embedded default, the examples and
// the slapd tests all read it). Their private keys are discarded: nothing here can sign or decrypt.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCertificateAuthority } from '@egovkit/testkit';
import { createDvdvLdif } from '../src/ldif/build.ts';
import { DVDV_LDAP_SCHEMA } from '../src/schema.ts';

const root = join(import.meta.dirname, '..');
const data = join(root, 'data');
const certificateDirectory = join(data, 'certificates');
const description = (name) => readFileSync(join(data, 'service-descriptions', `${name}.wsdl`), 'utf8');

// Long-lived on purpose: the fixtures must stay valid for years of CI runs.
const notBefore = new Date('2025-01-01T00:00:00Z');
const notAfter = new Date('2045-12-31T23:59:59Z');
const rsa = { type: 'rsa', bits: 2048 };

const ca = await TestCertificateAuthority.createRoot({
  name: 'dvdv-demo-ca',
  commonName: 'egovkit DVDV Demo CA',
  key: rsa,
  notBefore,
  notAfter,
});

const issued = {};
async function pair(name, commonName, validity = { notBefore, notAfter }) {
  for (const purpose of ['signature', 'encryption']) {
    issued[`${name}-${purpose}`] = await ca.issue({
      name: `${name}-${purpose}`,
      commonName,
      organizationalUnit: purpose === 'signature' ? 'Signatur' : 'Verschlüsselung',
      profile: purpose,
      key: rsa,
      ...validity,
    });
  }
}

await pair('psw-musterstadt', 'Passbehörde Musterstadt (Demo)');
await pair('psw-beispielheim', 'Passbehörde Beispielheim (Demo)');
await pair('psw-altdorf', 'Passbehörde Altdorf (Demo)', {
  notBefore: new Date('2019-01-01T00:00:00Z'),
  notAfter: new Date('2021-01-01T00:00:00Z'),
});
await pair('dmd-hersteller', 'Dokumentenhersteller (Demo)');
await pair('ags-beispielstadt', 'Meldebehörde Beispielstadt (Demo)');
issued['osci-intermediary-encryption'] = await ca.issue({
  name: 'osci-intermediary-encryption',
  commonName: 'OSCI-Intermediär (Demo)',
  organizationalUnit: 'Verschlüsselung',
  profile: 'encryption',
  key: rsa,
  notBefore,
  notAfter,
});

const pem = (name) => issued[name].certificatePem;
const intermediary = pem('osci-intermediary-encryption');
const statusService = (kennung, name, host) => ({
  uri: 'urn:egovkit-demo:dvdv:xhd-status',
  name: 'XhD Status- und Fehlermeldungen',
  intermediaryUrl: `https://${host}/osci/intermediary`,
  addressee: kennung,
  encryptionCertificates: [pem(`${name}-encryption`)],
  signatureCertificates: [pem(`${name}-signature`)],
  intermediaryCertificate: intermediary,
  serviceDescription: description('xhd-status'),
});

const ldif = createDvdvLdif({
  organisations: [
    {
      kennung: 'psw:053150000001',
      name: 'Passbehörde Musterstadt',
      categories: ['passbehoerde'],
      state: '05',
      district: '053',
      county: '05315',
      locality: 'Musterstadt',
      postalAddress: 'Rathausplatz 1$50667 Musterstadt',
      mail: 'pass@musterstadt.example',
      signatureCertificates: [pem('psw-musterstadt-signature')],
      services: [
        statusService('psw:053150000001', 'psw-musterstadt', 'osci.musterstadt.example'),
        {
          // A URI with the characters RFC 4514 escapes in DNs, for the escaping tests.
          uri: 'urn:egovkit-demo:dvdv:test,dienst=1+2;x',
          name: 'Testdienst mit Sonderzeichen im URI',
          intermediaryUrl: 'https://osci.musterstadt.example/osci/intermediary',
          encryptionCertificates: [pem('psw-musterstadt-encryption')],
          intermediaryCertificate: intermediary,
        },
      ],
    },
    {
      kennung: 'psw:091620000002',
      name: 'Passbehörde Beispielheim',
      categories: ['passbehoerde'],
      state: '09',
      district: '091',
      county: '09162',
      locality: 'Beispielheim',
      signatureCertificates: [pem('psw-beispielheim-signature')],
      services: [statusService('psw:091620000002', 'psw-beispielheim', 'osci.beispielheim.example')],
    },
    {
      kennung: 'psw:145220000003',
      name: 'Passbehörde Altdorf',
      categories: ['passbehoerde'],
      state: '14',
      district: '145',
      county: '14522',
      locality: 'Altdorf',
      description: 'Demo authority whose certificates expired on 2021-01-01.',
      signatureCertificates: [pem('psw-altdorf-signature')],
      services: [statusService('psw:145220000003', 'psw-altdorf', 'osci.altdorf.example')],
    },
    {
      kennung: 'psw:120600000004',
      name: 'Passbehörde Sonder*fall (Klammer)(Test) Zürich-Straße',
      categories: ['passbehoerde'],
      state: '12',
      description: 'Name with filter metacharacters and non-ASCII, for the injection tests. No services.',
    },
    {
      kennung: 'dmd:110000000001',
      name: 'Dokumentenhersteller (Demo)',
      categories: ['passhersteller'],
      state: '11',
      locality: 'Berlin',
      signatureCertificates: [pem('dmd-hersteller-signature')],
      services: [
        {
          uri: 'urn:egovkit-demo:dvdv:xhd-passantrag',
          name: 'XhD Passantrag',
          description: 'Empfang von Passantragsdaten nach PassDEÜV',
          intermediaryUrl: 'https://osci.hersteller.example/osci/intermediary',
          addressee: 'dmd:110000000001',
          encryptionCertificates: [pem('dmd-hersteller-encryption')],
          signatureCertificates: [pem('dmd-hersteller-signature')],
          intermediaryCertificate: intermediary,
          serviceDescription: description('xhd-passantrag'),
        },
      ],
    },
    {
      kennung: 'ags:064120000000',
      name: 'Meldebehörde Beispielstadt',
      categories: ['meldebehoerde'],
      state: '06',
      district: '064',
      county: '06412',
      locality: 'Beispielstadt',
      signatureCertificates: [pem('ags-beispielstadt-signature')],
      services: [
        {
          uri: 'urn:egovkit-demo:dvdv:xmeld-rueckmeldung',
          name: 'XMeld Rückmeldung',
          intermediaryUrl: 'https://osci.beispielstadt.example/intermediary',
          encryptionCertificates: [pem('ags-beispielstadt-encryption')],
          signatureCertificates: [pem('ags-beispielstadt-signature')],
          intermediaryCertificate: intermediary,
          serviceDescription: description('xmeld-rueckmeldung'),
        },
      ],
    },
  ],
});

const header = [
  '# egovkit DVDV demo directory: fictional organisations, demo certificates (private keys discarded).',
  '# Generated by scripts/generate-fixtures.mjs; regenerate rather than edit. Data model: see README.',
  '',
].join('\n');
writeFileSync(join(data, 'dvdv-demo.ldif'), `${header}${ldif}`);
writeFileSync(join(data, 'dvdv.schema'), DVDV_LDAP_SCHEMA);
rmSync(certificateDirectory, { recursive: true, force: true });
mkdirSync(certificateDirectory, { recursive: true });
writeFileSync(join(certificateDirectory, 'dvdv-demo-ca.pem'), ca.certificate.certificatePem);
for (const [name, certificate] of Object.entries(issued)) {
  writeFileSync(join(certificateDirectory, `${name}.pem`), certificate.certificatePem);
}
console.log(`wrote data/dvdv-demo.ldif, data/dvdv.schema and ${Object.keys(issued).length + 1} certificates`);
