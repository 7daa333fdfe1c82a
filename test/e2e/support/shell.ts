import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { StudioApi } from '../../../src/shared/api';
import { nodeApiClient } from '../../support/nodeApiClient';
import { launchBrowser, newPage } from './browser';
import { type StudioServer, startStudioServer } from './studioServer';

/** A browser shell, a page on it (60 s timeouts) and an API client to read back what it saved. */
export interface Shell {
  server: StudioServer;
  browser: Browser;
  page: Page;
  api: StudioApi;
  stop(): Promise<void>;
}

export async function startShell(): Promise<Shell> {
  const server = await startStudioServer();
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await newPage(browser);
    page.setDefaultTimeout(60_000);
    const api = nodeApiClient(server.origin, new URL(server.url).searchParams.get('token'), {
      events: false,
    });
    const opened = browser;
    return {
      server,
      browser,
      page,
      api,
      stop: async () => {
        await opened.close();
        await server.stop();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.stop();
    throw e;
  }
}

/**
 * The shell of the enclosing `describe`: started before its tests, stopped after them. Its
 * fields are there once the tests run (read them inside `it`).
 */
export function useShell(): Shell {
  const shell = {} as Shell;
  beforeAll(async () => {
    Object.assign(shell, await startShell());
  });
  afterAll(async () => {
    await shell.stop?.();
  });
  return shell;
}
