import { type Command, Option } from 'commander';
import { evaluateFolders, type SegmentationMetrics } from '../../engine/core';
import { createProgressBar, type ProgressBar } from '../progress';

interface EvaluateOptions {
  pred: string;
  truth: string;
  json?: boolean;
  stream: 'auto' | 'always' | 'never';
}

/**
 * `unet-studio evaluate --pred DIR --truth DIR [--json]`: scores predicted masks against truth
 * masks matched by base name. Prints a table (per image and mean) or, with --json, only
 * `{ images: [{ name, ...metrics }], mean: {...} }` on stdout. Progress and warnings about
 * unmatched files go to stderr.
 */
export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      'Score predicted masks against ground truth: IoU, Dice, pixel/Rand error, SEG, object P/R/F1',
    )
    .requiredOption('--pred <dir>', 'folder of predicted masks (PNG/TIFF/JPEG)')
    .requiredOption('--truth <dir>', 'folder of ground-truth masks, matched by base name (0.png ~ 0.tif)')
    .option('--json', 'print machine-readable JSON on stdout')
    .addOption(
      new Option(
        '--stream <mode>',
        'read TIFF masks in bands with bounded memory (auto: when one is over 4096x4096 px); objects are connected patches of one value',
      )
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .action(async (opts: EvaluateOptions) => {
      let bar: ProgressBar | undefined;
      let result: Awaited<ReturnType<typeof evaluateFolders>>;
      try {
        result = await evaluateFolders({
          predDir: opts.pred,
          truthDir: opts.truth,
          stream: opts.stream === 'auto' ? 'auto' : opts.stream === 'always',
          onProgress: (done, total) => {
            bar ??= createProgressBar(total, { label: 'evaluate' });
            bar.update(done);
          },
        });
      } finally {
        bar?.stop();
      }
      for (const path of result.unmatchedPred) process.stderr.write(`warning: no truth mask for ${path}\n`);
      for (const path of result.unmatchedTruth) process.stderr.write(`warning: no prediction for ${path}\n`);
      if (opts.json) {
        const images = result.images.map((i) => ({ name: i.name, ...i.metrics }));
        process.stdout.write(`${JSON.stringify({ images, mean: result.mean }, null, 2)}\n`);
      } else {
        process.stdout.write(
          formatTable(
            result.images.map((i) => [i.name, i.metrics]),
            result.mean,
          ),
        );
      }
    });
}

const COLUMNS = ['IoU fg', 'Dice fg', 'pixel err', 'Rand err', 'SEG', 'obj P', 'obj R', 'obj F1'];

function row(m: SegmentationMetrics): string[] {
  // Dice of the foreground from its IoU: D = 2J / (1 + J) for the same two sets.
  const dice = (2 * m.foregroundIoU) / (1 + m.foregroundIoU);
  return [
    m.foregroundIoU,
    dice,
    m.pixelError,
    m.randError,
    m.seg,
    m.objectPrecision,
    m.objectRecall,
    m.objectF1,
  ].map((v) => v.toFixed(4));
}

function formatTable(rows: [string, SegmentationMetrics][], mean: SegmentationMetrics): string {
  const body = [...rows.map(([name, m]) => [name, ...row(m)]), [`mean (${rows.length})`, ...row(mean)]];
  const header = ['image', ...COLUMNS];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return `${[line(header), rule, ...body.slice(0, -1).map(line), rule, line(body[body.length - 1])].join('\n')}\n`;
}
