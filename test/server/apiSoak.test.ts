import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { Project } from '../../src/engine/index';
import { emPairs } from '../support/emData';
import { itNeeds } from '../support/requirement';
import { startServeRunning } from '../support/serveProcess';

const CALLS = 1000;
/** The served process's resident size is read from /proc. */
const procFs = { met: existsSync('/proc/self/status'), what: 'Linux /proc', install: 'run it on Linux' };

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-soak-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('API soak', () => {
  itNeeds(procFs)(`${CALLS} API calls against the served process keep its memory flat`, async () => {
    const dir = join(root, 'proj');
    const setup = await Project.create(dir, 'Soak');
    const [slice] = emPairs([1], root);
    const [image] = await setup.importBytes('1.png', new Uint8Array(await readFile(slice.image)));
    await setup.close();
    const server = await startServeRunning(dir, [], { UNET_STUDIO_CONFIG_DIR: join(root, 'config') });
    const { api } = server;
    try {
      const samples: number[] = [];
      for (let call = 0; call < CALLS; call++) {
        const x = (call * 37) % 480;
        const results = [
          () => api.getProject(),
          () => api.getImagePixels(image.id),
          () => api.getAnnotation(image.id),
          () =>
            api.saveAnnotationPatch(image.id, {
              x,
              y: x,
              w: 32,
              h: 32,
              classes: new Uint8Array(32 * 32).fill(1 + (call % 2)),
              instances: new Uint16Array(32 * 32).fill(call % 2 === 0 ? 0 : 1 + (call % 50)),
            }),
          () => api.getThumbnail(image.id),
          () => api.appInfo(),
          () => api.getRecentProjects(),
          () => api.getProject(),
          () => api.getThumbnail(image.id),
          () => api.openProject('/definitely/not/allowed'),
        ];
        const kind = call % results.length;
        const result = await results[kind]();
        // The last kind is a refused path: an error Result, which must not leak either.
        expect(result.ok).toBe(kind !== results.length - 1);
        if ((call + 1) % 100 === 0) samples.push(await rssBytes(server.child.pid!));
      }
      // After warm-up (JIT, caches, first image decode) the resident size stays put.
      const settled = samples[2];
      const last = Math.max(...samples.slice(-3));
      const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
      console.log(`server RSS every 100 calls (MiB): ${samples.map(mb).join(' ')}`);
      expect(mb(last - settled)).toBeLessThan(40);
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});
