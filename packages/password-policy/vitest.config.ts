import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'password-policy',
    include: ['test/**/*.test.ts'],
    // Real redis-server start-up and scrypt hashing on a busy CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
