import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Creates a project through the project screen and waits for the workstation. */
export async function createProject(page: Page, dir: string, name: string): Promise<void> {
  await page.getByTestId('project-name').fill(name);
  await page.getByTestId('project-dir').fill(dir);
  await page.getByTestId('create-project').click();
  await page.getByTestId('image-list').waitFor();
}

/** Imports files with the file input (the browser path) and waits until the image is painted. */
export async function importImages(page: Page, files: string[]): Promise<void> {
  await page.getByTestId('import-input').setInputFiles(files);
  await waitPainted(page);
}

/** Waits until the shown image is painted and its saved labels are loaded (tools work). */
export async function waitPainted(page: Page): Promise<void> {
  await page
    .locator('[data-testid="canvas"][data-painted="yes"][data-labels="ready"]')
    .waitFor({ timeout: 60_000 });
}

/** The canvas transform: client = (left + x + imageX * scale, top + y + imageY * scale). */
export async function canvasTransform(
  page: Page,
): Promise<{ left: number; top: number; x: number; y: number; scale: number }> {
  const canvas = page.getByTestId('canvas');
  const box = await canvas.boundingBox();
  expect(box).not.toBeNull();
  const attr = async (n: string) => Number(await canvas.getAttribute(n));
  return {
    left: box!.x,
    top: box!.y,
    x: await attr('data-offset-x'),
    y: await attr('data-offset-y'),
    scale: await attr('data-scale'),
  };
}

/** Drags the left button along image points (one mouse move per point, `steps` samples each). */
export async function dragImage(page: Page, points: { x: number; y: number }[], steps = 8): Promise<void> {
  const t = await canvasTransform(page);
  const client = (p: { x: number; y: number }) => ({
    x: t.left + t.x + p.x * t.scale,
    y: t.top + t.y + p.y * t.scale,
  });
  const first = client(points[0]);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of points.slice(1)) {
    const c = client(p);
    await page.mouse.move(c.x, c.y, { steps });
  }
  await page.mouse.up();
}

/** Waits until autosave reports everything written. */
export async function waitSaved(page: Page): Promise<void> {
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 30_000 });
}
