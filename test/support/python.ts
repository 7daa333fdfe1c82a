import { spawnSync } from 'node:child_process';

/** Runs a python script with arguments; returns stdout lines, throwing with stderr on failure. */
export function runPython(python: string, script: string, args: string[] = []): string[] {
  const run = spawnSync(python, ['-W', 'ignore', '-c', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python failed (${run.status}):\n${run.stderr}`);
  return run.stdout.trim().split('\n');
}
