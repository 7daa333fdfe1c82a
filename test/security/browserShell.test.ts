import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStudioServer } from '../../src/server/index';
import { encodeFrame } from '../../src/shared/apiCodec';
import { CORPUS_DIR } from '../bad-input/make-corpus';
import { type Harness, startHarness, upgradeStatus } from '../server/serverHarness';

// Attacks on the browser shell, each from outside: a page in another
// origin, a process on the same machine without the token, a hand-made request.

let h: Harness;
let ui: string;
beforeAll(async () => {
  h = await startHarness();
  ui = join(h.root, 'ui');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>UI</title>');
  await writeFile(join(h.root, 'secret.txt'), 'TOP SECRET');
});
afterAll(async () => {
  await h.stop();
});

const ALLOW_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
];

function expectNoCors(response: Response, where: string): void {
  for (const name of ALLOW_HEADERS)
    expect([where, name, response.headers.get(name)]).toEqual([where, name, null]);
}

const bearer = () => ({ authorization: `Bearer ${h.server.token}` });
const json = (method: string, args: unknown, headers: Record<string, string> = bearer()) =>
  fetch(`${h.server.origin}/api/${method}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });

/** Every non-loopback IPv4 address of this machine. */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

describe('browser shell: who can connect', () => {
  it('listens on loopback only by default: another interface of this machine is refused', async () => {
    expect(h.server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const address of externalAddresses()) {
      const error = await fetch(`http://${address}:${h.server.port}/`).then(
        () => null,
        (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
      );
      expect([address, error]).toEqual([address, 'ECONNREFUSED']);
    }
  });

  it('wrong tokens of the same length and of other lengths are all 401, on files, API and WebSocket', async () => {
    const token = h.server.token;
    const flipped = `${token.slice(0, 10)}${token[10] === 'a' ? 'b' : 'a'}${token.slice(11)}`;
    const wrong = [flipped, token.slice(0, -1), `${token}0`, '', 'x', token.toUpperCase()];
    expect(flipped).toHaveLength(token.length);
    for (const candidate of wrong) {
      const tag = `token "${candidate.slice(0, 12)}..." (${candidate.length} chars)`;
      const q = encodeURIComponent(candidate);
      const attempts = [
        fetch(`${h.server.origin}/?token=${q}`),
        fetch(`${h.server.origin}/index.html`, { headers: { authorization: `Bearer ${candidate}` } }),
        fetch(`${h.server.origin}/index.html`, { headers: { cookie: `unet_studio_token=${q}` } }),
        json('getProject', [], { authorization: `Bearer ${candidate}` }),
        json('getProject', [], { cookie: `unet_studio_token=${q}` }),
      ];
      for (const response of await Promise.all(attempts)) {
        expect([tag, response.status]).toEqual([tag, 401]);
        expect(response.headers.get('set-cookie')).toBeNull();
        expectNoCors(response, tag);
        expect(await response.text()).not.toContain('<title>UI</title>');
      }
      const ws = `${h.server.origin.replace('http', 'ws')}/api/events`;
      expect([tag, await upgradeStatus(`${ws}?token=${q}`)]).toEqual([tag, 401]);
      expect([tag, await upgradeStatus(ws, { authorization: `Bearer ${candidate}` })]).toEqual([tag, 401]);
    }
  });

  it('sends no CORS header anywhere, preflight included, so no other origin can read answers', async () => {
    const origin = { origin: 'http://evil.example' };
    const preflight = {
      ...origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    };
    const responses: [string, Response][] = [
      [
        'OPTIONS api, no token',
        await fetch(`${h.server.origin}/api/getProject`, { method: 'OPTIONS', headers: preflight }),
      ],
      [
        'OPTIONS api, token',
        await fetch(`${h.server.origin}/api/getProject`, {
          method: 'OPTIONS',
          headers: { ...preflight, ...bearer() },
        }),
      ],
      [
        'OPTIONS /, token',
        await fetch(`${h.server.origin}/`, { method: 'OPTIONS', headers: { ...preflight, ...bearer() } }),
      ],
      ['GET /, token', await fetch(`${h.server.origin}/`, { headers: { ...origin, ...bearer() } })],
      ['POST api, token', await json('appInfo', [], { ...origin, ...bearer() })],
      ['POST api, no token', await json('appInfo', [], origin)],
      [
        'GET missing, token',
        await fetch(`${h.server.origin}/nope.js`, { headers: { ...origin, ...bearer() } }),
      ],
    ];
    for (const [where, response] of responses) {
      expectNoCors(response, where);
      expect([where, response.status < 300 && where.startsWith('OPTIONS')]).toEqual([where, false]);
    }
  });

  it('closes an event socket that is sent an oversized message (1009), the server stays up', async () => {
    const ws = new WebSocket(`${h.server.origin.replace('http', 'ws')}/api/events?token=${h.server.token}`);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => resolve());
      ws.on('error', reject);
    });
    const code = await new Promise<number>((resolve) => {
      ws.on('close', (closeCode) => resolve(closeCode));
      ws.on('error', () => undefined);
      ws.send(new Uint8Array(1024 * 1024));
    });
    expect(code).toBe(1009);
    expect((await json('appInfo', [])).status).toBe(200);
  });

  it('refuses an oversized body from its declared length, before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${h.server.origin}/api/uploadImage`, {
        method: 'POST',
        headers: {
          ...bearer(),
          'content-type': 'application/octet-stream',
          'content-length': String(2 ** 40),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write(new Uint8Array(1024));
    });
    expect(status).toBe(413);
  });
});

