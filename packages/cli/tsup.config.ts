import type { Options } from 'tsup';
import { packageBuild } from '../../tooling/tsup.shared.js';

// Code splitting: each command loads its library (and the demo its flow) only when it runs, so that
// `egovkit password check` does not start up XML Schema, PKI and LDAP code it never uses.
// The demo generates its throwaway PKI with the test PKI code of the private @egovkit/testkit, bundled in like
// @egovkit/internal (its dependencies @peculiar/x509, pkijs, asn1js, reflect-metadata are this package's).
const shared = packageBuild(
  { index: 'src/index.ts', cli: 'src/cli.ts' },
  { '@egovkit/testkit/pki': ['../testkit/src/pki/index.ts'] },
) as Options;

export default {
  ...shared,
  splitting: true,
  noExternal: [/^@egovkit\/internal/, /^@egovkit\/testkit/],
} satisfies Options;
