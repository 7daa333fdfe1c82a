#!/usr/bin/env node
// `npm run test:e2e [files...]`: finds Chromium, builds the renderer (electron-vite build ->
// out/renderer), then runs the Playwright e2e tests (vitest.e2e.config.ts). Exits non-zero when
// Chromium is missing (one line saying what to install), the build or a test fails.
// SIGINT/SIGTERM are passed on to the running step so no test process is left behind.
// `--check-browser` only looks for Chromium (`npm test` does that first, so it fails early).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** CHROMIUM_PATH when set, else the first Chromium/Chrome on PATH; exits with one line when none. */
function findChromium() {
  const executable = (path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (executable(given)) return given;
    console.error(`e2e: CHROMIUM_PATH=${given} is not an executable file`);
    process.exit(1);
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) if (executable(join(dir, name))) return join(dir, name);
  }
  console.error(
    'e2e: the end-to-end tests drive Chromium, and none was found: install it (Debian/Ubuntu: `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary',
  );
  process.exit(1);
}

const chromium = findChromium();
if (process.argv.includes('--check-browser')) process.exit(0);
process.env.CHROMIUM_PATH = chromium;

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
