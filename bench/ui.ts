// `npm run bench -- ui [--runs N]`: the annotation canvas in Debian's Chromium (headless,
// software rendering) against the browser shell. (1) Brush-stroke frame times on a 2048x2048
// 16-bit image: rAF timestamps during a scripted stroke (interval per frame) and the app's own
// work per frame (pointer handling + label repaint, from the renderer's perf probe). (2) Time
// from clicking a not-yet-loaded 4096x4096 16-bit TIFF in the image list to its first painted
// frame (pixels + labels over HTTP, display LUT, Konva draw). (3) A 40000x40000 16-bit slide
// (`--slide N` for another side, 0 to skip): first paint, pan/zoom work per frame, renderer
// heap (bench/_uiSlide.ts). Writes bench/results/ui.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { writeTiff } from '../src/engine/index';
import { launchBrowser, newPage } from '../test/e2e/support/browser';
import { startStudioServer } from '../test/e2e/support/studioServer';
import { createProject, waitPainted } from '../test/e2e/support/workstation';
import { percentile, printTable, writeResults } from './_common';
import { openAndWaitPainted, startFrameProbe, stopFrameProbe } from './_frameProbe';
import { benchSlide } from './_uiSlide';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
// `--slide N`: side of the 16-bit slide case (default 40000; 0 skips it).
const slideArg = process.argv.indexOf('--slide');
const slideSide = slideArg > 0 ? Number(process.argv[slideArg + 1]) : 40_000;

/** A textured 16-bit test image: membrane-like ridges over a gradient plus seeded noise. */
function syntheticImage(side: number): Uint16Array {
  const data = new Uint16Array(side * side);
  let seed = 12345;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const ridge = Math.abs(Math.sin(x / 37) * Math.cos(y / 23));
      data[y * side + x] = Math.round(8000 + 30000 * ridge + (y / side) * 12000 + (seed >>> 20));
    }
  }
  return data;
}

async function openImage(page: Page, name: string): Promise<number> {
  const item = page.locator('[data-testid="image-item"]', { hasText: name });
  const id = await item.getAttribute('data-image-id');
  const t0 = await openAndWaitPainted(page, id);
  await page.waitForTimeout(300);
  const marks = await page.evaluate(() =>
    performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as const),
  );
  const at = (name: string) => (marks.find(([n, t]) => n === name && t > t0)?.[1] ?? Number.NaN) - t0;
  const phases = {
    received: at('unet:image-received'),
    ready: at('unet:session-ready'),
    rendered: at('unet:image-rendered'),
    painted: at('unet:image-painted'),
  };
  console.log(
    `  4096² open: data received ${phases.received.toFixed(0)} ms, session ${phases.ready.toFixed(0)} ms, LUT rendered ${phases.rendered.toFixed(0)} ms, painted ${phases.painted.toFixed(0)} ms`,
  );
  return phases.painted;
}

/** rAF intervals (ms) over `ms` of no input: the machine's frame-rate floor for comparison. */
async function idleFrames(page: Page, ms: number): Promise<number[]> {
  const frames = (await page.evaluate(`new Promise((done) => {
    const frames = [];
    const end = performance.now() + ${ms};
    const loop = (t) => {
      frames.push(t);
      if (t < end) requestAnimationFrame(loop);
      else done(frames);
    };
    requestAnimationFrame(loop);
  })`)) as number[];
  return frames.slice(1).map((t, i) => t - frames[i]);
}

/** One scripted zigzag stroke across the canvas; returns rAF intervals and work per frame (ms). */
async function strokeFrames(page: Page): Promise<{ intervals: number[]; work: number[] }> {
  const box = (await page.getByTestId('canvas').boundingBox())!;
  await startFrameProbe(page);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx - 300, cy - 200);
  await page.mouse.down();
  for (let k = 0; k < 6; k++) {
    await page.mouse.move(cx + 300, cy - 200 + k * 70 + 35, { steps: 30 });
    await page.mouse.move(cx - 300, cy - 200 + (k + 1) * 70, { steps: 30 });
  }
  await page.mouse.up();
  await page.waitForTimeout(100);
  const { frames, samples } = await stopFrameProbe(page);
  const first = samples[0]?.start ?? 0;
  const last = samples.length ? samples[samples.length - 1].start : 0;
  const inStroke = frames.filter((t) => t >= first && t <= last + 20);
  const intervals = inStroke.slice(1).map((t, i) => t - inStroke[i]);
  const work = inStroke
    .slice(1)
    .map((t, i) =>
      samples.filter((s) => s.start >= inStroke[i] && s.start < t).reduce((a, s) => a + s.ms, 0),
    );
  return { intervals, work };
}

