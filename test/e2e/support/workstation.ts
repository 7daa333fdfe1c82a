import type { Page } from 'playwright-core';

/** Creates a project through the project screen and waits for the workstation. */
export async function createProject(page: Page, dir: string, name: string): Promise<void> {
  await page.getByTestId('project-name').fill(name);
  await page.getByTestId('project-dir').fill(dir);
  await page.getByTestId('create-project').click();
  await page.getByTestId('image-list').waitFor();
}

/**
 * Imports files with the file input (the browser path) and waits until the first new image is
 * shown, painted and its labels loaded. Returns the new images' ids.
 */
export async function importImages(page: Page, files: string[]): Promise<string[]> {
  const items = page.getByTestId('image-item');
  const before = await items.count();
  await page.getByTestId('import-input').setInputFiles(files);
  await items.nth(before + files.length - 1).waitFor({ timeout: 60_000 });
  const ids: string[] = [];
  for (let i = before; i < (await items.count()); i++)
    ids.push((await items.nth(i).getAttribute('data-image-id')) ?? '');
  await page
    .locator(`[data-testid="canvas"][data-image-id="${ids[0]}"][data-painted="yes"][data-labels="ready"]`)
    .waitFor({ timeout: 60_000 });
  return ids;
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
  if (!box) throw new Error('the canvas is not on screen');
  const attr = async (n: string) => Number(await canvas.getAttribute(n));
  return {
    left: box.x,
    top: box.y,
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

/** Clicks the image point `p` (image pixels) on the canvas, optionally with Shift held. */
export async function clickImage(
  page: Page,
  p: { x: number; y: number },
  opts: { shift?: boolean } = {},
): Promise<void> {
  const t = await canvasTransform(page);
  if (opts.shift) await page.keyboard.down('Shift');
  await page.mouse.click(t.left + t.x + p.x * t.scale, t.top + t.y + p.y * t.scale);
  if (opts.shift) await page.keyboard.up('Shift');
}
