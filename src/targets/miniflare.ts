/**
 * @module The `miniflare` target's driver: a Worker in Miniflare (workerd from npm) whose real `env.AI` binding class
 * calls the backend at `--base-url` (default: the embedded emulator, started here), driven from Node one call at a
 * time. What the binding returned or threw comes back as JSON and is rebuilt (an object, a byte stream, an error of
 * the same name and message) for the binding target to judge.
 */
import type { RunningEmulator } from '../emulator/index.js';
import type { BindingLike } from './binding.js';
import { ConfigurationError } from './errors.js';

/** The driver Worker: runs `env.AI.run(model, inputs)` and reports the outcome as JSON (streams read to base64). */
const DRIVER = `
const toBase64 = (bytes) => { let s = ''; for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]); return btoa(s); };
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
export default {
  async fetch(request, env) {
    const { model, inputs, streamInput, options } = await request.json();
    if (streamInput) inputs[streamInput.key] = { body: new Blob([fromBase64(streamInput.base64)]).stream(), contentType: streamInput.contentType };
    try {
      const value = await env.AI.run(model, inputs, options);
      if (value instanceof ReadableStream) return Response.json({ kind: 'stream', base64: toBase64(new Uint8Array(await new Response(value).arrayBuffer())) });
      return Response.json({ kind: 'value', value });
    } catch (error) {
      return Response.json({ kind: 'error', name: String(error && error.name), message: String(error && error.message) });
    }
  },
};
`;

type Outcome = { kind: 'value'; value: unknown } | { kind: 'stream'; base64: string } | { kind: 'error'; name: string; message: string };

/** Reads a `{body: ReadableStream, contentType}` input to base64 for the driver. */
async function streamInputOf(inputs: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; streamInput?: { key: string; base64: string; contentType: string } }> {
  for (const [key, value] of Object.entries(inputs)) {
    const body = (value as { body?: unknown } | null)?.body;
    if (body instanceof ReadableStream) {
      const { [key]: _stream, ...rest } = inputs;
      const bytes = new Uint8Array(await new Response(body).arrayBuffer());
      return { inputs: rest, streamInput: { key, base64: Buffer.from(bytes).toString('base64'), contentType: String((value as { contentType?: unknown }).contentType ?? '') } };
    }
  }
  return { inputs };
}

/** A running driver: its URL (POST a call to it), the backend it calls, and how to stop both. */
export interface MiniflareDriver {
  /** The driver Worker's URL. */
  url: string;
  /** `miniflare:<backend URL>`, for reports. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The binding-shaped object of a running driver (it may live in another process: a run's global setup starts it). */
export function driverBinding(driverUrl: string): BindingLike {
  return {
    async run(model, inputs, options = {}) {
      const prepared = await streamInputOf(inputs);
      const response = await fetch(driverUrl, { method: 'POST', body: JSON.stringify({ model, ...prepared, options }) });
      const outcome = (await response.json()) as Outcome;
      if (outcome.kind === 'error') {
        const error = new Error(outcome.message);
        error.name = outcome.name;
        throw error;
      }
      if (outcome.kind === 'stream') return new Blob([Buffer.from(outcome.base64, 'base64')]).stream();
      return outcome.value;
    },
  };
}

/** Starts Miniflare with the real binding pointed at `baseUrl` (or an emulator started here). */
export async function startMiniflareBinding(baseUrl?: string): Promise<MiniflareDriver> {
  let miniflare: typeof import('miniflare');
  try {
    miniflare = await import('miniflare');
  } catch {
    throw new ConfigurationError('--target miniflare needs the miniflare package (npm install --save-dev miniflare@4.20260426.0 on Node 20)');
  }
  if (baseUrl !== undefined) {
    try {
      new URL(baseUrl);
    } catch {
      throw new ConfigurationError(`--base-url for --target miniflare should be the backend's http://HOST:PORT (e.g. a running wai-conformance mock), got "${baseUrl}"`);
    }
  }
  const { miniflareAiOptions, startBindingEmulator } = await import('../emulator/binding-miniflare.js');
  let emulator: RunningEmulator | undefined;
  if (baseUrl === undefined) emulator = await startBindingEmulator({ streamDelayMs: 0 });
  const backend = baseUrl ?? emulator!.url;
  const mf = new miniflare.Miniflare({ modules: true, script: DRIVER, compatibilityDate: '2025-09-01', ...miniflareAiOptions(backend) });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await emulator?.close();
    throw error;
  }
  return {
    url: url.href,
    baseUrl: `miniflare:${backend}`,
    close: async () => {
      await mf.dispose();
      await emulator?.close();
    },
  };
}
