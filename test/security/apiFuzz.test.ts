import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src/shared/api';
import { encodeFrame } from '../../src/shared/apiCodec';
import { type Harness, startHarness } from '../server/serverHarness';

// Seeded fuzzing of every API method over HTTP with malformed arguments: each must be answered
// with an expected error (schema / not found / ...), never an 'internal' bug or a dead server.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const created = await h.api.createProject(join(h.root, 'work', 'fuzz'), 'fuzz');
  expect(created.ok).toBe(true);
});
afterAll(async () => {
  await h.stop();
});

/** A random JSON-ish value: the shapes a confused or hostile client might send. */
function randomValue(rng: () => number, depth = 0): unknown {
  const pick = Math.floor(rng() * (depth > 2 ? 7 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return [0, -1, 1e308, -0.5, 2 ** 53, Number.MAX_SAFE_INTEGER][Math.floor(rng() * 6)];
    case 3:
      return ['', '../..', '/etc/passwd', 'img_000000000000', 'x'.repeat(5000), '\u0000', '%2e%2e'][
        Math.floor(rng() * 7)
      ];
    case 4:
      return new Uint8Array(Math.floor(rng() * 64));
    case 5:
      return new Uint16Array(Math.floor(rng() * 16));
    case 6:
      return { x: -5, y: 1e9, w: 0, h: 3, classes: 'abc' };
    case 7:
      return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(rng() * 4) }, (_, i) => [`k${i}`, randomValue(rng, depth + 1)]),
      );
  }
}

describe('API fuzz', () => {
  it('every method answers malformed arguments with an expected error, never a bug', async () => {
    const rng = seedrandom('h7-fuzz');
    const bugs: string[] = [];
    let answered = 0;
    for (const method of API_METHODS) {
      for (let round = 0; round < 12; round++) {
        const args = Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng));
        const response = await fetch(`${h.server.origin}/api/${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${h.server.token}`, 'content-type': 'application/octet-stream' },
          body: Buffer.from(encodeFrame(args)),
        });
        const body = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: { code: string } };
        answered++;
        if (response.status >= 500 || body.error?.code === 'internal') {
          bugs.push(
            `${method}(${JSON.stringify(args).slice(0, 120)}) -> ${response.status} ${body.error?.code}`,
          );
        }
      }
    }
    expect(bugs).toEqual([]);
    expect(answered).toBe(API_METHODS.length * 12);
    // Still serving (argument-free calls such as closeProject may have closed the project).
    expect((await h.api.appInfo()).ok).toBe(true);
    expect((await h.api.openProject(join(h.root, 'work', 'fuzz'))).ok).toBe(true);
  });
});
