import { packageBuild } from '../../tooling/tsup.shared.js';

// The test PKI generator is bundled (its libraries are dependencies of this package). Splitting: `run` and
// `reference` (started once per case) do not load the PKI code.
export default packageBuild(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  {},
  { bundleTestPki: true, splitting: true },
);
