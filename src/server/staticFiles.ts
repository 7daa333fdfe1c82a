import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { sendJson } from './responses';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Content-Security-Policy of the served UI: only this origin (its WebSocket included), no
 * inline scripts, no framing. Sent as a header on every static response.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MISSING_BUILD = `<!doctype html><meta charset="utf-8"><title>U-Net Studio</title>
<h1>U-Net Studio: the user interface is not built yet</h1>
<p>Run <code>npm run build</code> in the project folder, then start <code>unet-studio serve</code> again.</p>`;

/**
 * Serves a file of the built renderer (`root` = out/renderer). `/` is index.html; a path
 * that escapes `root` (`..`, encoded or not) -> 403 'forbidden_path'; missing -> 404. Without
 * a build, `/` explains how to make one.
 */
export async function serveStatic(root: string, pathname: string, response: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendJson(response, 400, { ok: false, error: { code: 'schema', message: `Malformed path ${pathname}` } });
    return;
  }
  const wanted = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = normalize(join(root, wanted));
  const rel = relative(root, file);
  if (decoded.includes('\0') || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    sendJson(response, 403, {
      ok: false,
      error: { code: 'forbidden_path', message: `The path ${pathname} lies outside the app folder.` },
    });
    return;
  }
  const headers = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    // A symlink inside the UI folder must not serve a file from outside it.
    const realRel = relative(await realpath(root), await realpath(file));
    if (realRel.startsWith(`..${sep}`) || isAbsolute(realRel)) {
      sendJson(response, 403, {
        ok: false,
        error: { code: 'forbidden_path', message: `The path ${pathname} lies outside the app folder.` },
      });
      return;
    }
    const body = await readFile(file);
    response.writeHead(200, {
      ...headers,
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    });
    response.end(body);
  } catch {
    if (wanted === 'favicon.ico') {
      // Browsers ask for it on their own; no icon is not an error worth a console line.
      response.writeHead(204, headers);
      response.end();
      return;
    }
    if (wanted === 'index.html') {
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      response.end(MISSING_BUILD);
      return;
    }
    sendJson(response, 404, { ok: false, error: { code: 'not_found', message: `No file ${pathname}` } });
  }
}
