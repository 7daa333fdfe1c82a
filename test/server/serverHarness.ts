import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { StudioService } from '../../src/app/index';
import { type StudioServer, startStudioServer } from '../../src/server/index';
import type { StudioApi } from '../../src/shared/api';
import { nodeApiClient } from '../support/nodeApiClient';
import { createTestService } from '../support/testService';

/** A browser shell on a free loopback port over a fresh temp workspace, and a client for it. */
export interface Harness {
  root: string;
  server: StudioServer;
  service: StudioService;
  api: StudioApi;
  stop(): Promise<void>;
}

export async function startHarness(staticDir?: string): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'unet-server-'));
  const service = createTestService(root, join(root, 'work'));
  const server = await startStudioServer({
    service,
    staticDir: staticDir ?? join(root, 'no-build'),
    port: 0,
  });
  const api = nodeApiClient(server.origin, server.token);
  return {
    root,
    server,
    service,
    api,
    stop: async () => {
      await server.close();
      await service.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Opens a WebSocket and resolves with the HTTP status of a refused upgrade, or 101 when open. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => resolve(-1));
  });
}
