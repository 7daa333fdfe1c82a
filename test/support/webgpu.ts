import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDawn } from '../../src/engine/backend/index';

/** Chromium's SwiftShader: a software Vulkan driver (Debian: `apt-get install chromium libvulkan1`). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Makes sure the WebGPU tests have an adapter, in this process and the children it starts: the
 * machine's GPU where its driver offers one, else SwiftShader where Chromium installed it (the
 * Vulkan loader reads VK_ICD_FILENAMES on each instance, so setting it here is enough). Without
 * either it throws one line naming what to install: the WebGPU tests fail rather than skip, on a
 * developer's machine as in CI. Returns the adapter's description.
 */
export async function requireWebGpuAdapter(): Promise<string> {
  // SwiftShader's window-system code complains on stderr when this is unset; it needs nothing there.
  process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'xdg-runtime-'));
  let found = await probe();
  if (found === null && process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    found = await probe();
  }
  if (found === null) {
    throw new Error(
      `No WebGPU adapter for the WebGPU tests: install a GPU driver with Vulkan, or Chromium's software one (apt-get install chromium libvulkan1, which provides ${SWIFTSHADER_ICD}).`,
    );
  }
  return found;
}

async function probe(): Promise<string | null> {
  const dawn = await loadDawn();
  const adapter = await dawn.create([]).requestAdapter({ powerPreference: 'high-performance' });
  return adapter === null
    ? null
    : `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`;
}
