// The end-to-end PassDEÜV demo (issue #9) is not built yet. Until it lands, this prints the flow it will run
// and the state of each package it needs, so that the README's demo command tells the truth.
import { publicPackages } from './lib/workspace.mjs';

const steps = [
  {
    step: 'Staff login checked against the KBA password preset',
    pkg: '@egovkit/password-policy',
    issue: 3,
    built: true,
  },
  { step: 'Passport authority builds and validates an XhD application', pkg: '@egovkit/xhd', issue: 8 },
  {
    step: 'Document producer looked up in the DVDV (embedded LDIF directory)',
    pkg: '@egovkit/dvdv-client',
    issue: 5,
  },
  {
    step: 'Application sent as a signed, end-to-end encrypted OSCI message through the local intermediary',
    pkg: '@egovkit/osci-transport',
    issue: 6,
  },
  {
    step: 'Producer fetches, decrypts, verifies the sender via DVDV, validates and answers; authority reads the process card',
    pkg: '@egovkit/osci-transport',
    issue: 7,
  },
];
const versions = new Map(publicPackages().map((pkg) => [pkg.name, pkg.version]));

console.log('egovkit demo: the PassDEÜV flow end to end\n');
for (const [index, { step, pkg, issue, built }] of steps.entries()) {
  const state = built
    ? `built (issue #${issue}); not wired into the demo yet`
    : `not built yet (issue #${issue})`;
  console.log(`${index + 1}. ${step}\n   ${pkg}@${versions.get(pkg)}: ${state}`);
}
console.log('\nThe demo itself arrives with issue #9. Nothing was run; run the tests with `npm test`.');
