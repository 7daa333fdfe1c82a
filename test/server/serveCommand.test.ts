import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/index';

const cli = join(__dirname, '..', '..', 'bin', 'unet-studio.mjs');
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-serve-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function run(args: string[]): {
  child: ChildProcess;
  stdout: Promise<string>;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, UNET_STUDIO_CONFIG_DIR: join(root, 'config') },
  });
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const stdout = new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out);
    });
    child.on('exit', () => resolve(out));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout, stderr: () => err, exit };
}

describe('unet-studio serve', () => {
  it('prints the token URL as its first line, guards it, opens --project and releases the lock on SIGTERM', async () => {
    const dir = join(root, 'proj');
    await (await Project.create(dir, 'Served')).close();
    const server = run(['serve', '--port', '0', '--project', dir]);
    const first = (await server.stdout).split('\n')[0];
    const match = /^U-Net Studio: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]{64})$/.exec(first);
    expect(match, `${first}\n${server.stderr()}`).not.toBeNull();
    const [, origin, token] = match!;
    expect((await fetch(`${origin}/`)).status).toBe(401);
    const project = await fetch(`${origin}/api/getProject`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '[]',
    });
    expect(project.status).toBe(200);
    expect(existsSync(join(dir, '.unet-studio.lock'))).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(existsSync(join(dir, '.unet-studio.lock'))).toBe(false);
  });

  it('refuses a bad port with a clear error and exit code 1', async () => {
    const bad = run(['serve', '--port', 'eighty']);
    expect(await bad.exit).toBe(1);
    expect(bad.stderr()).toContain('error (invalid_argument): --port must be a whole number');
  });
});
