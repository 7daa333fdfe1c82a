import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { useShell } from './support/shell';
import { canvasTransform, clickImage, createProject, importImages, waitSaved } from './support/workstation';

const W = 96;
const H = 64;

/** A 16-bit field (~3000 +- noise) with two bright cells (~21000 and ~26000): raw units matter. */
function fixture(): Uint16Array {
  let seed = 5;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed / 2 ** 31 - 0.5) * 1600;
  };
  return Uint16Array.from({ length: W * H }, (_, i) => {
    const x = (i % W) + 0.5;
    const y = Math.floor(i / W) + 0.5;
    const a = (x - 30) ** 2 + (y - 30) ** 2 <= 12 ** 2;
    const b = (x - 70) ** 2 + (y - 36) ** 2 <= 8 ** 2;
    return Math.round((a ? 21000 : b ? 26000 : 3000) + noise());
  });
}

/** 4-connected pixels within `tolerance` of the seed's value, by a plain breadth-first search. */
function bruteFill(data: Uint16Array, sx: number, sy: number, tolerance: number): Set<number> {
  const v = data[sy * W + sx];
  const out = new Set([sy * W + sx]);
  const queue = [[sx, sy]];
  while (queue.length > 0) {
    const [x, y] = queue.shift() as number[];
    for (const [nx, ny] of [
      [x + 1, y],
      [x - 1, y],
      [x, y + 1],
      [x, y - 1],
    ]) {
      const i = ny * W + nx;
      if (nx < 0 || ny < 0 || nx >= W || ny >= H || out.has(i) || Math.abs(data[i] - v) > tolerance) continue;
      out.add(i);
      queue.push([nx, ny]);
    }
  }
  return out;
}

async function hoverImage(page: Page, p: { x: number; y: number }): Promise<void> {
  const t = await canvasTransform(page);
  await page.mouse.move(t.left + t.x + p.x * t.scale, t.top + t.y + p.y * t.scale, { steps: 4 });
}

describe('the Fill preview shows what a click fills', () => {
  const shell = useShell();

  it('previews a cell in raw 16-bit units, fills exactly it, and says when Shift is needed', async () => {
    const { server, page, api } = shell;
    const data = fixture();
    const file = join(server.workspace, 'cells16.png');
    writeFileSync(file, encode({ width: W, height: H, data, depth: 16, channels: 1 }));
    await page.goto(server.url);
    await createProject(page, join(server.workspace, 'fp'), 'Fill preview');
    const [id] = await importImages(page, [file]);
    await page.keyboard.press('f');
    const tolerance = Number(await page.getByTestId('fill-tolerance').inputValue());
    // 15% of the 0.5-99.5 percentile range (~2200-26800) or 3 noise sd: thousands of raw units.
    expect(tolerance).toBeGreaterThan(1000);
    expect(tolerance).toBeLessThan(10_000);

    const preview = page.getByTestId('fill-preview');
    await hoverImage(page, { x: 30.5, y: 30.5 });
    await expect.poll(() => preview.getAttribute('data-needs-shift')).toBe('no');
    const want = bruteFill(data, 30, 30, tolerance);
    await expect.poll(async () => Number(await preview.getAttribute('data-area'))).toBe(want.size);
    const text = (await preview.textContent()) ?? '';
    expect(text).toContain(`Click fills ${want.size} px`);
    expect(text).toContain(`tolerance ±${tolerance} raw 16-bit values`);
    await screenshot(page, 'fill-preview-1-cell');

    // The background is one region over most of the image: the preview says Shift is needed.
    await hoverImage(page, { x: 5.5, y: 58.5 });
    await expect.poll(() => preview.getAttribute('data-needs-shift')).toBe('yes');
    expect(await preview.textContent()).toMatch(/% of the image\).*Shift-click to fill it anyway/);
    await screenshot(page, 'fill-preview-2-needs-shift');

    // Moving the tolerance moves the preview under a still pointer.
    await hoverImage(page, { x: 70.5, y: 36.5 });
    const small = bruteFill(data, 70, 36, tolerance);
    await expect.poll(async () => Number(await preview.getAttribute('data-area'))).toBe(small.size);
    await page.getByTestId('fill-tolerance').fill('300');
    const tight = bruteFill(data, 70, 36, 300);
    expect(tight.size).toBeLessThan(small.size);
    await expect.poll(async () => Number(await preview.getAttribute('data-area'))).toBe(tight.size);
    await page.getByTestId('fill-tolerance').fill(String(tolerance));

    // Click the first cell: the saved label is the previewed region, pixel for pixel.
    await hoverImage(page, { x: 30.5, y: 30.5 });
    await expect.poll(async () => Number(await preview.getAttribute('data-area'))).toBe(want.size);
    await clickImage(page, { x: 30.5, y: 30.5 });
    await waitSaved(page);
    await screenshot(page, 'fill-preview-3-filled');
    const saved = await api.getAnnotation(id);
    if (!saved.ok) throw new Error(saved.error.message);
    const labelled = new Set<number>();
    saved.value.classes.forEach((c, i) => {
      if (c !== 0) labelled.add(i);
    });
    expect(labelled).toEqual(want);
    expect(new Set([...want].map((i) => saved.value.classes[i]))).toEqual(new Set([2]));

    // Background: Shift-click fills it once; hovering it again says a click changes nothing.
    await page.getByTestId('class-background').click();
    await hoverImage(page, { x: 5.5, y: 58.5 });
    await expect.poll(() => preview.getAttribute('data-needs-shift')).toBe('yes');
    await clickImage(page, { x: 5.5, y: 58.5 }, { shift: true });
    await hoverImage(page, { x: 6.5, y: 57.5 });
    await expect.poll(() => preview.getAttribute('data-unchanged')).toBe('yes');
    expect(await preview.textContent()).toMatch(/Already background here .*: a click changes nothing/);
    await screenshot(page, 'fill-preview-4-background-done');
  });
});
