import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'conformance',
    include: ['test/**/*.test.ts'],
    // The test PKI of the testkit, and dist/ (the CLI tests run the built binary), rebuilt when stale.
    globalSetup: ['@egovkit/testkit/global-setup', './test/build-dist.ts'],
    // Child processes of the built binary, RSA-3072 keys and real servers on a busy CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
