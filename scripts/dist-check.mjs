#!/usr/bin/env node
// `npm run dist:check`: what can be checked of a release without Electron's binary.
// Validates electron-builder.json against electron-builder's own schema and lists the files
// the app bundle (app.asar) would hold, from the build output and the `files` patterns.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));
const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
const { DebugLogger } = require('builder-util/out/DebugLogger');
const { minimatch } = require('minimatch');

await validateConfiguration({ ...config, $schema: undefined }, new DebugLogger(false));
console.log('electron-builder.json: valid');

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [relative(root, path)];
  });
}

const include = config.files.filter((p) => !p.startsWith('!'));
const exclude = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
const candidates = [...walk(join(root, 'out')), 'package.json'];
const bundled = candidates.filter(
  (f) =>
    include.some((p) => minimatch(f, p, { dot: true })) &&
    !exclude.some((p) => minimatch(f, p, { dot: true })),
);
if (!bundled.some((f) => f.startsWith('out/main/'))) {
  console.error('out/main is missing: run `npm run build` first');
  process.exit(1);
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
console.log(`app bundle (${bundled.length} files + production node_modules):`);
for (const f of bundled) console.log(`  ${f}`);
console.log(`production dependencies: ${Object.keys(pkg.dependencies).join(', ')}`);
console.log(
  `targets: linux ${config.linux.target.join('/')}, win ${config.win.target.join('/')}, mac ${config.mac.target.join('/')}`,
);
