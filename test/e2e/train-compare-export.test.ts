import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApi, type StudioApi } from '../../src/shared/index';
import { type EmPair, emDataSource, emPairs } from '../support/emData';
import { launchBrowser, newPage, screenshot } from './support/browser';
import { type StudioServer, startStudioServer } from './support/studioServer';
import { createProject, importImages, waitSaved } from './support/workstation';

const NAMES = ['0', '1'];

/** 4-connected components of `mask != 0`, by breadth-first search (independent of the engine). */
function countObjects(mask: Uint8Array, w: number, h: number): { count: number; areas: number[] } {
  const seen = new Uint8Array(w * h);
  const areas: number[] = [];
  const queue = new Int32Array(w * h);
  for (let s = 0; s < w * h; s++) {
    if (!mask[s] || seen[s]) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    seen[s] = 1;
    while (head < tail) {
      const p = queue[head++];
      const x = p % w;
      for (const q of [p - w, p + w, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1]) {
        if (q >= 0 && q < w * h && mask[q] && !seen[q]) {
          seen[q] = 1;
          queue[tail++] = q;
        }
      }
    }
    areas.push(tail);
  }
  return { count: areas.length, areas };
}

/** An ISBI-style label as an annotation: 255 (cell interior) -> class 2 with one id per cell, 0 (membrane) -> class 1. */
function annotationOf(pair: EmPair) {
  const png = decode(readFileSync(pair.label));
  const n = png.width * png.height;
  const fg = new Uint8Array(n);
  for (let i = 0; i < n; i++) fg[i] = png.data[i * png.channels] > 127 ? 1 : 0;
  const classes = new Uint8Array(n).map((_, i) => (fg[i] ? 2 : 1));
  // Instance ids: the same BFS labelling, written out.
  const instances = new Uint16Array(n);
  let id = 0;
  const stack: number[] = [];
  for (let s = 0; s < n; s++) {
    if (!fg[s] || instances[s]) continue;
    instances[s] = ++id;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % png.width;
      for (const q of [p - png.width, p + png.width, x > 0 ? p - 1 : -1, x < png.width - 1 ? p + 1 : -1]) {
        if (q >= 0 && q < n && fg[q] && !instances[q]) {
          instances[q] = id;
          stack.push(q);
        }
      }
    }
  }
  return { width: png.width, height: png.height, classes, instances };
}

async function attrNumber(page: Page, testId: string, attr: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute(attr));
}

