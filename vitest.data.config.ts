import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Opt-in suites on the real ISBI 2012 slices (`npm run test:data`, which sets UNET_TEST_DATA):
 * test/data/ plus the server suites that otherwise run on synthetic slices.
 */
export default defineConfig({
  test: {
    env: { UNET_STUDIO_CONFIG_DIR: join(tmpdir(), `unet-studio-test-config-${process.pid}`) },
    include: ['test/data/**/*.test.ts', 'test/server/serverRoundTrip.test.ts', 'test/server/apiSoak.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
