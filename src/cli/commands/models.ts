/** @module `wai-conformance models`: list the catalogue models with task and source. */
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import { EXIT } from '../usage-error.js';
import type { Io } from '../output.js';

export const MODELS_USAGE = `wai-conformance models [--json] [--spec DIR]
  List every catalogue model with its task and where its schema comes from.
  --json   an array of {"id", "task", "source"}`;

export async function modelsCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, spec: { type: 'string' } }, strict: true });
  const contract = loadContract(values.spec);
  const models = [...contract.models.values()];
  if (values.json) {
    io.out(`${JSON.stringify(models.map(({ id, task, source }) => ({ id, task, source })), null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...models.map((m) => m.id.length));
  const taskWidth = Math.max(...models.map((m) => m.task.length));
  for (const m of models) io.out(`${m.id.padEnd(width)}  ${m.task.padEnd(taskWidth)}  ${m.source}\n`);
  const fromTypes = models.filter((m) => m.source === 'workers-types').length;
  io.out(`\n${models.length} models in ${contract.tasks.size} tasks: ${fromTypes} from ${contract.typesPackage.name}@${contract.typesPackage.version}, ${models.length - fromTypes} documented in spec/models/overlay.yaml only\n`);
  return EXIT.ok;
}
