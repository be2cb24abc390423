import type { Options } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.js';

// packageBuild returns one options object (defineConfig is typed for arrays and functions too).
const shared = packageBuild(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  // The test PKI generator comes from the private @egovkit/testkit: its declarations are inlined from source.
  { '@egovkit/testkit/pki': ['../testkit/src/pki/index.ts'] },
) as Options;

/**
 * The shared build plus the private @egovkit/testkit (its `pki` subpath only), which is never published and
 * so must be bundled. Its libraries (@peculiar/x509, reflect-metadata, pkijs, asn1js) stay external: they are
 * dependencies of this package.
 */
export default {
  ...shared,
  // Chunks: `egovkit-conformance run` and `reference` (started once per case) do not load the PKI code.
  splitting: true,
  noExternal: [...(shared.noExternal ?? []), /^@egovkit\/testkit(\/|$)/],
} satisfies Options;
