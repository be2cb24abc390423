import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'osci-transport',
    include: ['test/**/*.test.ts'],
    globalSetup: ['@egovkit/testkit/global-setup'],
    // RSA-3072 signatures and large attachments on a busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
