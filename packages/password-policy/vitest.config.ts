import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'password-policy',
    include: ['test/**/*.test.ts'],
  },
});
