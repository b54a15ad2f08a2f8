/** @module `wai-conformance run`. Until the harness lands this runs the contract's self-check only. */
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import { EXIT } from '../usage-error.js';
import type { Io } from '../output.js';

export const RUN_USAGE = `wai-conformance run [--spec DIR]
  For now: the contract self-check (load spec/, resolve every model, compile every schema).
  The conformance harness against targets is not built yet; this command says so plainly.`;

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { spec: { type: 'string' } }, strict: true });
  const started = performance.now();
  const contract = loadContract(values.spec);
  const compiled = contract.compileAll();
  io.out(
    `contract self-check: ${contract.models.size} models in ${contract.tasks.size} tasks, ${compiled} schemas compiled in ${Math.round(performance.now() - started)} ms\n` +
      'note: the conformance harness (requests against a target) is not built yet; only the contract was checked.\n',
  );
  return EXIT.ok;
}
