import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'kba-ws-client',
    include: ['test/**/*.test.ts'],
    globalSetup: ['@egovkit/testkit/global-setup'],
    // TLS handshakes with RSA-3072 keys, child processes and fsync on a busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
