import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { StudioApi } from '../../src/shared/api';
import { REPO_ROOT } from './cli';
import { nodeApiClient } from './nodeApiClient';

/** A `unet-studio serve` child process and an HTTP client for it. */
export interface ServeProcess {
  child: ChildProcess;
  origin: string;
  token: string;
  api: StudioApi;
  /** stderr so far (for failure messages). */
  stderr(): string;
  /** Resolves when the process has exited (exit code, or the signal that ended it). */
  exited: Promise<number | string>;
}

/** The outcome of starting `serve`: running (with its URL) or exited before printing one. */
export type ServeStart = { running: ServeProcess } | { exited: { code: number | string; stderr: string } };

/**
 * Starts `node bin/unet-studio.mjs serve --project DIR --port 0 ...extra` and waits for the URL
 * line (or the exit). `env` is added to this process's environment (e.g. a private
 * UNET_STUDIO_CONFIG_DIR). The caller ends it (`child.kill`).
 */
export function startServe(
  projectDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<ServeStart> {
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'unet-studio.mjs'), 'serve', '--project', projectDir, '--port', '0', ...extra],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return new Promise((resolve) => {
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /U-Net Studio: (http:\/\/[^/\s]+)\/\?token=([0-9a-f]+)/.exec(stdout);
      if (match === null) return;
      const [, origin, token] = match;
      const api = nodeApiClient(origin, token, { events: false });
      resolve({ running: { child, origin, token, api, stderr: () => stderr, exited } });
    });
    void exited.then((code) => resolve({ exited: { code, stderr } }));
  });
}

/** `startServe` for tests that need it running: rejects with the exit code and stderr otherwise. */
export async function startServeRunning(
  projectDir: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const start = await startServe(projectDir, extra, env);
  if (!('running' in start)) throw new Error(`serve exited ${start.exited.code}: ${start.exited.stderr}`);
  return start.running;
}
