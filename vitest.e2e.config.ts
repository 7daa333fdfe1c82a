import { defineConfig } from 'vitest/config';

/** End-to-end tests: Playwright (playwright-core + Debian's Chromium) against the browser shell. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
