import { adapterLabel, type GpuAdapterSummary, probeWebGpuAdapter } from '../backend/index';

/** onnxruntime-node execution providers U-Net Studio uses. */
export type OnnxExecutionProvider = 'cuda' | 'webgpu' | 'cpu';
/** 'auto' or one provider forced (a forced one that cannot run is an error, not a fallback). */
export type OnnxProviderPreference = 'auto' | OnnxExecutionProvider;

/** Which providers to try, in order, and on which WebGPU adapter. */
export interface OnnxProviderPlan {
  providers: OnnxExecutionProvider[];
  /** The adapter the webgpu provider will use, when it is in `providers`. */
  adapter: GpuAdapterSummary | null;
  /** Why a GPU was passed over, one line each (for banners). */
  notes: string[];
}

/**
 * The inference provider choice, in one place for every prediction path (CLI, app, benches).
 * auto: CUDA where its provider is installed (onnxruntime-node's install script; tried first and
 * dropped when it does not load), then WebGPU on a hardware adapter (Vulkan, Metal, D3D12), then
 * the CPU. A software adapter (SwiftShader, WARP) is never chosen by auto: it is slower than the
 * CPU provider; forcing 'webgpu' takes it (tests). onnxruntime-node bundles its own Dawn, which
 * picks its adapter the same way; `probe` asks ours which one that is.
 */
export async function chooseOnnxProviders(
  prefer: OnnxProviderPreference = 'auto',
  probe: typeof probeWebGpuAdapter = probeWebGpuAdapter,
): Promise<OnnxProviderPlan> {
  if (prefer === 'cuda' || prefer === 'cpu') return { providers: [prefer], adapter: null, notes: [] };
  const found = await probe();
  if (prefer === 'webgpu') return { providers: ['webgpu'], adapter: found.adapter, notes: [] };
  if (found.adapter !== null && !found.adapter.isSoftware) {
    return { providers: ['cuda', 'webgpu', 'cpu'], adapter: found.adapter, notes: [] };
  }
  const notes =
    found.adapter === null
      ? []
      : [
          `WebGPU skipped: ${adapterLabel(found.adapter)} is a software renderer, slower than the CPU provider`,
        ];
  return { providers: ['cuda', 'cpu'], adapter: null, notes };
}
