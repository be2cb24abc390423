import { packageBuild } from '../../tooling/tsup.shared.js';

// Splitting: each command loads its library (and the demo its flow) only when it runs, so that
// `egovkit password check` does not start XML Schema, PKI and LDAP code it never uses. The demo generates its
// throwaway PKI with the bundled test PKI generator.
export default packageBuild(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  {},
  { bundleTestPki: true, splitting: true },
);
