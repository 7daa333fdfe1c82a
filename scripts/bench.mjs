#!/usr/bin/env node
// `npm run bench -- NAME [args]` runs bench/NAME.ts (tsx); with no NAME, lists the benches.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.log(`usage: npm run bench -- <name> [args]\nbenches: ${benches.join(', ')}`);
  process.exit(0);
}
const file = join(root, 'bench', `${name}.ts`);
if (!existsSync(file)) {
  console.error(`no bench named "${name}"; available: ${benches.join(', ')}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...rest], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
