import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests (and the servers they start) keep their recent-projects list out of the user's own.
    env: { UNET_STUDIO_CONFIG_DIR: join(tmpdir(), `unet-studio-test-config-${process.pid}`) },
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
