import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Tests (and the servers they start) keep their recent-projects list out of the user's own.
    env: { UNET_STUDIO_CONFIG_DIR: join(tmpdir(), `unet-studio-test-config-${process.pid}`) },
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // test/data/ needs the real ISBI 2012 slices: opt-in, `npm run test:data`.
    exclude: ['test/e2e/**', 'test/data/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
