import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  // src/osci.ts imports the main entry by package name (see there); in tests that is the source.
  resolve: {
    alias: [
      { find: /^@egovkit\/xhd$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    name: 'xhd',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // getTestPki() generates the test PKI on a cold cache; under load that takes longer than the default 10 s.
    hookTimeout: 60_000,
  },
});
