/**
 * @module Child process of `pact verify`: runs Pact's Verifier on each pact file and sends back its
 * JSON results. It runs apart because Pact's native core prints its verification tree straight to
 * file descriptor 1; in a child with that stream piped, the command's own output stays clean.
 */
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

async function run(job: VerifyJob): Promise<WorkerReply> {
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

if (process.send) {
  process.once('message', (job: VerifyJob) => {
    run(job).then(
      (reply) => process.send!(reply, () => process.exit(0)),
      (error: unknown) => process.send!({ files: [], error: (error as Error)?.stack ?? String(error) } satisfies WorkerReply, () => process.exit(0)),
    );
  });
}
