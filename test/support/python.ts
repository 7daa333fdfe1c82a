import { spawnSync } from 'node:child_process';

/**
 * The first python3 that imports every module in `modules` (Debian's /usr/bin/python3 carries
 * the apt packages python3-numpy, python3-tifffile, python3-torch), or undefined. Tests that
 * check our files with an independent reader skip without one on a developer's machine; on CI
 * (CI=true, which installs those packages) a missing module is an error, so the check never
 * silently stops running there.
 */
export function pythonWith(...modules: string[]): string | undefined {
  const found = ['/usr/bin/python3', 'python3'].find(
    (exe) => spawnSync(exe, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0,
  );
  if (found === undefined && process.env.CI === 'true') {
    throw new Error(`CI needs a python3 with ${modules.join(', ')} (apt: python3-numpy python3-tifffile)`);
  }
  return found;
}

/** Runs a python script with arguments; returns stdout lines, throwing with stderr on failure. */
export function runPython(python: string, script: string, args: string[] = []): string[] {
  const run = spawnSync(python, ['-W', 'ignore', '-c', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python failed (${run.status}):\n${run.stderr}`);
  return run.stdout.trim().split('\n');
}
