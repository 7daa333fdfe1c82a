import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layer walls (docs/ARCHITECTURE.md), checked on the source text: who may import whom.
//   shared    the API contract (api*.ts) and plain data (errors, jobs, schemas, imageData)
//   engine    computation and on-disk formats; imports shared's plain data only
//   app       the use cases behind the API table; imports engine/index and shared
//   shells    main, server, cli: import app/index (and the CLI engine/index) only
const root = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(
    /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    specs.push(m[1] ?? m[2]);
  }
  return specs;
}

function offenders(dir: string, forbidden: (spec: string) => boolean): string[] {
  return sourceFiles(join(root, dir)).flatMap((file) =>
    importsOf(file)
      .filter(forbidden)
      .map((spec) => `${relative(root, file)} imports ${spec}`),
  );
}

const isUi = (s: string) =>
  s === 'electron' || s === 'react' || s.startsWith('react-') || s.includes('konva');

describe('layer walls', () => {
  it('the engine, app, CLI and server never import Electron, React or Konva', () => {
    expect(offenders('src/engine', isUi)).toEqual([]);
    expect(offenders('src/app', isUi)).toEqual([]);
    expect(offenders('src/cli', isUi)).toEqual([]);
    expect(offenders('src/server', isUi)).toEqual([]);
  });

  it('the shared contract is plain TypeScript: no node:, electron, DOM libraries or tfjs', () => {
    expect(
      offenders(
        'src/shared',
        (s) =>
          s.startsWith('node:') ||
          s.startsWith('@tensorflow') ||
          isUi(s) ||
          (s.startsWith('.') === false && !['zod'].includes(s)),
      ),
    ).toEqual([]);
  });

  it('the renderer reaches the main side only through src/shared', () => {
    expect(
      offenders(
        'src/renderer',
        (s) => /(^|\/)(engine|main|server|cli)(\/|$)/.test(s) || s.startsWith('node:') || s === 'electron',
      ),
    ).toEqual([]);
  });

  it('shells import the engine through engine/index (or its model-free part, engine/core) only', () => {
    const deep = (s: string) => /\/engine\/(?!(index|core)$)/.test(s);
    expect([
      ...offenders('src/cli', deep),
      ...offenders('src/server', deep),
      ...offenders('src/main', deep),
    ]).toEqual([]);
  });

  it('engine/core, the CLI entry and its evaluate and weightmap commands never load a model runtime', () => {
    // The walk finds a runtime where there is one: the full engine loads TF.js.
    expect(packagesLoadedBy(join(root, 'src/engine/index.ts'))).toContain('@tensorflow/tfjs');
    for (const entry of [
      'src/engine/core.ts',
      'src/cli/main.ts',
      'src/cli/commands/evaluate.ts',
      'src/cli/commands/weightmap.ts',
    ]) {
      const runtimes = [...packagesLoadedBy(join(root, entry))].filter((p) =>
        /^(@tensorflow\/|onnxruntime)/.test(p),
      );
      expect([entry, runtimes]).toEqual([entry, []]);
    }
  });

  it('the engine imports neither the app, the shells nor the API contract', () => {
    const outward = (s: string) =>
      /(^|\/)(app|main|server|cli|preload|renderer)(\/|$)/.test(s) ||
      /(^|\/)shared(\/api[A-Za-z]*|\/index)?$/.test(s);
    expect(offenders('src/engine', outward)).toEqual([]);
  });

  it("shared's plain data never imports the API contract (so the engine cannot reach it through them)", () => {
    const plain = sourceFiles(join(root, 'src/shared')).filter(
      (f) => !/[/\\](api[A-Za-z]*|index)\.ts$/.test(f),
    );
    const found = plain.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^\.\/api[A-Za-z]*$/.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(plain.length).toBeGreaterThan(3);
    expect(found).toEqual([]);
  });

  it('the app imports the engine through engine/index only, and never a shell', () => {
    const wrong = (s: string) =>
      /\/engine\/(?!index$)/.test(s) || /(^|\/)(main|server|cli|preload|renderer)(\/|$)/.test(s);
    expect(offenders('src/app', wrong)).toEqual([]);
  });

  it('shells reach the app through app/index only; Electron and the server never call the engine', () => {
    const deepApp = (s: string) => /\/app\/(?!index$)/.test(s);
    expect([
      ...offenders('src/cli', deepApp),
      ...offenders('src/server', deepApp),
      ...offenders('src/main', deepApp),
    ]).toEqual([]);
    const engine = (s: string) => /(^|\/)engine\//.test(s);
    expect([...offenders('src/main', engine), ...offenders('src/server', engine)]).toEqual([]);
  });
});

/**
 * Packages a module loads at import time, following its static imports through the repository
 * (type-only imports are erased and dynamic `import()` runs only when called, so neither counts).
 */
function packagesLoadedBy(file: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
  if (seen.has(file)) return packages;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    const spec = m[1];
    if (!spec.startsWith('.')) {
      packages.add(spec);
      continue;
    }
    const base = join(dirname(file), spec);
    const target = [`${base}.ts`, join(base, 'index.ts'), base].find(
      (p) => existsSync(p) && statSync(p).isFile(),
    );
    if (target === undefined) throw new Error(`${relative(root, file)}: cannot resolve ${spec}`);
    packagesLoadedBy(target, seen, packages);
  }
  return packages;
}
