import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  type AdapterFacts,
  describeAdapter,
  type GpuAdapterSummary,
  NO_ADAPTER,
  NO_SUCH_ADAPTER,
  parseDawnAdapterList,
} from './webgpuAdapter';

/** A probe's answer: the adapter, or why there is none ('broken': Dawn itself did not load). */
export type WebGpuProbe = { adapter: GpuAdapterSummary } | { adapter: null; reason: string; broken: boolean };

/**
 * Asks Dawn in a child process for the adapter WebGPU ranks best ('high-performance'), and its
 * list of adapters. In a child because the Vulkan loader and its drivers write to stderr while
 * they are enumerated (a software driver's Dawn warning, SwiftShader's XDG_RUNTIME_DIR
 * complaint): a machine that ends up not using WebGPU should not print any of it. The answer
 * is kept once an adapter was found.
 */
const SCRIPT = `
const { create } = await import(process.argv[1]);
const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
let listed = '';
try { await create([process.argv[2]]).requestAdapter(); } catch (error) { listed = String(error && error.message); }
const facts = adapter === null ? null : {
  info: { vendor: adapter.info.vendor, architecture: adapter.info.architecture, device: adapter.info.device,
          description: adapter.info.description, isFallbackAdapter: adapter.info.isFallbackAdapter },
  limits: { maxBufferSize: adapter.limits.maxBufferSize,
            maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
  isFallbackAdapter: adapter.isFallbackAdapter,
};
process.stdout.write(JSON.stringify({ facts, listed }));
process.exit(0);
`;

let found: Promise<WebGpuProbe> | null = null;

/** The best WebGPU adapter here, described (see SCRIPT above), or why there is none. */
export function probeWebGpuAdapter(): Promise<WebGpuProbe> {
  if (found !== null) return found;
  const probe = runProbe();
  found = probe;
  // Only a found adapter is kept: a failed probe may succeed once a driver is set up (tests).
  void probe.then((p) => {
    if (p.adapter === null) found = null;
  });
  return probe;
}

async function runProbe(): Promise<WebGpuProbe> {
  let entry: string;
  try {
    entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch (error) {
    return {
      adapter: null,
      broken: true,
      reason: `the webgpu package (Dawn) is not installed: ${firstLine(error)}`,
    };
  }
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT, entry, NO_SUCH_ADAPTER],
      // Electron's binary runs as plain Node with this set (the app's main process probes too).
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000, maxBuffer: 1 << 20 },
    ));
  } catch (error) {
    return { adapter: null, broken: true, reason: `WebGPU (Dawn) did not start: ${firstLine(error)}` };
  }
  const answer = JSON.parse(stdout) as { facts: AdapterFacts | null; listed: string };
  if (answer.facts === null) return { adapter: null, broken: false, reason: NO_ADAPTER };
  return { adapter: await describeAdapter(answer.facts, parseDawnAdapterList(answer.listed)) };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
