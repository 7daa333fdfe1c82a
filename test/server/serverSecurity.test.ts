import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/shared/apiCodec';
import { type Harness, startHarness, upgradeStatus } from './serverHarness';

let h: Harness;
let staticDir: string;
beforeAll(async () => {
  h = await startHarness();
  staticDir = join(h.root, 'no-build');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>UI</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(h.root, 'secret.txt'), 'top secret');
});
afterAll(async () => {
  await h.stop();
});

const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(`${h.server.origin}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : Buffer.from(body),
    headers,
  });

interface ErrorBody {
  ok: boolean;
  error: { code: string; message: string };
}
const errorOf = async (response: Response) => (await response.json()) as ErrorBody;

describe('browser shell security', () => {
  it('binds loopback and prints a URL with a 64-hex-digit token', () => {
    expect(h.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('answers 401 without a valid token on every path, the API and the WebSocket', async () => {
    for (const path of [
      '/',
      '/index.html',
      '/assets/app.js',
      '/nope',
      '/api/getProject',
      '/api/appInfo?token=wrong',
    ]) {
      const response = await fetch(`${h.server.origin}${path}`);
      expect([path, response.status]).toEqual([path, 401]);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await errorOf(response)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    const badBearer = await post('/api/appInfo', '[]', {
      'content-type': 'application/json',
      authorization: `Bearer ${h.server.token.slice(0, -1)}x`,
    });
    expect(badBearer.status).toBe(401);
    const wsUrl = `${h.server.origin.replace('http', 'ws')}/api/events`;
    expect(await upgradeStatus(wsUrl)).toBe(401);
    expect(await upgradeStatus(`${wsUrl}?token=${'0'.repeat(64)}`)).toBe(401);
    expect(await upgradeStatus(`${wsUrl}?token=${h.server.token}`)).toBe(101);
    expect(await upgradeStatus(wsUrl, { cookie: `unet_studio_token=${h.server.token}` })).toBe(101);
  });

  it('sets an HttpOnly SameSite=Strict cookie on the first request with the token; the cookie then suffices', async () => {
    const first = await fetch(h.server.url);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toBe(
      `unet_studio_token_${h.server.port}=${h.server.token}; HttpOnly; SameSite=Strict; Path=/`,
    );
    expect(first.headers.get('content-security-policy')).toContain("default-src 'self'");
    const pair = cookie.split(';')[0];
    // Another server's cookie next to ours (cookies ignore ports) does not get in the way.
    const both = `unet_studio_token_1=${'f'.repeat(64)}; ${pair}`;
    expect((await fetch(`${h.server.origin}/`, { headers: { cookie: both } })).status).toBe(200);
    expect(
      (
        await fetch(`${h.server.origin}/`, {
          headers: { cookie: `unet_studio_token_1=${h.server.token.slice(1)}` },
        })
      ).status,
    ).toBe(401);
    const second = await fetch(`${h.server.origin}/index.html`, { headers: { cookie: pair } });
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('<title>UI</title>');
    const api = await post('/api/appInfo', '[]', { 'content-type': 'application/json', cookie: pair });
    expect(api.status).toBe(200);
  });

  it('refuses static paths that escape the UI folder', async () => {
    const auth = { authorization: `Bearer ${h.server.token}` };
    // Encoded slashes survive URL parsing and reach the file resolver: refused.
    for (const path of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const response = await fetch(`${h.server.origin}${path}`, { headers: auth });
      const text = await response.text();
      expect([path, response.status]).toEqual([path, path.includes('%5c') ? 404 : 403]);
      expect(text).not.toContain('top secret');
    }
    // Plain and dot-encoded `..` are folded by URL parsing to the UI root: not found there.
    for (const path of ['/%2e%2e/secret.txt', '/../secret.txt']) {
      const response = await fetch(`${h.server.origin}${path}`, { headers: auth });
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.text()).not.toContain('top secret');
    }
  });

  it('rejects malformed requests with 400 and a schema error', async () => {
    const auth = { authorization: `Bearer ${h.server.token}` };
    const wrongType = await post('/api/openProject', '[42]', { ...auth, 'content-type': 'application/json' });
    expect(wrongType.status).toBe(400);
    const body = await errorOf(wrongType);
    expect(body).toMatchObject({ ok: false, error: { code: 'schema' } });
    expect(body.error.message).toContain('openProject');
    const notJson = await post('/api/openProject', '[42', { ...auth, 'content-type': 'application/json' });
    expect([notJson.status, (await errorOf(notJson)).error.code]).toEqual([400, 'schema']);
    const garbageFrame = await post('/api/openProject', new Uint8Array([9, 9, 9, 9, 9]), {
      ...auth,
      'content-type': 'application/octet-stream',
    });
    expect([garbageFrame.status, (await errorOf(garbageFrame)).error.code]).toEqual([400, 'schema']);
    const badPatch = await post(
      '/api/saveAnnotationPatch',
      encodeFrame([
        'img_000000000000',
        { x: 0, y: 0, w: 2, h: 2, classes: new Uint8Array(3), instances: new Uint16Array(4) },
      ]),
      { ...auth, 'content-type': 'application/octet-stream' },
    );
    expect([badPatch.status, (await errorOf(badPatch)).error.code]).toEqual([400, 'schema']);
    const unknown = await post('/api/deleteEverything', '[]', {
      ...auth,
      'content-type': 'application/json',
    });
    expect(unknown.status).toBe(404);
    const getOnApi = await fetch(`${h.server.origin}/api/appInfo`, { headers: auth });
    expect(getOnApi.status).toBe(405);
  });

  it('keeps project folders and imports inside the allowed folders', async () => {
    const outside = await h.api.createProject(join(h.root, 'elsewhere'), 'x');
    expect(outside).toMatchObject({ ok: false, error: { code: 'forbidden_path' } });
    const traversal = await h.api.openProject(join(h.root, 'work', '..', '..'));
    expect(traversal).toMatchObject({ ok: false, error: { code: 'forbidden_path' } });
    const created = await h.api.createProject(join(h.root, 'work', 'p'), 'p');
    expect(created.ok).toBe(true);
    const escaped = await h.api.importImages([join(h.root, 'work', 'p', '..', '..', 'secret.txt')]);
    expect(escaped).toMatchObject({ ok: false, error: { code: 'forbidden_path' } });
    const badId = await post('/api/getThumbnail', '["../../secret.txt"]', {
      authorization: `Bearer ${h.server.token}`,
      'content-type': 'application/json',
    });
    expect([badId.status, (await errorOf(badId)).error.code]).toEqual([400, 'schema']);
  });

  it('limits request bodies', async () => {
    const { startStudioServer } = await import('../../src/server/index');
    const small = await startStudioServer({ service: h.service, staticDir, port: 0, maxBodyBytes: 1000 });
    try {
      const response = await fetch(`${small.origin}/api/uploadImage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${small.token}`, 'content-type': 'application/octet-stream' },
        body: Buffer.from(encodeFrame(['a.png', new Uint8Array(5000)])),
      });
      expect([response.status, (await errorOf(response)).error.code]).toEqual([413, 'too_large']);
    } finally {
      await small.close();
    }
  });
});
