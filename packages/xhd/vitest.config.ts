import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'xhd',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
