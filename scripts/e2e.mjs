#!/usr/bin/env node
// `npm run test:e2e [files...]`: builds the renderer (electron-vite build -> out/renderer), then
// runs the Playwright e2e tests (vitest.e2e.config.ts). Exits non-zero when the build or a test
// fails. SIGINT/SIGTERM are passed on to the running step so no test process is left behind.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const vite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
if ((await run([vite, 'build'])) !== 0) {
  console.error('e2e: building the app failed (electron-vite build)');
  process.exit(1);
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
process.exit(await run([vitest, 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)]));
