// Whether the bundled CLI in out/cli (scripts/build-cli.mjs) may run: only while every source
// file it was built from still has the size and modification time recorded in its manifest.
import { readFileSync, statSync } from 'node:fs';

/**
 * The URL of the bundle's entry under `outDir` when its manifest matches the sources under
 * `root` (both file URLs of folders, with a trailing slash), else null: no bundle, an
 * unreadable manifest, or a source changed, grown, shrunk or gone since the build.
 */
export function currentBundle(outDir, root) {
  try {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', outDir), 'utf8'));
    for (const [path, built] of Object.entries(manifest.sources)) {
      const now = statSync(new URL(path, root));
      if (now.size !== built.size || now.mtimeMs !== built.mtimeMs) return null;
    }
    return new URL(manifest.entry, outDir);
  } catch {
    return null;
  }
}