/** Polls until `read()` satisfies `ok` (Playwright-style waiting for attribute values). */
async function until<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what} (last: ${String(v)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`train, compare and export in the browser shell (${emDataSource()})`, () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let api: StudioApi;
  let pairs: EmPair[];

  beforeAll(async () => {
    server = await startStudioServer();
    pairs = emPairs(NAMES, server.workspace);
    browser = await launchBrowser();
    page = await newPage(browser, 1500, 1000);
    api = createHttpApi({
      baseUrl: server.origin,
      token: new URL(server.url).searchParams.get('token'),
      fetch: (url, init) => fetch(url, { ...init, body: init.body as Uint8Array<ArrayBuffer> }),
      openSocket: null,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('trains a tiny fast-preset run (stop, resume), predicts, compares and exports masks', async () => {
    page.setDefaultTimeout(60_000);
    try {
      await scenario();
    } catch (error) {
      await screenshot(page, 'train-compare-export-failure');
      throw error;
    }
  });

  async function scenario(): Promise<void> {
    await page.goto(server.url);
    const projectDir = join(server.workspace, 'em-project');
    await createProject(page, projectDir, 'EM train e2e');
    await importImages(
      page,
      pairs.map((p) => p.image),
    );
    // Load the labels as annotations through the API (the annotate e2e covers painting).
    const project = await api.getProject();
    expect(project.ok).toBe(true);
    const images = project.ok ? project.value!.images : [];
    expect(images.map((i) => i.name)).toEqual(['0.png', '1.png']);
    for (const [k, image] of images.entries()) {
      const a = annotationOf(pairs[k]);
      const saved = await api.saveAnnotationPatch(image.id, {
        x: 0,
        y: 0,
        w: a.width,
        h: a.height,
        classes: a.classes,
        instances: a.instances,
      });
      expect(saved.ok).toBe(true);
    }

    // Train: both images preselected (annotated); tiny settings through the advanced section.
    await page.getByTestId('mode-train').click();
    await until(
      () => page.locator('[data-testid="train-image"]:checked').count(),
      (n) => n === 2,
      'annotated images preselected',
    );
    // The form says what a run will train on, named as the engine names it.
    await until(
      () => page.getByTestId('train-backend-info').textContent(),
      (t) => /Trains on: (WebAssembly|WebGPU \(|TensorFlow)/.test(t ?? ''),
      'the training backend named',
    );
    await screenshot(page, 'train-0-form');
    await page.getByTestId('train-val').fill('0.5');
    await page.getByTestId('train-advanced').locator('summary').click();
    const settings: Record<string, string> = {
      tileSize: '124',
      baseFilters: '4',
      depth: '3',
      steps: '40',
      validateEverySteps: '5',
      checkpointEverySteps: '5',
    };
    for (const [key, value] of Object.entries(settings)) await page.getByTestId(`train-${key}`).fill(value);
    await page.getByTestId('preview-image').selectOption(images[1].id);
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="live-run"][data-status="running"]').waitFor({ timeout: 240_000 });
    const first = await until(
      () => attrNumber(page, 'loss-chart', 'data-points'),
      (n) => n >= 2,
      'first curve points',
    );
    const grown = await until(
      () => attrNumber(page, 'loss-chart', 'data-points'),
      (n) => n > first + 2,
      'the curve to grow',
    );
    expect(grown).toBeGreaterThan(first);

    // Reload the page: the run belongs to the server and keeps going; the curve is reloaded from run.jsonl.
    await page.reload();
    await page.getByTestId('mode-train').click();
    await page.locator('[data-testid="live-run"][data-status="running"]').waitFor({ timeout: 60_000 });
    await until(
      () => attrNumber(page, 'loss-chart', 'data-points'),
      (n) => n >= grown,
      'the curve after reload',
    );
    await page.getByTestId('preview-image').selectOption(images[1].id);
    await page.locator('[data-testid="preview"][data-has-prediction="yes"]').waitFor({ timeout: 120_000 });
    await screenshot(page, 'train-1-running');

    await page.getByTestId('train-stop').click();
    await page.locator('[data-testid="live-run"][data-status="stopped"]').waitFor({ timeout: 120_000 });
    // Stopping checkpoints the step reached; the resume point is that checkpoint.
    const resumeText = (await page.getByTestId('train-resume').textContent()) ?? '';
    const stoppedAt = Number(/Resume from step (\d+)/.exec(resumeText)?.[1]);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(40);
    expect(Math.abs((await attrNumber(page, 'live-run', 'data-step')) - stoppedAt)).toBeLessThanOrEqual(2);
    await screenshot(page, 'train-2-stopped');

    await page.getByTestId('train-resume').click();
    const resumedStep = await until(
      () => attrNumber(page, 'live-run', 'data-step'),
      (s) => s > stoppedAt,
      'steps after resume',
      // A new child process: tsx, the wasm backend and the data load again (slow on a busy machine).
      240_000,
    );
    expect(resumedStep).toBeGreaterThan(stoppedAt);
    await page.locator('[data-testid="live-run"][data-status="done"]').waitFor({ timeout: 180_000 });
    expect(await attrNumber(page, 'live-run', 'data-step')).toBe(40);
    await screenshot(page, 'train-3-done');

    // Predict the project's images with the run's best model, with test-time augmentation (the
    // checkbox says it costs 8x the time).
    await page.getByTestId('mode-export').click();
    await page.getByTestId('predict-tta').check();
    expect(await page.locator('label:has([data-testid="predict-tta"])').textContent()).toMatch(/8x the time/);
    await page.getByTestId('predict-project').click();
    await page.locator('[data-testid="predict-job"][data-status="done"]').waitFor({ timeout: 120_000 });
    const modelId = await page.getByTestId('export-model').inputValue();
    expect(modelId).toMatch(/^run_[0-9a-z]+\.(best|last)$/);

    // Compare: metrics per image, the side-by-side view, then the difference in a swipe.
    await page.getByTestId('mode-compare').click();
    await until(
      () => page.getByTestId('metrics-row').count(),
      (n) => n === 2,
      'two scored images',
    );
    await page.getByTestId('metrics-row').first().click();
    await page.getByTestId('compare-left').waitFor();
    await screenshot(page, 'compare-1-side-by-side');
    await page.getByTestId('left-layer').selectOption('difference');
    await page.getByTestId('layout-swipe').click();
    await page.getByTestId('compare-swipe').waitFor();
    await screenshot(page, 'compare-2-difference-swipe');

    // Export binary PNG masks + objects.csv into a folder typed in the browser.
    const exportDir = join(server.workspace, 'exported');
    await page.getByTestId('mode-export').click();
    await page.getByTestId('export-folder').fill(exportDir);
    await page.getByTestId('export-kind').selectOption('binary');
    await page.getByTestId('export-format').selectOption('png');
    // No minimum object size: the masks must equal the stored prediction pixel for pixel.
    await page.getByTestId('export-min-size').fill('0');
    await page.getByTestId('export-run').click();
    await page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    await screenshot(page, 'export-1-done');

    // Human in the loop: accept the whole prediction of image 0 into its annotation (one undoable
    // edit, autosaved), then undo it.
    await page.getByTestId('mode-compare').click();
    await page.locator(`[data-testid="metrics-row"][data-image-id="${images[0].id}"]`).click();
    await page.locator(`[data-testid="compare-viewer"][data-image-id="${images[0].id}"]`).waitFor();
    await page.getByTestId('accept-whole').click();
    await page
      .locator(`[data-testid="canvas"][data-image-id="${images[0].id}"][data-painted="yes"]`)
      .waitFor();
    await waitSaved(page);
    await screenshot(page, 'compare-3-accepted-into-annotation');
    const predicted0 = decode(
      readFileSync(join(projectDir, 'predictions', modelId, `${images[0].id}.classes.png`)),
    );
    const accepted = await api.getAnnotation(images[0].id);
    expect(accepted.ok && Array.from(accepted.value.classes)).toEqual(
      Array.from(predicted0.data, (c) => c + 1),
    );
    // Ctrl+Z on another tab leaves the annotation alone: shortcuts belong to the Annotate tab.
    await page.getByTestId('mode-compare').click();
    await page.keyboard.press('Control+z');
    await page.getByTestId('mode-annotate').click();
    await page.waitForTimeout(1000); // longer than the autosave debounce
    await waitSaved(page);
    const still = await api.getAnnotation(images[0].id);
    expect(still.ok && Array.from(still.value.classes)).toEqual(Array.from(predicted0.data, (c) => c + 1));
    await page.getByTestId('undo').click();
    const original = annotationOf(pairs[0]).classes;
    await until(
      async () => {
        const r = await api.getAnnotation(images[0].id);
        return r.ok && r.value.classes.every((c, i) => c === original[i]);
      },
      (same) => same,
      'the undo to be saved',
      30_000,
    );

    // Retrain from the model: a new run continuing its checkpoint for 4 more steps.
    await page.getByTestId('mode-train').click();
    await page.getByTestId('train-from').selectOption(modelId);
    await page.getByTestId('train-advanced').locator('summary').click();
    await page.getByTestId('train-steps').fill('4');
    await page.getByTestId('train-start').click();
    await until(
      () => page.getByTestId('run-row').count(),
      (n) => n === 2,
      'the retraining run',
    );
    const retrain = page.getByTestId('run-row').first();
    await page.locator('[data-testid="run-row"][data-status="done"]').nth(1).waitFor({ timeout: 120_000 });
    expect(await retrain.textContent()).toContain(`from ${modelId}`);
    expect(await page.getByTestId('train-step').textContent()).toBe('44 / 44');
    await screenshot(page, 'train-4-retrained');

    // Two models on the same images: predict the missing ones from the compare view, then show
    // the retrained model's prediction beside the first one's.
    const models = await api.listModels();
    const retrained = models.ok
      ? models.value.find((m) => !m.modelId.startsWith(modelId.split('.')[0]) && m.kind === 'last')
      : undefined;
    expect(retrained).toBeDefined();
    await page.getByTestId('mode-compare').click();
    await page.getByTestId('compare-model-a').selectOption(modelId);
    await page.getByTestId('compare-model-b').selectOption(retrained!.modelId);
    await page.getByTestId('compare-predict-missing').click();
    await until(
      () => page.getByTestId('compare-predict-missing').count(),
      (n) => n === 0,
      'model B predictions',
    );
    await until(
      () => page.getByTestId('metrics-set').textContent(),
      (t) => t !== null && !t.includes('–'),
      'set scores of both models',
    );
    const worst = await page.getByTestId('metrics-row').first().getAttribute('data-image-id');
    await page.getByTestId('metrics-row').first().click();
    await page.locator(`[data-testid="compare-viewer"][data-image-id="${worst}"]`).waitFor();
    expect(await page.getByTestId('right-layer').inputValue()).toBe('prediction:1');
    await page.getByTestId('compare-right').waitFor();
    await screenshot(page, 'compare-4-two-models');

    const csv = readFileSync(join(exportDir, 'objects.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'image,mask_file,width,height,objects,foreground_px,mean_object_area_px,min_object_area_px,max_object_area_px',
    );
    expect(csv).toHaveLength(3);
    for (const [k, image] of images.entries()) {
      const mask = decode(readFileSync(join(exportDir, `${NAMES[k]}.png`)));
      expect([mask.width, mask.height, mask.depth, mask.channels]).toEqual([512, 512, 8, 1]);
      const data = Uint8Array.from(mask.data);
      expect(data.every((v) => v === 0 || v === 255)).toBe(true);
      // The mask is the stored prediction (network classes 0/1) as 0/255.
      const stored = decode(
        readFileSync(join(projectDir, 'predictions', modelId, `${image.id}.classes.png`)),
      );
      expect(Array.from(data, (v) => (v ? 1 : 0))).toEqual(Array.from(stored.data));
      // Objects are the prediction's instances (touching cells split by the watershed): each id
      // lies inside the foreground, and splitting never gives fewer objects than the mask's
      // connected components (counted here independently).
      const prediction = await api.getPrediction(modelId, image.id);
      expect(prediction.ok).toBe(true);
      const instances = prediction.ok ? prediction.value.instances : new Uint16Array(0);
      const areaOf = new Map<number, number>();
      for (const [i, id] of instances.entries()) {
        if (id === 0) continue;
        expect(data[i]).toBe(255);
        areaOf.set(id, (areaOf.get(id) ?? 0) + 1);
      }
      const areas = [...areaOf.values()];
      const count = areas.length;
      expect(count).toBeGreaterThanOrEqual(countObjects(data, 512, 512).count);
      const foreground = data.reduce((sum, v) => sum + (v ? 1 : 0), 0);
      const cells = csv[k + 1].split(',');
      expect(cells.slice(0, 6)).toEqual([
        `${NAMES[k]}.png`,
        `${NAMES[k]}.png`,
        '512',
        '512',
        String(count),
        String(foreground),
      ]);
      if (count > 0) {
        expect(Number(cells[6])).toBeCloseTo(areas.reduce((a, b) => a + b, 0) / count, 2);
        expect(Number(cells[7])).toBe(Math.min(...areas));
        expect(Number(cells[8])).toBe(Math.max(...areas));
      }
    }
  }
});
