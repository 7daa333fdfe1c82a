import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
});
