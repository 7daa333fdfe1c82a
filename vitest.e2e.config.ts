import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** End-to-end tests: Playwright (playwright-core + Debian's Chromium) against the browser shell. */
export default defineConfig({
  test: {
    // Tests (and the servers they start) keep their recent-projects list out of the user's own.
    env: { UNET_STUDIO_CONFIG_DIR: join(tmpdir(), `unet-studio-test-config-${process.pid}`) },
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
