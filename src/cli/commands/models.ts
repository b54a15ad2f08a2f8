/** @module `wai-conformance models`: list the catalogue models with task, status and source. */
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import { modelStatus, type ModelEntry } from '../../contract/types.js';
import { EXIT } from '../usage-error.js';
import type { Io } from '../output.js';

export const MODELS_USAGE = `wai-conformance models [--json] [--spec DIR]
  List every catalogue model with its task, its status (active, beta, or deprecated with the date it was
  retired, from spec/models/lifecycle.yaml) and where its schema comes from.
  --json   an array of {"id", "task", "source", "status"} (and "deprecationDate" where documented)`;

/** `deprecated 2026-05-30`, `beta`, `active`. */
function statusText(model: ModelEntry): string {
  const status = modelStatus(model);
  return model.lifecycle?.deprecationDate ? `${status} ${model.lifecycle.deprecationDate}` : status;
}

export async function modelsCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, spec: { type: 'string' } }, strict: true });
  const contract = loadContract(values.spec);
  const models = [...contract.models.values()];
  if (values.json) {
    const rows = models.map((m) => ({ id: m.id, task: m.task, source: m.source, status: modelStatus(m), ...(m.lifecycle?.deprecationDate ? { deprecationDate: m.lifecycle.deprecationDate } : {}) }));
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...models.map((m) => m.id.length));
  const taskWidth = Math.max(...models.map((m) => m.task.length));
  const statusWidth = Math.max(...models.map((m) => statusText(m).length));
  for (const m of models) io.out(`${m.id.padEnd(width)}  ${m.task.padEnd(taskWidth)}  ${statusText(m).padEnd(statusWidth)}  ${m.source}\n`);
  const fromTypes = models.filter((m) => m.source === 'workers-types').length;
  const count = (status: string) => models.filter((m) => modelStatus(m) === status).length;
  io.out(`\n${models.length} models in ${contract.tasks.size} tasks: ${fromTypes} from ${contract.typesPackage.name}@${contract.typesPackage.version}, ${models.length - fromTypes} documented in spec/models/overlay.yaml only\n`);
  io.out(`status: ${count('active')} active, ${count('beta')} beta, ${count('deprecated')} deprecated (\`run\` skips deprecated models unless --include-deprecated or named by id)\n`);
  return EXIT.ok;
}
