/** @module Source entry of the CLI (`npx tsx src/cli/run-cli.ts ...`), for tests and development without a build. */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`wai-conformance: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 3;
  },
);