describe('browser shell: what a caller with the token can reach', () => {
  it('refuses static paths outside the UI folder, however encoded, and symlinks out of it', async () => {
    await symlink(join(h.root, 'secret.txt'), join(ui, 'assets', 'leak.txt'));
    const server = await startStudioServer({ service: h.service, staticDir: ui, port: 0 });
    try {
      for (const path of [
        '/..%2fsecret.txt',
        '/%2e%2e%2fsecret.txt',
        '/%2e%2e%5csecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/%252e%252e%252fsecret.txt',
        `/${encodeURIComponent(join(h.root, 'secret.txt'))}`,
        '/..%00/secret.txt',
        '/assets/leak.txt',
      ]) {
        const response = await fetch(`${server.origin}${path}`, {
          headers: { authorization: `Bearer ${server.token}` },
        });
        const body = await response.text();
        expect([path, body.includes('TOP SECRET')]).toEqual([path, false]);
        expect([path, response.status >= 400]).toEqual([path, true]);
      }
    } finally {
      await server.close();
    }
  });

  it('refuses project folders and image paths outside the workspace: .., absolute, symlinks', async () => {
    const work = join(h.root, 'work');
    const outside = join(h.root, 'outside');
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'cell.png'), await readFile(join(CORPUS_DIR, 'good.png')));
    await mkdir(work, { recursive: true });
    await symlink(outside, join(work, 'link-out'));

    const refused = async (method: string, args: unknown[]) => {
      const response = await json(method, args);
      const body = (await response.json()) as { ok: boolean; error?: { code: string } };
      return [method, JSON.stringify(args), response.status, body.error?.code];
    };
    const forbidden = (method: string, args: unknown[]) => [
      method,
      JSON.stringify(args),
      403,
      'forbidden_path',
    ];
    for (const args of [
      [join(work, '..', 'outside', 'p'), 'p'],
      ['/tmp/unet-h7-elsewhere', 'p'],
      [join(work, 'link-out', 'p'), 'p'],
    ]) {
      expect(await refused('createProject', args)).toEqual(forbidden('createProject', args));
    }
    expect(await refused('openProject', [join(work, 'link-out')])).toEqual(
      forbidden('openProject', [join(work, 'link-out')]),
    );

    const created = await json('createProject', [join(work, 'p'), 'p']);
    expect(created.status).toBe(200);
    await symlink(join(outside, 'cell.png'), join(work, 'p', 'cell-link.png'));
    for (const path of [
      join(work, 'p', 'cell-link.png'),
      join(outside, 'cell.png'),
      join(work, 'p', '..', '..', 'outside', 'cell.png'),
      join(work, 'p', '%2e%2e', '..', '..', 'secret.txt'),
      '/etc/passwd',
    ]) {
      expect(await refused('importImages', [[path]])).toEqual(forbidden('importImages', [[path]]));
    }
    // Image ids are tokens, never paths.
    for (const id of ['../../secret', '/etc/passwd', 'img_000000000000/../x', '%2e%2e%2fsecret']) {
      const response = await json('getThumbnail', [id]);
      expect([
        id,
        response.status,
        ((await response.json()) as { error: { code: string } }).error.code,
      ]).toEqual([id, 400, 'schema']);
    }
  });

  it('answers schema-invalid requests with 400 schema, naming the method', async () => {
    const patch = { x: 0, y: 0, w: 2, h: 2, classes: new Uint8Array(4), instances: new Uint16Array(4) };
    const bad: [string, Uint8Array | string][] = [
      ['openProject', '[]'],
      ['openProject', '["a", "b"]'],
      ['openProject', '{"dir": "x"}'],
      ['createProject', '[null, "x"]'],
      ['updateClasses', '[[{"id": 0, "name": "x", "color": "red"}]]'],
      ['saveAnnotationPatch', encodeFrame(['img_000000000000', { ...patch, x: -1 }])],
      ['saveAnnotationPatch', encodeFrame(['img_000000000000', { ...patch, w: 1e9 }])],
      ['saveAnnotationPatch', encodeFrame(['img_000000000000', { ...patch, classes: [1, 2, 3, 4] }])],
      ['getAnnotation', '[42]'],
    ];
    for (const [method, body] of bad) {
      const response = await fetch(`${h.server.origin}/api/${method}`, {
        method: 'POST',
        headers: {
          ...bearer(),
          'content-type': typeof body === 'string' ? 'application/json' : 'application/octet-stream',
        },
        body: typeof body === 'string' ? body : Buffer.from(body),
      });
      const result = (await response.json()) as { ok: boolean; error: { code: string; message: string } };
      const tag = `${method} ${typeof body === 'string' ? body : 'frame'}`;
      expect([tag, response.status, result.ok, result.error.code]).toEqual([tag, 400, false, 'schema']);
      expect(result.error.message).toContain(method);
    }
  });
});
