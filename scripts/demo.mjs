// The end-to-end PassDEÜV demo (issue #9) is not built yet. Until it lands, this prints the flow it will run
// and the state of each package it needs, so that the README's demo command tells the truth.
import { publicPackages } from './lib/workspace.mjs';

/** @type {{ step: string; pkg: string; issue: number; state: 'built' | 'partial' | 'missing' }[]} */
const steps = [
  {
    step: 'Staff login checked against the KBA password preset',
    pkg: '@egovkit/password-policy',
    issue: 3,
    state: 'built',
  },
  {
    step: 'Passport authority builds and validates an XhD application',
    pkg: '@egovkit/xhd',
    issue: 8,
    state: 'partial',
  },
  {
    step: 'Document producer looked up in the DVDV (embedded LDIF directory)',
    pkg: '@egovkit/dvdv-client',
    issue: 5,
    state: 'built',
  },
  {
    step: 'Application sent as a signed, end-to-end encrypted OSCI message through the local intermediary',
    pkg: '@egovkit/osci-transport',
    issue: 6,
    state: 'partial',
  },
  {
    step: 'Producer fetches, decrypts, verifies the sender via DVDV, validates and answers; authority reads the process card',
    pkg: '@egovkit/osci-transport',
    issue: 7,
    state: 'missing',
  },
];
/** @type {Record<'built' | 'partial' | 'missing', (issue: number) => string>} */
const describeState = {
  built: (issue) => `built (issue #${issue}); not wired into the demo yet`,
  partial: (issue) => `partly built (issue #${issue} in progress); not wired into the demo yet`,
  missing: (issue) => `not built yet (issue #${issue})`,
};
const versions = new Map(publicPackages().map((pkg) => [pkg.name, pkg.version]));

console.log('egovkit demo: the PassDEÜV flow end to end\n');
for (const [index, { step, pkg, issue, state }] of steps.entries()) {
  console.log(`${index + 1}. ${step}\n   ${pkg}@${versions.get(pkg)}: ${describeState[state](issue)}`);
}
console.log('\nThe demo itself arrives with issue #9. Nothing was run; run the tests with `npm test`.');
