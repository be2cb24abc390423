import { defineConfig, type Options } from 'tsup';

/**
 * Build settings shared by every published package: ESM + CJS + type declarations for both,
 * with the private @egovkit/internal helpers bundled in so that no package depends on an unpublished one.
 */
export function packageBuild(
  entry: Options['entry'] = { index: 'src/index.ts' },
  // Extra path mappings for the declaration build, e.g. a subpath entry importing its own package by name:
  // on a clean checkout there is no dist to resolve that name against yet.
  dtsPaths: Record<string, string[]> = {},
) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    // Type declarations of @egovkit/internal are inlined too: the path mapping makes TypeScript resolve it to
    // its sources (not through node_modules, which rollup-plugin-dts would leave external).
    dts: { compilerOptions: { paths: { '@egovkit/internal': ['../internal/src/index.ts'], ...dtsPaths } } },
    noExternal: [/^@egovkit\/internal/],
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    shims: true,
  });
}