const dir = mkdtempSync(join(tmpdir(), 'unet-ui-bench-'));
const server = await startStudioServer();
const browser = await launchBrowser();
try {
  const small = join(dir, 'em-2048.tif');
  const large = join(dir, 'em-4096.tif');
  await writeTiff(small, {
    width: 2048,
    height: 2048,
    channels: 1,
    bitDepth: 16,
    data: syntheticImage(2048),
  });
  await writeTiff(large, {
    width: 4096,
    height: 4096,
    channels: 1,
    bitDepth: 16,
    data: syntheticImage(4096),
  });
  const page = await newPage(browser);
  await page.goto(server.url);
  await createProject(page, join(server.workspace, 'bench-project'), 'UI bench');
  await page.getByTestId('import-input').setInputFiles([small, large]);
  await waitPainted(page); // the first import (2048) opens by itself
  await page.locator('[data-testid="image-item"]').nth(1).waitFor({ timeout: 60_000 });

  const firstPaint: number[] = [];
  for (let r = 0; r < runs; r++) {
    await page.reload();
    await waitPainted(page); // reload reopens the first image; the 4096 one is not loaded yet
    firstPaint.push(await openImage(page, 'em-4096'));
  }

  await page.reload();
  await waitPainted(page);
  const intervals: number[] = [];
  const work: number[] = [];
  const idle: number[] = [];
  for (let r = 0; r < runs; r++) {
    idle.push(...(await idleFrames(page, 2000)));
    const f = await strokeFrames(page);
    intervals.push(...f.intervals);
    work.push(...f.work);
    await page.keyboard.press('Control+z');
  }
  // The same stroke with the pick tool (no painting): the cost of input and UI alone.
  await page.keyboard.press('i');
  const hover: number[] = [];
  for (let r = 0; r < runs; r++) hover.push(...(await strokeFrames(page)).intervals);
  await page.keyboard.press('b');

  const rows = [
    {
      measure: 'brush frame interval (rAF), 2048² 16-bit',
      p50_ms: percentile(intervals, 50),
      p95_ms: percentile(intervals, 95),
      n: intervals.length,
      goal: 'p95 < 16 ms (60 Hz frame = 16.7)',
    },
    {
      measure: 'same stroke, pick tool (no paint)',
      p50_ms: percentile(hover, 50),
      p95_ms: percentile(hover, 95),
      n: hover.length,
      goal: 'baseline',
    },
    {
      measure: 'idle frame interval (rAF, no input)',
      p50_ms: percentile(idle, 50),
      p95_ms: percentile(idle, 95),
      n: idle.length,
      goal: 'baseline',
    },
    {
      measure: 'app work per frame, 2048² 16-bit',
      p50_ms: percentile(work, 50),
      p95_ms: percentile(work, 95),
      n: work.length,
      goal: 'p95 < 16 ms',
    },
    {
      measure: 'open -> first paint, 4096² 16-bit TIFF',
      p50_ms: percentile(firstPaint, 50),
      p95_ms: Math.max(...firstPaint),
      n: firstPaint.length,
      goal: '< 1500 ms',
    },
  ];
  let slide: Awaited<ReturnType<typeof benchSlide>>['slide'] | null = null;
  if (slideSide > 0) {
    const result = await benchSlide(page, dir, slideSide, runs);
    rows.push(...result.rows);
    slide = result.slide;
  }
  printTable(rows);
  console.log('(p95 of first paint = worst run; headless Chromium, --disable-gpu, noisy shared machine)');
  const path = writeResults('ui', { runs, rows, intervals, hover, idle, work, firstPaint, slide });
  console.log(`wrote ${path}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
