import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    globalSetup: ['@egovkit/testkit/global-setup'],
    // Child processes of the built binary, RSA-3072 keys and real servers on a busy CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
