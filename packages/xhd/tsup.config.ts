import { packageBuild } from '../../tooling/tsup.shared.js';

// `osci` is its own entry so that the optional @egovkit/osci-transport is only referenced by those who import it.
// It imports the main entry by package name, kept external, so both entries share one module instance; the
// declaration build resolves that name to the sources, as dist does not exist yet on a clean checkout.
const config = packageBuild(
  { index: 'src/index.ts', osci: 'src/osci.ts', security: 'src/security.ts' },
  { '@egovkit/xhd': ['./src/index.ts'] },
);
export default { ...config, external: ['@egovkit/xhd'] };
