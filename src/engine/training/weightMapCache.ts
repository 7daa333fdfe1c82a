import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fsutil/index';
import type { ClassBalance, WeightMap } from '../weightmap/index';

/** Everything a weight map depends on besides the label files. */
export interface WeightMapKey {
  /** Bytes of every label file involved (class map, instance ids). */
  labelBytes: Uint8Array[];
  w0: number;
  sigma: number;
  classBalance: ClassBalance;
  numClasses: number;
  /** Object outlines as a class of their own (weightmap/objectBorders). */
  objectBorders?: boolean;
}

/** Bump when the weight-map formula or this file format changes. */
const CACHE_VERSION = 1;

/** Hex SHA-256 over the label bytes and the parameters: the cache file name. */
export function weightMapCacheKey(key: WeightMapKey): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      v: CACHE_VERSION,
      w0: key.w0,
      sigma: key.sigma,
      cb: key.classBalance,
      c: key.numClasses,
      // Absent when off, so the cache of runs without object borders keeps its keys.
      ...(key.objectBorders === true ? { ob: true } : {}),
    }),
  );
  for (const bytes of key.labelBytes) {
    hash.update(String(bytes.byteLength));
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/**
 * The weight map of an annotation, computed once and cached under `cacheDir/<key>.wmap`
 * (float32 weights, then uint8 targets). A cache file of the wrong size is recomputed.
 * `compute` is called on a miss; `cached` says whether the file was used.
 */
export async function cachedWeightMap(
  cacheDir: string,
  key: WeightMapKey,
  pixels: number,
  compute: () => WeightMap,
): Promise<{ map: WeightMap; cached: boolean }> {
  const path = join(cacheDir, `${weightMapCacheKey(key)}.wmap`);
  try {
    const bytes = await readFile(path);
    if (bytes.byteLength === pixels * 5) {
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      const weights = new Float32Array(copy.buffer, 0, pixels);
      const targets = copy.subarray(pixels * 4);
      return { map: { weights, targets }, cached: true };
    }
  } catch {
    // Missing or unreadable: compute below.
  }
  const map = compute();
  const out = new Uint8Array(pixels * 5);
  out.set(new Uint8Array(map.weights.buffer, map.weights.byteOffset, pixels * 4), 0);
  out.set(map.targets, pixels * 4);
  await writeFileAtomic(path, out);
  return { map, cached: false };
}
