import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predictionFiles, writePng } from '../../src/engine/index';
import { screenshot } from './support/browser';
import { useShell } from './support/shell';
import { createProject, importImages, waitSaved } from './support/workstation';

const SIZE = 64;

/** Two nuclei pressed together (centres 11 px apart, radius 7), brighter in the centre. */
function pressedPair(k: number): { image: Uint8Array; ids: Uint16Array } {
  const centres = [
    [26 + k, 32],
    [37 + k, 32],
  ];
  const image = new Uint8Array(SIZE * SIZE);
  const ids = new Uint16Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = centres.map(([cx, cy]) => Math.hypot(x - cx, y - cy) / 7);
      const near = d[0] <= d[1] ? 0 : 1;
      const inside = d[near] <= 1;
      ids[y * SIZE + x] = inside ? near + 1 : 0;
      image[y * SIZE + x] = inside ? Math.round(230 - 110 * d[near] ** 2) : 40 + ((x * 7 + y * 13) % 11);
    }
  }
  return { image, ids };
}

/**
 * Object borders from the browser: the training form's checkbox reaches the run, the runs table
 * and the model list say so, and the model's predictions are background/foreground with the
 * interior stored beside them (what splits touching objects in the app's objects and exports).
 */
describe('training a model that learns object borders, in the browser shell', () => {
  const shell = useShell();

  it('asks for "Split touching objects", trains, and predicts foreground with the interior', async () => {
    const { server, page, api } = shell;
    const images = join(server.workspace, 'pairs');
    const masks = join(server.workspace, 'pair-masks');
    mkdirSync(images, { recursive: true });
    mkdirSync(masks, { recursive: true });
    const files: string[] = [];
    for (const k of [0, 1]) {
      const { image, ids } = pressedPair(k * 3);
      files.push(join(images, `pair${k}.png`));
      await writePng(files[k], { width: SIZE, height: SIZE, channels: 1, bitDepth: 8, data: image });
      await writePng(join(masks, `pair${k}.png`), {
        width: SIZE,
        height: SIZE,
        channels: 1,
        bitDepth: 16,
        data: ids,
      });
    }
    await page.goto(server.url);
    const projectDir = join(server.workspace, 'borders');
    await createProject(page, projectDir, 'Borders');
    const ids = await importImages(page, files);
    await page.getByTestId('mask-import-folder-input').setInputFiles(masks);
    await page.getByTestId('mask-import-report').waitFor();
    expect(await page.getByTestId('mask-import-report').textContent()).toContain(
      '2 mask(s) imported, 4 objects',
    );
    await waitSaved(page);

    await page.getByTestId('mode-train').click();
    await page.locator('[data-testid="train-image"]:checked').nth(1).waitFor();
    await page.getByTestId('train-val').fill('0.5');
    await page.getByTestId('train-advanced').locator('summary').click();
    const choice = page.getByTestId('train-object-borders');
    // The fast preset decides from the labels unless told; here the user asks for it outright.
    expect(await choice.inputValue()).toBe('');
    expect(await choice.locator('option:checked').textContent()).toBe(
      'automatic: when labelled objects touch',
    );
    await choice.selectOption('on');
    const settings: Record<string, string> = {
      tileSize: '124',
      baseFilters: '4',
      depth: '3',
      steps: '12',
      validateEverySteps: '6',
    };
    for (const [key, value] of Object.entries(settings)) await page.getByTestId(`train-${key}`).fill(value);
    await screenshot(page, 'object-borders-1-form');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="live-run"][data-status="done"]').waitFor({ timeout: 240_000 });
    await screenshot(page, 'object-borders-2-done');
    expect(await page.getByTestId('runs-table').textContent()).toMatch(/object borders/);

    const models = await api.listModels();
    expect(models.ok).toBe(true);
    const model = models.ok ? models.value.find((m) => m.kind === 'best') : undefined;
    expect(model?.objectBorders).toBe(true);
    expect(model?.classes).toBe(2);
    expect(model?.label).toMatch(/object borders/);

    await page.getByTestId('mode-export').click();
    await page.getByTestId('export-model').selectOption(model!.modelId);
    await page.getByTestId('predict-project').click();
    await page.locator('[data-testid="predict-job"][data-status="done"]').waitFor({ timeout: 120_000 });
    for (const imageId of ids) {
      const prediction = await api.getPrediction(model!.modelId, imageId);
      expect(prediction.ok).toBe(true);
      if (!prediction.ok) continue;
      expect(prediction.value.classCount).toBe(2);
      expect([...new Set(prediction.value.classes)].every((c) => c === 0 || c === 1)).toBe(true);
      expect(existsSync(predictionFiles(projectDir, model!.modelId, imageId).interior)).toBe(true);
    }
  }, 420_000);
});
