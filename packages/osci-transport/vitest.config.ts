import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'osci-transport',
    include: ['test/**/*.test.ts'],
  },
});
