/**
 * @module Child process of `pact verify`: runs Pact's Verifier on each pact file and sends back its
 * JSON results. It runs apart because Pact's native core prints its verification tree straight to
 * file descriptor 1; in a child with that stream piped, the command's own output stays clean.
 */
import { runJob } from './verify-runner.js';
import type { VerifyJob, WorkerReply } from './verify.js';

if (process.send) {
  process.once('message', (job: VerifyJob) => {
    runJob(job).then(
      (reply) => process.send!(reply, () => process.exit(0)),
      (error: unknown) => process.send!({ files: [], error: (error as Error)?.stack ?? String(error) } satisfies WorkerReply, () => process.exit(0)),
    );
  });
}
