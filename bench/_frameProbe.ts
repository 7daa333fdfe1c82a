// The renderer's frame probe for the UI benches: rAF timestamps plus the perf probe's samples of
// app work (pointer and wheel handling, tile and label drawing), recorded while an action runs;
// and opening an image, timed from the click.
import type { Page } from 'playwright-core';

/** Perf-probe samples: the kind of work, when it started and how long it took (ms). */
export interface ProbeSample {
  name: string;
  start: number;
  ms: number;
}

/** Starts recording rAF timestamps and perf-probe samples in the page. */
export async function startFrameProbe(page: Page): Promise<void> {
  // A string, not a function: tsx's keepNames would inject a `__name` helper the page lacks.
  await page.evaluate(`(() => {
    const w = window;
    w.unetPerfProbe.samples = [];
    w.unetPerfProbe.enabled = true;
    w.__frames = [];
    const loop = (t) => {
      w.__frames.push(t);
      if (w.unetPerfProbe.enabled) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  })()`);
}

/** Stops recording; returns the frame timestamps and the samples taken since the start. */
export async function stopFrameProbe(page: Page): Promise<{ frames: number[]; samples: ProbeSample[] }> {
  return (await page.evaluate(`(() => {
    window.unetPerfProbe.enabled = false;
    return { frames: window.__frames, samples: window.unetPerfProbe.samples };
  })()`)) as { frames: number[]; samples: ProbeSample[] };
}

/**
 * Clicks an image in the list and waits until its canvas reports a painted frame; returns the
 * page's clock at the click (ms), to measure the app's performance marks from.
 */
export async function openAndWaitPainted(page: Page, imageId: string | null): Promise<number> {
  const t0 = (await page.evaluate(`(() => {
    const t = performance.now();
    document.querySelector('[data-image-id="${imageId}"]').click();
    return t;
  })()`)) as number;
  await page
    .locator(`[data-testid="canvas"][data-image-id="${imageId}"][data-painted="yes"]`)
    .waitFor({ timeout: 60_000 });
  return t0;
}
