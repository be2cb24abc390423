// `pnpm bench` in this package: cold (cache bypassed, one LDAP search per lookup) and cached lookups per
// second against slapd on loopback over LDAPS, side by side with the `ldapsearch` command running the same
// search (a new process, connection and TLS handshake each time: the baseline for cold lookups).
// Writes bench/results/dvdv-client.json at the repository root.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findExecutable, getTestPki, startSlapd } from '@egovkit/testkit';
import { median, opsPerSecond, roundToTenth } from '@egovkit/testkit/bench-stats';
import { createDvdvClient, DEMO_LDIF_PATH, DVDV_LDAP_SCHEMA, renderFilter } from '../src/index.js';
import { and, equals, or } from '../src/ldap/filter.js';

const execFileAsync = promisify(execFile);
const BASE_DN = 'dc=dvdv,dc=example';
const RUNS = 5;
const LOOKUPS = [
  ['psw:053150000001', 'urn:egovkit-demo:dvdv:xhd-status'],
  ['psw:091620000002', 'urn:egovkit-demo:dvdv:xhd-status'],
  ['dmd:110000000001', 'urn:egovkit-demo:dvdv:xhd-passantrag'],
  ['ags:064120000000', 'urn:egovkit-demo:dvdv:xmeld-rueckmeldung'],
] as const;

async function measure(count: number, operation: (index: number) => Promise<unknown>) {
  await opsPerSecond(Math.max(10, Math.floor(count / 10)), operation); // warm-up
  const runs: number[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await opsPerSecond(count, operation));
  return { median: Math.round(median(runs)), max: Math.round(Math.max(...runs)), runs: RUNS };
}

const ldapsearch = findExecutable('ldapsearch');
if (ldapsearch === undefined) throw new Error('ldapsearch is not installed: apt-get install -y ldap-utils');

const pki = await getTestPki();
const server = await startSlapd({
  suffix: BASE_DN,
  schemas: [DVDV_LDAP_SCHEMA],
  ldif: readFileSync(DEMO_LDIF_PATH, 'utf8'),
  sizeLimit: 'unlimited',
});
const ldapsUrl = server.ldapsUrl as string;
const client = createDvdvClient({ servers: [ldapsUrl], baseDn: BASE_DN, tls: { ca: pki.trustAnchorPem } });

try {
  const lookup = (index: number, cache: 'use' | 'bypass') => {
    const [kennung, uri] = LOOKUPS[index % LOOKUPS.length] as (typeof LOOKUPS)[number];
    return client.lookupService(kennung, uri, { cache });
  };
  const cold = await measure(400, (index) => lookup(index, 'bypass'));
  for (let index = 0; index < LOOKUPS.length; index++) await lookup(index, 'use');
  const cached = await measure(50_000, (index) => lookup(index, 'use'));

  // The very search lookupService sends, run by ldapsearch over LDAPS with the same trust anchor.
  const ldapsearchOnce = async (index: number) => {
    const [kennung, uri] = LOOKUPS[index % LOOKUPS.length] as (typeof LOOKUPS)[number];
    const filter = renderFilter(
      or(
        equals('objectClass', 'dvdvOrganisation'),
        and(equals('objectClass', 'dvdvService'), equals('dvdvServiceUri', uri)),
      ),
    );
    const { stdout } = await execFileAsync(
      ldapsearch,
      [
        '-x',
        '-LLL',
        '-H',
        ldapsUrl,
        '-b',
        `dvdvBehoerdenkennung=${kennung},ou=organisations,${BASE_DN}`,
        '-s',
        'sub',
        filter,
      ],
      { env: { ...process.env, LDAPTLS_CACERT: pki.trustAnchorFile, LDAPTLS_REQCERT: 'demand' } },
    );
    if (!stdout.includes('dvdvServiceUri:')) throw new Error(`ldapsearch found no service for ${kennung}`);
  };
  const baseline = await measure(40, ldapsearchOnce);

  const report = {
    benchmark: 'dvdv-client',
    package: '@egovkit/dvdv-client',
    date: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown' },
    sample: {
      transport: 'LDAPS on 127.0.0.1, OpenLDAP slapd from @egovkit/testkit',
      lookups: LOOKUPS.map(([kennung, uri]) => `${kennung} ${uri}`),
      runsOf: { cold: 400, cached: 50_000, ldapsearch: 40 },
      coldSpeedupOverLdapsearch: roundToTenth(cold.median / baseline.median),
    },
    results: [
      { name: 'lookupService() cold (cache bypassed, one LDAPS search)', unit: 'ops/s', ...cold },
      { name: 'lookupService() cached (validity re-checked per hit)', unit: 'ops/s', ...cached },
      { name: 'ldapsearch command, same search (baseline for cold lookups)', unit: 'ops/s', ...baseline },
    ],
  };
  const resultsDirectory = join(import.meta.dirname, '..', '..', '..', 'bench', 'results');
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, 'dvdv-client.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const result of report.results)
    console.log(`${result.name}: ${result.median} ${result.unit} (max ${result.max})`);
} finally {
  await client.close();
  await server.stop();
}
