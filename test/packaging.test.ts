import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const require = createRequire(import.meta.url);
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8'));

describe('packaging (electron-builder)', () => {
  it('the configuration passes electron-builder’s own schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util/out/DebugLogger');
    await expect(
      validateConfiguration({ ...config, $schema: undefined }, new DebugLogger(false)),
    ).resolves.toBeUndefined();
    // And it does reject a broken one, so the check above means something.
    await expect(
      validateConfiguration({ linux: { category: 42 }, noSuchOption: true }, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('targets AppImage + deb, nsis and dmg with the app icon', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
    const icon = decode(readFileSync(join(root, config.icon)));
    expect(icon.width).toBeGreaterThanOrEqual(512);
    expect(icon.width).toBe(icon.height);
  });

  it('the bundle holds the build output, not sources or tests', () => {
    const out = execFileSync(process.execPath, ['scripts/dist-check.mjs'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('electron-builder.json: valid');
    expect(out).toMatch(/out\/main\/index\.js/);
    expect(out).toMatch(/out\/preload\/index\.cjs/);
    expect(out).not.toMatch(/\n {2}src\//);
    expect(out).not.toMatch(/\.test\./);
  });

  it('packs only the target platform’s Dawn binary of the webgpu package, unpacked from the asar', () => {
    // electron-builder's own node_modules filter: the exclude patterns of `files` plus the
    // platform's, with ${arch} expanded, applied as it copies a dependency (fileMatcher.js).
    const { FileMatcher, getNodeModuleFileMatcher } = require('app-builder-lib/out/fileMatcher');
    const dep = join(root, 'node_modules', 'webgpu');
    const files = [
      'index.js',
      ...(readdirSync(join(dep, 'dist'), { recursive: true }) as string[])
        .map((f) => join('dist', f).replaceAll('\\', '/'))
        .filter((f) => statSync(join(dep, f)).isFile()),
    ];
    const packed = (platform: 'linux' | 'win' | 'mac', arch: string): string[] => {
      const expand = (pattern: string) => pattern.replace(/\$\{arch\}/g, arch);
      const packager = { config, debugLogger: { isEnabled: false } };
      const main = getNodeModuleFileMatcher(root, '/app', expand, config[platform], packager);
      const filter = new FileMatcher(dep, '/app/node_modules/webgpu', expand, main.patterns).createFilter();
      return files.filter((f) =>
        filter(join(dep, f), { isDirectory: () => false, moduleFullFilePath: `node_modules/webgpu/${f}` }),
      );
    };
    const platforms = new Set(files.filter((f) => f.startsWith('dist/')).map((f) => f.split('/')[1]));
    expect([...platforms].sort()).toEqual([
      'darwin-universal',
      'linux-arm64',
      'linux-x64',
      'win32-arm64',
      'win32-x64',
    ]);
    for (const [platform, arch, folder] of [
      ['linux', 'x64', 'linux-x64'],
      ['linux', 'arm64', 'linux-arm64'],
      ['win', 'x64', 'win32-x64'],
      ['mac', 'universal', 'darwin-universal'],
      ['mac', 'arm64', 'darwin-universal'],
    ] as const) {
      const kept = packed(platform, arch);
      expect(
        kept.filter((f) => f.startsWith('dist/')),
        `${platform} ${arch}`,
      ).toEqual(files.filter((f) => f.startsWith(`dist/${folder}/`)));
      expect(kept).toContain(`dist/${folder}/dawn.node`);
      expect(kept).toContain('index.js'); // the package itself stays
    }
    // Dawn's addon (and on Windows the DirectX compiler DLLs beside it) must be real files.
    expect(config.asarUnpack).toContain('**/node_modules/webgpu/dist/**');
  });
});
