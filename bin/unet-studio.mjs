#!/usr/bin/env node
// The CLI's sources are TypeScript. `npm install` (prepare) and `npm run build` bundle them into
// out/cli (scripts/build-cli.mjs), which starts in tens of milliseconds; that bundle runs while
// every source it was built from is unchanged. Otherwise (sources edited since, or no bundle)
// the sources run through tsx, so `npx unet-studio` always runs the code in src/.
import { currentBundle } from './cliBundle.mjs';

const bundle = currentBundle(new URL('../out/cli/', import.meta.url), new URL('../', import.meta.url));
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
