import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Dawn's Node bindings (the `webgpu` package): a GPU factory and the WebGPU globals. */
export interface Dawn {
  create(options: string[]): GPU;
  globals: object;
}

/** What the engine knows of a WebGPU adapter: enough to choose it, name it and size runs for it. */
export interface GpuAdapterSummary {
  /** The native API Dawn drives: 'Vulkan', 'Metal', 'D3D12', 'D3D11', 'OpenGL', ... */
  api: string;
  /** The device's own name, e.g. 'NVIDIA GeForce RTX 4090', 'Apple M2', 'SwiftShader Device (Subzero)'. */
  name: string;
  /** WebGPU's vendor and architecture strings (lower case, e.g. 'nvidia' / 'ampere'; may be empty). */
  vendor: string;
  architecture: string;
  /** A software renderer (SwiftShader, lavapipe/llvmpipe, WARP) or an adapter WebGPU marks as fallback. */
  isSoftware: boolean;
  /** The largest buffer and storage binding the adapter allows (bytes): one tensor must fit in both. */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Memory the adapter can give tensors (bytes) where it can be found out, and how it was. */
  memoryBytes?: number;
  memorySource?: string;
}

/** The label shown wherever the backend is named, e.g. 'Vulkan, NVIDIA GeForce RTX 4090'. */
export function adapterLabel(adapter: GpuAdapterSummary): string {
  return `${adapter.api}, ${adapter.name}`;
}

/** Loads Dawn's Node addon; AppErrors are the caller's business (it reports why WebGPU is off). */
export async function loadDawn(): Promise<Dawn> {
  const dawn: { create: Dawn['create']; globals: object } = await import('webgpu');
  return dawn;
}

/** Why WebGPU is off when no adapter is found. */
export const NO_ADAPTER = 'no WebGPU adapter was found (no GPU driver offering Vulkan, Metal or Direct3D 12)';

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** What describeAdapter reads of an adapter: a GPUAdapter, or the same facts from a probe. */
export interface AdapterFacts {
  info: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  /** The older place of the fallback flag (WebGPU moved it into `info`). */
  isFallbackAdapter?: boolean;
}

/**
 * Describes an adapter for choosing and naming it. WebGPU's GPUAdapterInfo carries no backend
 * and only a normalised device id, so the API and the device's own name come from Dawn's list
 * of adapters (`listed`, see parseDawnAdapterList), matched on that id; where that list is
 * empty, the platform's default API and the driver's description stand in.
 */
