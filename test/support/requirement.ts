import { spawnSync } from 'node:child_process';
import { it } from 'vitest';

/** True under CI (`CI=true` or `CI=1`, as CI services set it): nothing may be skipped there. */
export const IN_CI = /^(1|true)$/i.test(process.env.CI ?? '');

/** Something outside the repository a test needs (a tool, a Python module, an OS feature). */
export interface Requirement {
  met: boolean;
  /** What is needed, e.g. `python3 with numpy`. */
  what: string;
  /** How to get it, e.g. `apt-get install python3-numpy`. */
  install: string;
}

type TestBody = () => unknown;

/**
 * `it`, for a test that needs `requirement`. Met: an ordinary test. Missing under CI: the test
 * runs and fails, saying what is missing and how to install it. Missing elsewhere (a
 * developer's machine without that tool): the test is skipped with the same reason in its
 * title and on stderr, never silently.
 */
export function itNeeds(
  requirement: Requirement,
): (name: string, body: TestBody, timeoutMs?: number) => void {
  return (name, body, timeoutMs) => {
    if (requirement.met) {
      it(name, body, timeoutMs);
      return;
    }
    const reason = `needs ${requirement.what}: ${requirement.install}`;
    if (IN_CI) {
      it(name, () => {
        throw new Error(`${reason} (under CI=true no test is skipped)`);
      });
      return;
    }
    process.stderr.write(`skipped "${name}": ${reason}\n`);
    it.skip(`${name} [skipped: ${reason}]`, body);
  };
}

/**
 * A python3 that imports every one of `modules` (`python` is its command), or an unmet
 * requirement naming the Debian packages that provide them.
 */
export function pythonWith(modules: string[], aptPackages: string[]): Requirement & { python: string } {
  const python = ['python3', '/usr/bin/python3'].find(
    (exe) => spawnSync(exe, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0,
  );
  return {
    met: python !== undefined,
    python: python ?? 'python3',
    what: `python3 with ${modules.join(', ')}`,
    install: `apt-get install ${aptPackages.join(' ')}`,
  };
}
