// The slide part of `npm run bench -- ui`: a side x side 16-bit slide (a tiled BigTIFF with its
// pyramid, made by code) opened in the browser shell: open -> first painted frame, the app's
// work per frame while panning and wheel-zooming (renderer perf probe: pointer and wheel
// handling, tile and label drawing), and the renderer's JS heap afterwards.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitPainted } from '../test/e2e/support/workstation';
import { writeSlideTiff } from '../test/fixtures/slideTiff';
import { percentile } from './_common';
import { openAndWaitPainted, startFrameProbe, stopFrameProbe } from './_frameProbe';

/** Work per rAF interval (ms) while `act` runs, from the perf probe. */
async function frameWork(
  page: Page,
  act: () => Promise<void>,
): Promise<{ intervals: number[]; work: number[]; byName: Record<string, number[]> }> {
  await startFrameProbe(page);
  await act();
  await page.waitForTimeout(200);
  const { frames, samples } = await stopFrameProbe(page);
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  const inFrame = (i: number, t: number) => samples.filter((s) => s.start >= frames[i] && s.start < t);
  const work = frames.slice(1).map((t, i) => inFrame(i, t).reduce((a, s) => a + s.ms, 0));
  // The same per frame, by kind of work (which part costs what).
  const byName: Record<string, number[]> = {};
  for (const name of new Set(samples.map((s) => s.name))) {
    byName[name] = frames
      .slice(1)
      .map((t, i) => inFrame(i, t).reduce((a, s) => a + (s.name === name ? s.ms : 0), 0));
  }
  return { intervals, work, byName };
}

/** Imports the slide, then measures; returns the bench rows. */
export async function benchSlide(page: Page, dir: string, side: number, runs: number) {
  const path = join(dir, `slide-${side}.tif`);
  const made = performance.now();
  await writeSlideTiff(path, side, side, 16);
  console.log(`  ${side}² 16-bit slide written in ${((performance.now() - made) / 1000).toFixed(1)} s`);
  await page.getByTestId('import-input').setInputFiles([path]);
  const item = page.locator('[data-testid="image-item"]', { hasText: `slide-${side}` });
  await item.waitFor({ timeout: 600_000 });
  const id = await item.getAttribute('data-image-id');
  const firstPaint: number[] = [];
  for (let r = 0; r < runs; r++) {
    await page.reload();
    await waitPainted(page); // the reload reopens another image; the slide is not loaded yet
    const t0 = await openAndWaitPainted(page, id);
    await page.waitForTimeout(200);
    const painted = (await page.evaluate(
      `performance.getEntriesByName('unet:image-painted').map((m) => m.startTime)`,
    )) as number[];
    firstPaint.push((painted.find((t) => t > t0) ?? Number.NaN) - t0);
  }
  const box = (await page.getByTestId('canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const work: number[] = [];
  const intervals: number[] = [];
  const byName: Record<string, number[]> = {};
  for (let r = 0; r < runs; r++) {
    const zoom = await frameWork(page, async () => {
      await page.mouse.move(cx, cy);
      for (let k = 0; k < 40; k++) await page.mouse.wheel(0, -120); // in towards full resolution
      for (let k = 0; k < 20; k++) await page.mouse.wheel(0, 120);
    });
    const pan = await frameWork(page, async () => {
      await page.mouse.move(cx, cy);
      await page.mouse.down({ button: 'middle' });
      for (let k = 0; k < 4; k++) {
        await page.mouse.move(cx - 400, cy - 250, { steps: 30 });
        await page.mouse.move(cx + 400, cy + 250, { steps: 30 });
      }
      await page.mouse.up({ button: 'middle' });
    });
    for (const f of [zoom, pan]) {
      work.push(...f.work);
      intervals.push(...f.intervals);
      for (const [name, values] of Object.entries(f.byName))
        byName[name] = [...(byName[name] ?? []), ...values];
    }
    await page.keyboard.press('0'); // fit again
  }
  const heap = (await page.evaluate(
    `(performance.memory ? performance.memory.usedJSHeapSize : NaN)`,
  )) as number;
  console.log(`  renderer JS heap after pan/zoom: ${(heap / 2 ** 20).toFixed(0)} MiB`);
  for (const [name, values] of Object.entries(byName)) {
    console.log(`  pan/zoom work per frame, ${name}: p95 ${percentile(values, 95).toFixed(2)} ms`);
  }
  return {
    rows: [
      {
        measure: `open -> first paint, ${side}² 16-bit slide`,
        p50_ms: percentile(firstPaint, 50),
        p95_ms: Math.max(...firstPaint),
        n: firstPaint.length,
        goal: '< 1500 ms',
      },
      {
        measure: `app work per frame, pan + zoom ${side}²`,
        p50_ms: percentile(work, 50),
        p95_ms: percentile(work, 95),
        n: work.length,
        goal: 'p95 < 4 ms',
      },
      {
        measure: `frame interval (rAF), pan + zoom ${side}²`,
        p50_ms: percentile(intervals, 50),
        p95_ms: percentile(intervals, 95),
        n: intervals.length,
        goal: 'report',
      },
    ],
    slide: { side, firstPaint, work, byName, intervals, heapBytes: heap },
  };
}
