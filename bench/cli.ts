// `npm run bench -- cli [--runs 15]`: start-up of the command line as a user meets it, each
// command a fresh process (`node bin/unet-studio.mjs ...`), median and best of --runs wall
// times, beside a bare `node -e 0` (Node's own start-up, the floor) and `npx unet-studio
// --version` (npm's own start-up on top). Says whether the bundled CLI (out/cli) ran or the
// sources through tsx. Writes bench/results/cli.json. Target: --version and --help < 150 ms.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { currentBundle } from '../bin/cliBundle.mjs';
import { benchRoot, median, printTable, writeResults } from './_common';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Math.max(1, Number(values.runs));
const bin = join(benchRoot, 'bin', 'unet-studio.mjs');

/** Wall times (ms) of `runs` fresh processes of `command args`. */
function time(command: string, args: string[]): number[] {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const child = spawnSync(command, args, { cwd: benchRoot, encoding: 'utf8' });
    times.push(performance.now() - start);
    if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${child.stderr}`);
  }
  return times;
}

const bundled =
  currentBundle(new URL('../out/cli/', import.meta.url), new URL('../', import.meta.url)) !== null;
const cases: { what: string; command: string; args: string[]; target?: number }[] = [
  { what: 'node -e 0 (floor)', command: process.execPath, args: ['-e', '0'] },
  { what: 'unet-studio --version', command: process.execPath, args: [bin, '--version'], target: 150 },
  { what: 'unet-studio --help', command: process.execPath, args: [bin, '--help'], target: 150 },
  { what: 'unet-studio weightmap --help', command: process.execPath, args: [bin, 'weightmap', '--help'] },
  { what: 'unet-studio evaluate --help', command: process.execPath, args: [bin, 'evaluate', '--help'] },
  {
    what: 'unet-studio predict --help (loads TF.js)',
    command: process.execPath,
    args: [bin, 'predict', '--help'],
  },
  { what: 'npx unet-studio --version', command: 'npx', args: ['unet-studio', '--version'] },
];
const rows = cases.map((c) => {
  const times = time(c.command, c.args);
  const med = median(times);
  return {
    command: c.what,
    'median ms': med,
    'best ms': Math.min(...times),
    target: c.target === undefined ? '-' : `< ${c.target} ms: ${med < c.target ? 'met' : 'MISSED'}`,
  };
});
console.log(
  `CLI start-up, ${runs} fresh processes each; CLI from ${bundled ? 'the out/cli bundle' : 'tsx (no current bundle: npm run build:cli)'}`,
);
printTable(rows);
console.log(`wrote ${writeResults('cli', { runs, bundled, rows })}`);
