import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'kba-ws-client',
    include: ['test/**/*.test.ts'],
  },
});
