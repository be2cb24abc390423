// Where does the passport authority receive status messages, and with which certificate do we encrypt?
// Runs on the embedded demo directory; set DVDV_SERVERS (comma-separated ldaps:// or ldap:// URLs),
// DVDV_BASE_DN and DVDV_CA_FILE to ask real DVDV servers instead.
import { readFileSync } from 'node:fs';
import { createDvdvClient, createEmbeddedDvdvClient } from '@egovkit/dvdv-client';

const servers = process.env.DVDV_SERVERS;
const dvdv =
  servers === undefined
    ? createEmbeddedDvdvClient()
    : createDvdvClient({
        servers: servers.split(','),
        baseDn: process.env.DVDV_BASE_DN ?? 'dc=dvdv,dc=example',
        tls: { ca: readFileSync(process.env.DVDV_CA_FILE ?? '/etc/ssl/certs/ca-certificates.crt') },
        timeoutMs: 10_000,
        cache: { ttlMs: 5 * 60_000, staleWhileRevalidateMs: 30 * 60_000 },
      });

const lookup = await dvdv.lookupService('psw:053150000001', 'urn:egovkit-demo:dvdv:xhd-status');
console.log(`${lookup.organisation.name} (${lookup.organisation.kennung})`);
console.log(`intermediary: ${lookup.endpoint.intermediaryUrl}`);
console.log(`addressee:    ${lookup.endpoint.addressee}`);
const encryption = lookup.encryptionCertificate;
if (encryption !== undefined) {
  console.log(`encrypt for:  ${encryption.commonName}, serial ${encryption.serialNumber}`);
  console.log(
    `  valid until ${encryption.notAfter.toISOString().slice(0, 10)}, key usage ${encryption.keyUsage.join(', ')}`,
  );
  console.log(`  SPKI SHA-256 ${encryption.spkiSha256}`);
}
console.log(
  `description:  ${lookup.service.serviceDescription?.name} via ${lookup.service.serviceDescription?.transport?.protocol}`,
);

const services = await dvdv.listServices('psw:053150000001');
console.log(`services: ${services.map((service) => service.uri).join(' | ')}`);

const inBavaria = await dvdv.searchOrganisations({ category: 'passbehoerde', state: '09' });
console.log(
  `passport authorities in Bavaria: ${inBavaria.map((organisation) => organisation.name).join(', ')}`,
);

await dvdv.lookupService('psw:053150000001', 'urn:egovkit-demo:dvdv:xhd-status');
console.log(`cache: ${JSON.stringify(dvdv.cacheStatistics())}`);
await dvdv.close();
