import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { AppError } from '../../shared/errors';
import { adapterLabel, type GpuAdapterSummary } from '../backend/index';
import {
  chooseOnnxProviders,
  type OnnxExecutionProvider,
  type OnnxProviderPreference,
} from './chooseOnnxProviders';
import { ONNX_INPUT, ONNX_LOGITS } from './exportOnnx';
import { decodeModel } from './onnxGraph';

type Ort = typeof import('onnxruntime-node');

export interface OnnxPredictorOptions {
  /** Tried in order; the first that creates a session wins (default: chooseOnnxProviders(provider)). */
  executionProviders?: OnnxExecutionProvider[];
  /** With no `executionProviders`: 'auto' (default) or one provider forced. */
  provider?: OnnxProviderPreference;
  /** Intra-op threads of the cpu provider (default: the machine's available parallelism). */
  threads?: number;
  /** Output to fetch (default 'logits'). */
  output?: string;
  /** Input to feed (default 'input'; models from elsewhere name theirs). */
  input?: string;
}

/** Output of one run: NCHW float32 values and their dims [n, classes, h, w]. */
export interface OnnxRunResult {
  data: Float32Array;
  dims: [number, number, number, number];
}

/**
 * An onnxruntime-node session over an exported U-Net, on the providers chooseOnnxProviders
 * picks: CUDA where installed, else WebGPU on a hardware adapter, else cpu; `provider` says which
 * runs and `fallbackReasons` why the ones before it did not. CUDA needs Linux x64, an NVIDIA
 * driver with CUDA 12 and cuDNN 9 libraries on the library path, and the CUDA provider
 * binaries that onnxruntime-node's install script downloads (`npm rebuild onnxruntime-node`
 * with its install script allowed; this project's install skips it). WebGPU is bundled.
 * Call `dispose()` to release the native session.
 */
export class OnnxPredictor {
  private constructor(
    private readonly session: InferenceSession,
    private readonly ort: Ort,
    /** The execution provider that runs. */
    readonly provider: OnnxExecutionProvider,
    /** Intra-op threads (cpu provider). */
    readonly threads: number,
    private readonly output: string,
    private readonly input: string,
    /** Why the providers before `provider` failed ("cuda: ..."), and GPUs passed over. */
    readonly fallbackReasons: string[],
    /** The WebGPU adapter, when `provider` is 'webgpu'. */
    readonly adapter: GpuAdapterSummary | null,
  ) {}

  /**
   * Loads an ONNX model from a file path or bytes. Throws AppError: 'not_found' (no file),
   * 'corrupt_file' (not a loadable ONNX model), 'backend_unavailable' (onnxruntime-node does
   * not load on this machine).
   */
  static async create(
    source: string | Uint8Array,
    options: OnnxPredictorOptions = {},
  ): Promise<OnnxPredictor> {
    const ort = await loadOrt();
    const label = typeof source === 'string' ? source : 'the ONNX model bytes';
    let bytes: Uint8Array;
    if (typeof source === 'string') {
      try {
        bytes = await readFile(source);
      } catch (error) {
        throw new AppError('not_found', `ONNX model not found: ${source}`, String(error));
      }
    } else {
      bytes = source;
    }
    const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    const plan = options.executionProviders
      ? { providers: options.executionProviders, adapter: null, notes: [] }
      : await chooseOnnxProviders(options.provider);
    const providers = plan.providers;
    if (providers.length === 0) {
      throw new AppError('invalid_argument', 'executionProviders must name at least one provider');
    }
    const failures: string[] = [...plan.notes];
    for (const provider of providers) {
      try {
        const session = await ort.InferenceSession.create(bytes, {
          executionProviders: [provider],
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
          // Failures surface as AppErrors with onnxruntime's message in `detail`; keep stderr clean.
          logSeverityLevel: 4,
        });
        const input = options.input ?? ONNX_INPUT;
        if (!session.inputNames.includes(input)) {
          throw new AppError('incompatible_model', `${label} has no input named '${input}'`);
        }
        const output = options.output ?? ONNX_LOGITS;
        if (!session.outputNames.includes(output)) {
          throw new AppError('incompatible_model', `${label} has no output named '${output}'`);
        }
        const adapter = provider === 'webgpu' ? plan.adapter : null;
        return new OnnxPredictor(session, ort, provider, threads, output, input, failures, adapter);
      } catch (error) {
        if (error instanceof AppError) throw error;
        failures.push(`${provider}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // Every provider failed: a file that does not parse as an ONNX graph is the file's fault,
    // anything else is the runtime's (e.g. only a CUDA provider asked for and not installed).
    const corrupt =
      !isOnnxGraph(bytes) ||
      (providers.includes('cpu') && /protobuf|pars|invalid|load model/i.test(failures.at(-1) ?? ''));
    throw new AppError(
      corrupt ? 'corrupt_file' : 'backend_unavailable',
      corrupt
        ? `Could not load ${label}: not a valid ONNX model`
        : `No onnxruntime execution provider could run ${label} (tried ${providers.join(', ')})`,
      failures.join('\n'),
    );
  }

  /** A banner like "onnxruntime-node (cpu, 2 threads)" or "onnxruntime-node (WebGPU: Metal, Apple M2)". */
  describe(): string {
    if (this.provider === 'cpu') {
      return `onnxruntime-node (cpu, ${this.threads} thread${this.threads === 1 ? '' : 's'})`;
    }
    if (this.provider === 'webgpu') {
      return `onnxruntime-node (WebGPU${this.adapter ? `: ${adapterLabel(this.adapter)}` : ''})`;
    }
    return `onnxruntime-node (${this.provider})`;
  }

  /** Runs a batch `input` laid out NCHW [n, c, h, w]; returns the configured output (NCHW). */
  async run(input: Float32Array, n: number, c: number, h: number, w: number): Promise<OnnxRunResult> {
    const { data, dims } = await this.runTensor(input, [n, c, h, w]);
    return { data, dims: dims as [number, number, number, number] };
  }

  /** Runs one float32 input of any layout `dims`; returns the configured output and its dims. */
  async runTensor(input: Float32Array, dims: number[]): Promise<{ data: Float32Array; dims: number[] }> {
    const count = dims.reduce((a, b) => a * b, 1);
    if (input.length !== count) {
      throw new AppError(
        'size_mismatch',
        `ONNX input has ${input.length} values, expected ${dims.join('x')}`,
      );
    }
    const tensor = new this.ort.Tensor('float32', input, dims);
    try {
      const result = await this.session.run({ [this.input]: tensor }, [this.output]);
      const out = result[this.output];
      try {
        return { data: new Float32Array(out.data as Float32Array), dims: out.dims.map(Number) };
      } finally {
        out.dispose();
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'incompatible_model',
        `onnxruntime could not run a ${dims.join('x')} input (illegal tile size or channel count?)`,
        error instanceof Error ? error.message : String(error),
      );
    } finally {
      tensor.dispose();
    }
  }

  /** Releases the native session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** Whether `bytes` decode as an ONNX model with a graph of at least one node. */
function isOnnxGraph(bytes: Uint8Array): boolean {
  try {
    return (decodeModel(bytes).graph?.node?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

async function loadOrt(): Promise<Ort> {
  try {
    const ort = await import('onnxruntime-node');
    // Provider load failures (no CUDA build) would print to stderr; they reach the caller as
    // `fallbackReasons` or AppError details instead.
    ort.env.logLevel = 'fatal';
    return ort;
  } catch (error) {
    throw new AppError(
      'backend_unavailable',
      'onnxruntime-node does not load on this machine',
      error instanceof Error ? error.message : String(error),
    );
  }
}
