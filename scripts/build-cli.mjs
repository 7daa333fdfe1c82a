#!/usr/bin/env node
// `npm run build:cli` (also run by `prepare` on npm install and by `npm run build`): bundles the
// command line (src/cli/main.ts) into out/cli/ as plain JavaScript, one chunk per command, so
// `unet-studio` starts without compiling TypeScript (tsx alone costs ~0.3 s of CPU at start).
//
// The bundle behaves exactly like the sources: packages stay external (loaded from
// node_modules as before), and every `import.meta.url` is replaced by the URL of the source
// file it appears in, so paths computed from it (package.json, the built UI, the training
// child) resolve as they do under tsx. out/cli/manifest.json lists each bundled source with
// its size and mtime: bin/unet-studio.mjs runs the bundle only while they all still match.
import { statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'cli');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (error) {
  // Never fail an install over it: without the bundle the CLI runs its sources through tsx.
  console.warn(`build:cli: esbuild did not load (${error.message}); the CLI will run through tsx`);
  process.exit(0);
}

/** Rewrites `import.meta.url` in each source file to that file's own URL. */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: join(root, 'src', 'cli', 'main.ts') },
  outdir: outDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [sourceUrls],
});

const sources = {};
for (const input of Object.keys(result.metafile.inputs)) {
  const path = join(root, input);
  const { size, mtimeMs } = statSync(path);
  sources[relative(root, path)] = { size, mtimeMs };
}
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify({ entry: 'main.mjs', sources }, null, 1)}\n`);
console.log(`build:cli: out/cli/main.mjs from ${Object.keys(sources).length} source files`);
