import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dvdv-client',
    include: ['test/**/*.test.ts'],
    // One test PKI for the whole run (slapd's TLS certificate and the PassDEÜV test certificates).
    globalSetup: ['@egovkit/testkit/global-setup'],
    // Real slapd start-up and failover on a busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
