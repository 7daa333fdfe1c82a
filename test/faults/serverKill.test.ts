import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/index';
import type { AnnotationPatch } from '../../src/shared/api';
import { type ServeProcess, startServe, startServeRunning } from '../support/serveProcess';

// Kill -9 the browser-shell server in the middle of a burst of annotation saves:
// after a restart the project opens, every label file decodes, and the labels on disk are
// exactly the last acknowledged save (or that plus the one save in flight at the kill).

const SIZE = 256;
const BAND = 8;

/** Patch k: a full-width band of rows, class 1 or 2, object id k + 1. */
function patchOf(k: number): AnnotationPatch {
  const y = (k * BAND) % SIZE;
  return {
    x: 0,
    y,
    w: SIZE,
    h: BAND,
    classes: new Uint8Array(SIZE * BAND).fill(1 + (k % 2)),
    instances: new Uint16Array(SIZE * BAND).fill(k + 1),
  };
}

/** The labels after patches 0..n-1 (computed here, independently of the project store). */
function labelsAfter(n: number): { classes: Uint8Array; instances: Uint16Array } {
  const classes = new Uint8Array(SIZE * SIZE);
  const instances = new Uint16Array(SIZE * SIZE);
  for (let k = 0; k < n; k++) {
    const y = (k * BAND) % SIZE;
    classes.fill(1 + (k % 2), y * SIZE, (y + BAND) * SIZE);
    instances.fill(k + 1, y * SIZE, (y + BAND) * SIZE);
  }
  return { classes, instances };
}

let root: string;
let dir: string;
let imageId: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-kill-'));
  dir = join(root, 'project');
  const project = await Project.create(dir, 'kill test');
  const pixels = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => (i * 31) % 256);
  const [entry] = await project.importBytes(
    'cells.png',
    encode({ width: SIZE, height: SIZE, data: pixels, depth: 8, channels: 1 }),
  );
  imageId = entry.id;
  await project.close();
});
const started: ServeProcess[] = [];
afterAll(async () => {
  // A failed assertion must not leave a server running.
  for (const server of started)
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

async function running(extra: string[] = []): Promise<ServeProcess> {
  const server = await startServeRunning(dir, extra);
  started.push(server);
  return server;
}

/** Which of `candidates` the labels equal (-1: none, e.g. new classes beside old instances). */
function matchOf(
  labels: { classes: ArrayLike<number>; instances: ArrayLike<number> },
  candidates: number[],
): { index: number; detail: string } {
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
  const expected = candidates.map((n) => labelsAfter(n));
  const index = expected.findIndex(
    (e) => same(e.classes, labels.classes) && same(e.instances, labels.instances),
  );
  const parts = expected.map(
    (e, i) =>
      `after ${candidates[i]} saves: classes ${same(e.classes, labels.classes)}, instances ${same(e.instances, labels.instances)}`,
  );
  return { index, detail: parts.join('; ') };
}

describe('kill -9 during annotation saves', () => {
  it('loses nothing acknowledged, never leaves a broken or mixed label pair, and reopens', async () => {
    let acked = 0;
    let inFlight = false;
    for (let round = 0; round <= 3; round++) {
      const server = await running();
      if (round === 0) {
        // A second instance on the same project is refused while the first runs.
        const second = await startServe(dir);
        expect('exited' in second).toBe(true);
        if ('exited' in second) {
          expect(second.exited.code).not.toBe(0);
          expect(second.exited.stderr).toMatch(/^error \(locked\): .*already open.*pid \d+/);
        }
      }
      // Reopened after the kill: the project opens (the dead process's lock is taken over) and
      // the labels are the last acknowledged save, or that plus the save in flight at the kill.
      const project = await server.api.getProject();
      expect(project.ok && project.value?.images.map((i) => i.id)).toEqual([imageId]);
      const now = await server.api.getAnnotation(imageId);
      if (!now.ok) throw new Error(`getAnnotation: ${now.error.message}`);
      const candidates = inFlight ? [acked, acked + 1] : [acked];
      const { index, detail } = matchOf(now.value, candidates);
      expect(index, `round ${round}: ${detail}`).toBeGreaterThanOrEqual(0);
      acked = candidates[index];
      if (round === 3) {
        server.child.kill('SIGTERM');
        await server.exited;
        break;
      }

      // The burst: one save at a time (as the autosaver sends them), killed at a random moment.
      const killAt = performance.now() + 150 + Math.random() * 600;
      let stopped = false;
      inFlight = false;
      const burst = (async () => {
        while (!stopped) {
          inFlight = true;
          const result = await server.api.saveAnnotationPatch(imageId, patchOf(acked));
          if (!result.ok) break; // the connection died with the server
          inFlight = false;
          acked++;
        }
      })();
      while (performance.now() < killAt) await new Promise((r) => setTimeout(r, 5));
      server.child.kill('SIGKILL');
      stopped = true;
      await burst;
      expect(await server.exited).toBe('SIGKILL');
      // Every label tile on disk is a whole PNG (staged files are never half-read).
      const names = await readdir(join(dir, 'annotations'), { recursive: true });
      const tiles = names.filter((n) => n.endsWith('.png'));
      expect(tiles.length).toBeGreaterThan(0);
      for (const name of tiles) decode(await readFile(join(dir, 'annotations', name)), { checkCrc: true });
    }
    expect(acked).toBeGreaterThan(3);
  });
});
