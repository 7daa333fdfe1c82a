import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { StudioService } from '../app/index';
import { WS_EVENTS_PATH } from '../shared/api';
import { DEFAULT_MAX_BODY_BYTES, handleApiRequest } from './apiRoute';
import { sendJson } from './responses';
import { serveStatic } from './staticFiles';
import { authenticate, newToken, tokenCookie } from './tokenAuth';

export interface StudioServerOptions {
  service: StudioService;
  /** Folder of the built renderer (out/renderer). */
  staticDir: string;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; 0 = a free one. */
  port?: number;
  /** Session token (tests inject one); default 32 random bytes. */
  token?: string;
  maxBodyBytes?: number;
}

export interface StudioServer {
  /** `http://host:port/?token=...`: the URL to open. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const unauthorized = {
  ok: false,
  error: {
    code: 'unauthorized',
    message: 'A valid token is required: open the URL that `unet-studio serve` printed.',
  },
};

/**
 * The browser shell: the built UI and the API (`POST /api/<method>`) over HTTP, events over a
 * WebSocket at `/api/events`. Every request, on any path and the WebSocket upgrade, needs the
 * token (URL `?token=`, then the HttpOnly cookie it sets, or `Authorization: Bearer`); else
 * 401. No CORS headers are ever sent.
 */
export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const token = options.token ?? newToken();
  const host = options.host ?? '127.0.0.1';
  const { service } = options;
  let boundPort: number | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const source = authenticate(request, url, token);
    if (source === null) {
      sendJson(response, 401, unauthorized, { 'www-authenticate': 'Bearer' });
      request.resume();
      return;
    }
    if (source === 'query') response.setHeader('set-cookie', tokenCookie(token, boundPort));
    if (url.pathname.startsWith('/api/')) {
      await handleApiRequest(
        service.handlers,
        url.pathname.slice(5),
        request,
        response,
        options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      );
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendJson(response, 405, { ok: false, error: { code: 'schema', message: 'Only GET for files' } });
      return;
    }
    await serveStatic(options.staticDir, url.pathname, response);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      process.stderr.write(
        `[server] ${request.url}: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      if (!response.headersSent)
        sendJson(response, 500, { ok: false, error: { code: 'internal', message: 'Server error' } });
      else response.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (authenticate(request, url, token) === null || url.pathname !== WS_EVENTS_PATH) {
      const status = url.pathname === WS_EVENTS_PATH ? '401 Unauthorized' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => {
      const unsubscribe = service.subscribe((message) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
      });
      client.on('close', unsubscribe);
      client.on('message', () => {
        /* events flow one way; anything sent by the page is ignored */
      });
      // A protocol error (e.g. a message over maxPayload) closes this socket; without a listener
      // the 'error' event would be thrown and end the whole server.
      client.on('error', () => client.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  boundPort = port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
