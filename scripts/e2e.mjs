#!/usr/bin/env node
// `npm run test:e2e`: builds the renderer (electron-vite build -> out/renderer), then runs the
// Playwright e2e tests (vitest.e2e.config.ts). Exits non-zero when the build or a test fails.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

const vite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
if (run([vite, 'build']) !== 0) {
  console.error('e2e: building the app failed (electron-vite build)');
  process.exit(1);
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
process.exit(run([vitest, 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)]));
