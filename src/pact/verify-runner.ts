/** @module Runs Pact's Verifier for a verify job (in the worker process, or in this one as a fallback). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { providerPath } from './paths.js';
import type { VerifyJob, WorkerReply } from './verify.js';

/** Rewrites paths to the target's layout and puts the target's credentials on requests that carry credentials. */
export function requestFilter(job: Pick<VerifyJob, 'layout' | 'headers' | 'injectAuth'>) {
  return (req: IncomingMessage, _res: ServerResponse, next: () => void): void => {
    req.url = providerPath(req.url ?? '/', job.layout);
    const carries = req.headers.authorization !== undefined || req.headers['x-auth-key'] !== undefined || req.headers['x-auth-email'] !== undefined;
    if (carries || job.injectAuth === 'always') {
      delete req.headers.authorization;
      delete req.headers['x-auth-key'];
      delete req.headers['x-auth-email'];
      for (const [name, value] of Object.entries(job.headers)) req.headers[name.toLowerCase()] = value;
    }
    next();
  };
}

/** Verifies each pact file of the job; never throws for a failed verification (that is in the reply). */
export async function runJob(job: VerifyJob): Promise<WorkerReply> {
  const { Verifier } = await import('@pact-foundation/pact');
  const files: WorkerReply['files'] = [];
  for (const file of job.pactFiles) {
    try {
      const verifier = new Verifier({
        providerBaseUrl: job.providerBaseUrl,
        pactUrls: [file],
        logLevel: 'error',
        timeout: job.timeoutMs,
        requestFilter: requestFilter(job),
      });
      files.push({ file, ok: true, raw: String(await verifier.verifyProvider()) });
    } catch (error) {
      files.push({ file, ok: false, raw: (error as Error)?.message ?? String(error) });
    }
  }
  return { files };
}

