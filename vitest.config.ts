import { defineConfig } from 'vitest/config';

// One run over every package: `pnpm vitest run` (what the README's test command ends with).
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
