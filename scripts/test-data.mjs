#!/usr/bin/env node
// `npm run test:data`: the opt-in suites on the real ISBI 2012 training slices, which a clone
// does not hold. Looks for them in $UNET_TEST_DATA, else ../shared/data/isbi2012/train beside
// the repository; runs test/data/ and the server suites (vitest.data.config.ts), then the
// end-to-end suites, all on those slices instead of the synthetic ones `npm test` uses.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = resolve(process.env.UNET_TEST_DATA ?? join(root, '..', 'shared', 'data', 'isbi2012', 'train'));
if (!existsSync(join(data, 'images', '0.png')) || !existsSync(join(data, 'labels', '0.png'))) {
  console.error(
    `test:data: no ISBI 2012 slices at ${data} (images/N.png, labels/N.png): put them there or set UNET_TEST_DATA`,
  );
  process.exit(1);
}
const env = { ...process.env, UNET_TEST_DATA: data };
const steps = [
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'vitest.data.config.ts'],
  [join(root, 'scripts', 'e2e.mjs')],
];
for (const args of steps) {
  const run = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
