#!/usr/bin/env node
// `npm start [-- --project DIR] [-- --browser]`: builds the app when out/ is missing or older
// than the sources, opens the Electron app, and where Electron's binary is missing or cannot
// start (no display, download failed), says so in one line and starts the browser shell
// (`unet-studio serve`) instead, which prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json'];
/** Electron that is still running after this long has started (it fails fast otherwise). */
const STARTUP_GRACE_MS = 4000;

function parseArgs(argv) {
  const options = { project: undefined, browser: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--project') options.project = argv[++i];
    else if (argv[i] === '--browser') options.browser = true;
    else {
      console.error(`npm start: unknown argument ${argv[i]} (use --project DIR or --browser)`);
      process.exit(2);
    }
  }
  return options;
}

function newestMtime(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function buildIfStale() {
  const outputs = OUTPUTS.map((p) => join(root, p));
  const missing = outputs.filter((p) => !existsSync(p));
  const built = missing.length === 0 ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  const sources = Math.max(
    ...SOURCES.map((p) => join(root, p))
      .filter(existsSync)
      .map(newestMtime),
  );
  if (missing.length === 0 && built >= sources) return;
  console.log(
    missing.length > 0 ? 'Building the app (first start)...' : 'Sources changed: rebuilding the app...',
  );
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm start: the build failed (see above); fix it and run `npm start` again.');
    process.exit(1);
  }
}

/** The Electron executable, or why there is none (checked on disk: never triggers a download). */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pkg)) return { reason: 'the electron package is not installed' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  const binaryPath = () => {
    const relative = readFileSync(pathFile, 'utf8').trim();
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    return override ? join(override, relative || 'electron') : join(pkg, 'dist', relative);
  };
  if (!existsSync(pathFile) || !existsSync(binaryPath())) {
    // Electron downloads its binary at first launch (its install script is not run by npm 11).
    console.log("Downloading Electron's binary (first launch only)...");
    const download = spawnSync(process.execPath, [join(pkg, 'install.js')], {
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: 10 * 60 * 1000,
    });
    if (download.status !== 0 || !existsSync(pathFile) || !existsSync(binaryPath())) {
      const why =
        download.stderr?.toString().trim().split('\n')[0] || `exit ${download.status ?? download.signal}`;
      return {
        reason: `Electron's binary could not be downloaded (${why}); run \`npx install-electron\` when online to get the window`,
      };
    }
  }
  return { binary: binaryPath() };
}

function startBrowserShell(options, reason) {
  console.log(`U-Net Studio: the desktop app cannot start here: ${reason}.`);
  console.log('Starting the browser shell instead; open the URL below in a browser on this machine.');
  const args = [join(root, 'bin', 'unet-studio.mjs'), 'serve'];
  args.push(...(options.project ? ['--project', options.project] : ['--last']));
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  forwardSignals(child);
  child.on('exit', (code) => process.exit(code ?? 1));
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

function startElectron(binary, options) {
  const env = { ...process.env };
  if (options.project) env.UNET_STUDIO_PROJECT = options.project;
  const child = spawn(binary, ['.'], { cwd: root, env, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  let started = false;
  child.stderr.on('data', (chunk) => {
    if (started) process.stderr.write(chunk);
    else stderr += chunk;
  });
  const timer = setTimeout(() => {
    started = true;
    process.stderr.write(stderr);
  }, STARTUP_GRACE_MS);
  child.on('error', (error) => {
    clearTimeout(timer);
    startBrowserShell(options, `Electron could not be run (${error.message})`);
  });
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    if (!started && code !== 0) {
      const first = stderr.trim().split('\n')[0] || `exit code ${code ?? signal}`;
      startBrowserShell(options, `Electron stopped at start-up (${first})`);
      return;
    }
    process.exit(code ?? 0);
  });
  forwardSignals(child);
}

const options = parseArgs(process.argv.slice(2));
buildIfStale();
const electron = options.browser ? { reason: '--browser was given' } : electronBinary();
if (electron.binary) startElectron(electron.binary, options);
else startBrowserShell(options, electron.reason);
