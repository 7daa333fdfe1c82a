import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (test/e2e/support -> ../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A running browser shell (`unet-studio serve`) on a temp workspace. */
export interface StudioServer {
  /** The URL printed by the server, token included. */
  url: string;
  origin: string;
  /** Temp folder projects may be created in (the server's --root). */
  workspace: string;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/unet-studio.mjs serve --port 0 --root <temp>` (with its own recent-projects
 * config dir) and waits for its first stdout line `U-Net Studio: <url>`. `out/renderer` must be
 * built first (scripts/e2e.mjs does). Stop it with `stop()`; the temp folder is removed.
 */
export async function startStudioServer(
  opts: { project?: string; timeoutMs?: number } = {},
): Promise<StudioServer> {
  const workspace = mkdtempSync(join(tmpdir(), 'unet-e2e-'));
  // E2E_SERVE_ENTRY: another entry taking the same arguments after `serve` (debugging only).
  const entry = process.env.E2E_SERVE_ENTRY
    ? ['--import', 'tsx', process.env.E2E_SERVE_ENTRY]
    : ['bin/unet-studio.mjs'];
  const args = [...entry, 'serve', '--port', '0', '--root', workspace];
  if (opts.project) args.push('--project', opts.project);
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, UNET_STUDIO_CONFIG_DIR: join(workspace, '.config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test runner that exits without calling stop() must not leave the server running.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(
      () => fail(new Error(`serve printed no URL within ${opts.timeoutMs ?? 60_000} ms\nstderr:\n${err}`)),
      opts.timeoutMs ?? 60_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^U-Net Studio: (http:\/\/\S+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code} before printing its URL\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(workspace, { recursive: true, force: true });
  };
  return { url, origin: new URL(url).origin, workspace, stderr: () => err, stop };
}
