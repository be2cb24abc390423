import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dvdv-client',
    include: ['test/**/*.test.ts'],
  },
});
