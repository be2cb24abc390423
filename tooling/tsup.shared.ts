import { defineConfig, type Options } from 'tsup';

export interface PackageBuildOptions {
  /**
   * Bundle the test PKI generator of the private @egovkit/testkit (`@egovkit/testkit/pki`), for packages that ship
   * it (the demo of @egovkit/cli, @egovkit/conformance). Its libraries must be dependencies of the package.
   */
  readonly bundleTestPki?: boolean;
  /** Split shared code into chunks, so that each entry or lazily imported command loads only what it uses. */
  readonly splitting?: boolean;
}

/**
 * Build settings shared by every published package: ESM + CJS + type declarations for both,
 * with the private @egovkit/internal helpers bundled in so that no package depends on an unpublished one.
 */
export function packageBuild(
  entry: Options['entry'] = { index: 'src/index.ts' },
  // Extra path mappings for the declaration build, e.g. a subpath entry importing its own package by name:
  // on a clean checkout there is no dist to resolve that name against yet.
  dtsPaths: Record<string, string[]> = {},
  options: PackageBuildOptions = {},
): Options {
  const testPki = options.bundleTestPki === true;
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    // Type declarations of the private packages are inlined too: the path mapping makes TypeScript resolve them
    // to their sources (not through node_modules, which rollup-plugin-dts would leave external).
    dts: {
      compilerOptions: {
        paths: {
          '@egovkit/internal': ['../internal/src/index.ts'],
          ...(testPki ? { '@egovkit/testkit/pki': ['../testkit/src/pki/index.ts'] } : {}),
          ...dtsPaths,
        },
      },
    },
    noExternal: [/^@egovkit\/internal/, ...(testPki ? [/^@egovkit\/testkit\/pki$/] : [])],
    sourcemap: true,
    clean: true,
    splitting: options.splitting === true,
    treeshake: true,
    shims: true,
  }) as Options;
}
