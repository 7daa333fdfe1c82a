// `npm run bench -- sampleTraining [--minutes 2]`: why the sample tour suggests a small network.
// Writes the sample's first four images and their exact truth (src/app/sample) to a temp folder
// and trains on them for --minutes with the CLI twice: the fast preset as it is, and the tour's
// settings (SAMPLE.training). Prints steps reached and the validation foreground IoU of the
// final model (one image held out), and writes bench/results/sampleTraining.json. On a shared
// or busy machine the step counts shrink: run it on an idle one for figures to quote.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { syntheticNuclei } from '../src/app/sample/syntheticNuclei';
import { SAMPLE } from '../src/shared/sample';
import { benchRoot, printTable, writeResults } from './_common';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: String(SAMPLE.trainMinutes) } },
});
const minutes = Number(values.minutes);
const dir = mkdtempSync(join(tmpdir(), 'unet-sample-bench-'));
mkdirSync(join(dir, 'images'));
mkdirSync(join(dir, 'labels'));
for (let k = 1; k <= 4; k++) {
  const { width, height, image, instances } = syntheticNuclei(String(k));
  writeFileSync(
    join(dir, 'images', `n${k}.png`),
    encode({ width, height, data: image, depth: 8, channels: 1 }),
  );
  writeFileSync(
    join(dir, 'labels', `n${k}.png`),
    encode({ width, height, data: instances, depth: 16, channels: 1 }),
  );
}
const { baseFilters, depth, tileSize, learningRate } = SAMPLE.training;
const cases = [
  { settings: 'fast preset', args: [] as string[] },
  {
    settings: `tour: ${baseFilters} filters, depth ${depth}, tile ${tileSize}, lr ${learningRate}`,
    args: [
      '--filters',
      `${baseFilters}`,
      '--depth',
      `${depth}`,
      '--tile',
      `${tileSize}`,
      '--lr',
      `${learningRate}`,
    ],
  },
];
const rows = [];
try {
  for (const [i, c] of cases.entries()) {
    const out = join(dir, `run${i}`);
    const run = spawnSync(
      process.execPath,
      [
        join(benchRoot, 'bin', 'unet-studio.mjs'),
        'train',
        '--images',
        join(dir, 'images'),
        '--labels',
        join(dir, 'labels'),
      ].concat(['--out', out, '--minutes', `${minutes}`, '--validate-every', '15', ...c.args]),
      { cwd: benchRoot, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`train failed (${c.settings}):\n${run.stderr}`);
    const final = /final model: .*\(step (\d+), validation foreground IoU ([\d.]+)\)/.exec(run.stdout);
    rows.push({
      settings: c.settings,
      minutes,
      steps: Number(final?.[1]),
      validationIoU: Number(final?.[2]),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
printTable(rows);
console.log(`results: ${writeResults('sampleTraining', rows)}`);