export async function describeAdapter(
  adapter: AdapterFacts,
  listed: { api: string; name: string }[],
): Promise<GpuAdapterSummary> {
  const info = adapter.info;
  const id = normaliseName(info.device);
  const match =
    listed.find((a) => normaliseName(a.name) === id) ?? (listed.length === 1 ? listed[0] : undefined);
  const name = match?.name ?? (info.description || info.device || 'unknown adapter');
  const summary: GpuAdapterSummary = {
    api: match?.api ?? defaultApi(),
    name,
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    isSoftware:
      info.isFallbackAdapter === true ||
      adapter.isFallbackAdapter === true ||
      SOFTWARE.test(`${name} ${info.architecture} ${info.description}`),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
  const memory = await adapterMemory(summary);
  if (memory !== null) {
    summary.memoryBytes = memory.bytes;
    summary.memorySource = memory.source;
  }
  return summary;
}

/**
 * Dawn's own list of adapters with their API and name. dawn.node has no call for it; it prints
 * the list in the error it raises when asked for an adapter by a name that matches none, which
 * is the documented way to learn the names (webgpu package README, "adapter" option).
 */
export async function listDawnAdapters(dawn: Dawn): Promise<{ api: string; name: string }[]> {
  try {
    await dawn.create([NO_SUCH_ADAPTER]).requestAdapter();
    return [];
  } catch (error) {
    return parseDawnAdapterList(error instanceof Error ? error.message : String(error));
  }
}

/** The `create` option that makes Dawn list its adapters in an error (no adapter has this name). */
export const NO_SUCH_ADAPTER = 'adapter=\u0001no adapter has this name';

/** Parses the " * backend: 'vulkan', name: '...'" lines of Dawn's adapter list. */
export function parseDawnAdapterList(message: string): { api: string; name: string }[] {
  return [...message.matchAll(/backend: '([^']+)', name: '([^']*)'/g)].map((m) => ({
    api: API_NAMES[m[1]] ?? m[1],
    name: m[2],
  }));
}

const API_NAMES: Record<string, string> = {
  vulkan: 'Vulkan',
  metal: 'Metal',
  d3d12: 'D3D12',
  d3d11: 'D3D11',
  opengl: 'OpenGL',
  opengles: 'OpenGL ES',
  null: 'null',
};

function defaultApi(): string {
  return process.platform === 'darwin' ? 'Metal' : process.platform === 'win32' ? 'D3D12' : 'Vulkan';
}

/** Chromium's normalisation of GPUAdapterInfo.device: lower case, runs of other characters as '-'. */
function normaliseName(name: string | undefined): string {
  return (name ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/**
 * GPU memory, where the system says: WebGPU itself does not report it. NVIDIA: nvidia-smi
 * (shipped with the driver on Linux and Windows). AMD on Linux: the amdgpu driver's VRAM size in
 * sysfs. Apple silicon (Metal) and Intel integrated GPUs share system memory: Metal lets one
 * process keep about two thirds of it resident (recommendedMaxWorkingSetSize), Windows gives an
 * integrated GPU half. Software renderers use system memory. Otherwise unknown (null).
 */
async function adapterMemory(adapter: GpuAdapterSummary): Promise<{ bytes: number; source: string } | null> {
  const total = os.totalmem();
  if (adapter.isSoftware) return { bytes: total, source: 'system memory (software renderer)' };
  const who = `${adapter.vendor} ${adapter.name}`.toLowerCase();
  if (who.includes('nvidia')) {
    const bytes = await nvidiaMemoryBytes();
    if (bytes !== null) return { bytes, source: 'nvidia-smi' };
  }
  if ((who.includes('amd') || who.includes('radeon')) && process.platform === 'linux') {
    const bytes = await amdgpuVramBytes();
    if (bytes !== null) return { bytes, source: 'amdgpu mem_info_vram_total' };
  }
  if (adapter.api === 'Metal')
    return { bytes: Math.floor((total * 2) / 3), source: 'unified memory (2/3 of RAM)' };
  if (who.includes('intel')) return { bytes: Math.floor(total / 2), source: 'shared memory (1/2 of RAM)' };
  return null;
}

/** Total memory of the first NVIDIA GPU via nvidia-smi, or null when it cannot be asked. */
export async function nvidiaMemoryBytes(): Promise<number | null> {
  try {
    const { stdout } = await promisify(execFile)(
      'nvidia-smi',
      ['--query-gpu=memory.total', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
    );
    const mib = Number.parseFloat(stdout.split('\n')[0] ?? '');
    return Number.isFinite(mib) ? mib * 1024 * 1024 : null;
  } catch {
    return null;
  }
}

/** The largest VRAM size an amdgpu card reports in sysfs, or null. */
async function amdgpuVramBytes(): Promise<number | null> {
  try {
    const cards = (await readdir('/sys/class/drm')).filter((c) => /^card\d+$/.test(c));
    const sizes = await Promise.all(
      cards.map((c) =>
        readFile(join('/sys/class/drm', c, 'device', 'mem_info_vram_total'), 'utf8').then(Number, () => 0),
      ),
    );
    const largest = Math.max(0, ...sizes.filter(Number.isFinite));
    return largest > 0 ? largest : null;
  } catch {
    return null;
  }
}
