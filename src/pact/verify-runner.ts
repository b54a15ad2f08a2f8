/** @module Runs Pact's Verifier for a verify job (in the worker process, or in this one as a fallback). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { providerPath } from './paths.js';
import type { CapturedExchange, VerifyJob, WorkerReply } from './verify.js';

/** Pact's proxy paths that are not requests to the provider (state setup, message transport). */
const PROXY_PATHS = /^\/_(pactSetup|messages)(\/|\?|$)/;
/** Most response bytes kept per exchange (for reports). */
const CAPTURE_LIMIT = 256 * 1024;

type Chunk = string | Uint8Array;

/**
 * Pact's request filter: moves the path onto the target's layout, puts the target's credentials on
 * requests that carry credentials, and records what the target answers (in `captured`, in order).
 */
export function requestFilter(job: Pick<VerifyJob, 'layout' | 'headers' | 'injectAuth'>, captured: CapturedExchange[] = []) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const original = req.url ?? '/';
    if (PROXY_PATHS.test(original)) {
      next();
      return;
    }
    req.url = providerPath(original, job.layout);
    const carries = req.headers.authorization !== undefined || req.headers['x-auth-key'] !== undefined || req.headers['x-auth-email'] !== undefined;
    if (carries || job.injectAuth === 'always') {
      delete req.headers.authorization;
      delete req.headers['x-auth-key'];
      delete req.headers['x-auth-email'];
      for (const [name, value] of Object.entries(job.headers)) req.headers[name.toLowerCase()] = value;
    }
    const started = performance.now();
    let firstByteMs: number | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (chunk: unknown): void => {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return;
      firstByteMs ??= performance.now() - started;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
      if (size < CAPTURE_LIMIT) chunks.push(bytes.subarray(0, CAPTURE_LIMIT - size));
      size += bytes.length;
    };
    const write = res.write.bind(res) as (chunk: Chunk, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    (res as { write: unknown }).write = (chunk: Chunk, ...rest: unknown[]): boolean => {
      keep(chunk);
      return write(chunk, ...rest);
    };
    (res as { end: unknown }).end = (...args: unknown[]): ServerResponse => {
      keep(args[0]);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.getHeaders())) if (value !== undefined && name.toLowerCase() !== 'x-powered-by') headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      const totalMs = performance.now() - started;
      captured.push({
        method: req.method ?? 'GET',
        path: original,
        status: res.statusCode,
        headers,
        body: Buffer.concat(chunks).toString('base64'),
        size,
        firstByteMs: Math.round((firstByteMs ?? totalMs) * 100) / 100,
        totalMs: Math.round(totalMs * 100) / 100,
      });
      return end(...args);
    };
    next();
  };
}

/** Verifies each pact file of the job; never throws for a failed verification (that is in the reply). */
export async function runJob(job: VerifyJob): Promise<WorkerReply> {
  let Verifier: typeof import('@pact-foundation/pact').Verifier;
  try {
    ({ Verifier } = await import('@pact-foundation/pact'));
  } catch (error) {
    throw new Error(`pact verify needs @pact-foundation/pact (npm install --save-dev @pact-foundation/pact): ${(error as Error).message}`);
  }
  const files: WorkerReply['files'] = [];
  for (const file of job.pactFiles) {
    const exchanges: CapturedExchange[] = [];
    try {
      const verifier = new Verifier({
        providerBaseUrl: job.providerBaseUrl,
        pactUrls: [file],
        logLevel: 'error',
        timeout: job.timeoutMs,
        requestFilter: requestFilter(job, exchanges),
      });
      files.push({ file, ok: true, raw: String(await verifier.verifyProvider()), exchanges });
    } catch (error) {
      files.push({ file, ok: false, raw: (error as Error)?.message ?? String(error), exchanges });
    }
  }
  return { files };
}
