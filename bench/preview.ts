// `npm run bench -- preview [--steps 200] [--every 50] [--repeats 2] [--side 512]`: training speed
// with the Train tab open and its live preview on, against the same run with no UI. A browser
// shell (`unet-studio serve`) holds a project of 4 synthetic 512x512 cell images, annotated; the
// same fast-preset run (seeded; checkpoint and validation every `--every` steps, so the training
// process computes a preview at each) is trained twice: (A) with Chromium on the Train tab
// watching it and a preview image chosen, (B) with no page at all. Steps per minute are
// wall-clock, from the step where A's page is attached to the last step, read from the event
// stream; checkpoints, validations and previews count. Goal: A within 5% of B. Arms alternate
// when `--repeats` > 1. Needs the built UI (`npm run build`) and Chromium, like the ui bench.
// Writes bench/results/preview.json.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import type { Browser } from 'playwright-core';
import type { StudioApi } from '../src/shared/api';
import type { JobUpdate } from '../src/shared/jobs';
import { launchBrowser, newPage } from '../test/e2e/support/browser';
import { startStudioServer } from '../test/e2e/support/studioServer';
import { nodeApiClient } from '../test/support/nodeApiClient';
import { median, printTable, writeResults } from './_common';
import { syntheticCells } from './_synthetic';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' },
    every: { type: 'string', default: '50' },
    repeats: { type: 'string', default: '2' },
    side: { type: 'string', default: '512' },
  },
});
const steps = Number(values.steps);
const every = Number(values.every);
const repeats = Number(values.repeats);
const side = Number(values.side);

async function value<T>(
  result: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
): Promise<T> {
  const r = await result;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** A project of 4 cell images, each labelled whole (cells = class 2 with their ids, rest = 1). */
async function setUp(api: StudioApi, dir: string): Promise<string[]> {
  await value(api.createProject(dir, 'preview bench'));
  const ids: string[] = [];
  for (let k = 0; k < 4; k++) {
    const { instances } = syntheticCells(k + 11, { width: side, height: side });
    const pixels = Uint8Array.from(instances, (id, i) => (id === 0 ? 40 : 170) + ((i * 2654435761) >>> 27));
    const png = encode({ width: side, height: side, data: pixels, depth: 8, channels: 1 });
    const [entry] = (await value(api.uploadImage(`cells${k}.png`, png))).added;
    const classes = Uint8Array.from(instances, (id) => (id === 0 ? 1 : 2));
    await value(api.saveAnnotationPatch(entry.id, { x: 0, y: 0, w: side, h: side, classes, instances }));
    ids.push(entry.id);
  }
  return ids;
}

interface Arm {
  arm: 'A: Train tab + preview' | 'B: no UI';
  fromStep: number;
  toStep: number;
  seconds: number;
  stepsPerMinute: number;
  previews: number;
}

/** Trains one run; `attach` (arm A) opens the page on it and returns once it watches. */
async function trainOnce(
  api: StudioApi,
  ids: string[],
  arm: Arm['arm'],
  attach: ((runId: string) => Promise<void>) | null,
  fromStep: number | null,
): Promise<Arm> {
  const progress: { step: number; at: number }[] = [];
  let previews = 0;
  let runId = '';
  let ended: (e: JobUpdate) => void = () => {};
  const end = new Promise<JobUpdate>((resolve) => {
    ended = resolve;
  });
  const stop = api.onJobEvent((e) => {
    if (e.jobId !== runId) return;
    if (e.kind === 'progress' && e.loss !== undefined) progress.push({ step: e.step, at: performance.now() });
    if (e.kind === 'preview') previews++;
    if (e.kind === 'done' || e.kind === 'failed' || e.kind === 'cancelled') ended(e);
  });
  await new Promise((r) => setTimeout(r, 300)); // the event socket opens
  const run = await value(
    api.startTraining({
      imageIds: ids,
      valFraction: 0.25,
      preset: 'fast',
      advanced: { steps, checkpointEverySteps: every, validateEverySteps: every, seed: 5 },
    }),
  );
  runId = run.runId;
  let from = fromStep ?? 0;
  if (attach !== null) {
    await attach(runId);
    from = Math.max(from, (progress.at(-1)?.step ?? 0) + 1);
  }
  const last = await end;
  stop();
  if (last.kind !== 'done') throw new Error(`run ${runId} ended ${JSON.stringify(last)}`);
  const first = progress.find((p) => p.step >= from);
  const final = progress.at(-1);
  if (first === undefined || final === undefined || final.step <= first.step)
    throw new Error(`too few steps measured (from step ${from}): use more --steps`);
  const seconds = (final.at - first.at) / 1000;
  return {
    arm,
    fromStep: first.step,
    toStep: final.step,
    seconds,
    stepsPerMinute: ((final.step - first.step) / seconds) * 60,
    previews,
  };
}

const server = await startStudioServer();
let browser: Browser | null = null;
try {
  const api = nodeApiClient(server.origin, new URL(server.url).searchParams.get('token'));
  const ids = await setUp(api, join(server.workspace, 'project'));
  browser = await launchBrowser();
  const page = await newPage(browser);
  const attach = async (runId: string) => {
    await page.goto(server.url);
    await page.getByTestId('mode-train').click();
    await page.locator(`[data-testid="live-run"][data-status="running"]`).waitFor({ timeout: 300_000 });
    await page.getByTestId('preview-image').selectOption(ids[3]);
    console.log(`page attached to ${runId}`);
  };
  const rows: Arm[] = [];
  for (let r = 0; r < repeats; r++) {
    const a = await trainOnce(api, ids, 'A: Train tab + preview', attach, null);
    await page.goto('about:blank');
    rows.push(a, await trainOnce(api, ids, 'B: no UI', null, a.fromStep));
  }
  await page.goto(server.url);
  await page.getByTestId('mode-train').click();
  await page
    .locator('[data-testid="preview"][data-has-prediction="yes"]')
    .waitFor({ timeout: 60_000 })
    .catch(() => {});
  const rate = (arm: Arm['arm']) => median(rows.filter((x) => x.arm === arm).map((x) => x.stepsPerMinute));
  const withUi = rate('A: Train tab + preview');
  const without = rate('B: no UI');
  const ratio = withUi / without;
  printTable(rows as unknown as Record<string, string | number>[]);
  // The page cannot make training faster: a ratio far above 1 only shows how noisy the machine is.
  const verdict = ratio < 0.95 ? 'FAIL' : ratio > 1.05 ? 'NOISY (rerun on a quiet machine)' : 'PASS';
  console.log(
    `${verdict}: with the Train tab and previews ${withUi.toFixed(1)} steps/min, without UI ${without.toFixed(1)} ` +
      `(${(100 * (ratio - 1)).toFixed(1)}%; goal within 5%). Previews in A: ${rows[0].previews}.`,
  );
  console.log(
    '(wall-clock over the same steps of the same seeded run; a busy machine blurs small differences)',
  );
  const path = writeResults('preview', { steps, every, side, repeats, rows, ratio, verdict });
  console.log(`wrote ${path}`);
} finally {
  await browser?.close();
  await server.stop();
}
