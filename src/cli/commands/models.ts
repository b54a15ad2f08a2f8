/** @module `wai-conformance models`: list the catalogue models with task, status and source. */
import { parseArgs } from 'node:util';
import type { PartnerModel } from '../../contract/contract.js';
import { loadContract } from '../../contract/load.js';
import { modelStatus, type ModelEntry } from '../../contract/types.js';
import { EXIT } from '../usage-error.js';
import type { Io } from '../output.js';

export const MODELS_USAGE = `wai-conformance models [--json] [--spec DIR]
  List every catalogue model with its task, its status (active, beta, or deprecated with the date it was
  retired, from spec/models/lifecycle.yaml) and where its schema comes from; then the partner models of the
  unified catalogue, served by POST /ai/run with {model, input} (spec/openapi.yaml runPartnerModel).
  --json   an array of {"id", "task", "source", "status"} (and "deprecationDate" where documented); partner
           models have source "partner" and, where Workers AI has no such task, the catalogue's task name`;

/** `deprecated 2026-05-30`, `beta`, `active`. */
function statusText(model: ModelEntry): string {
  const status = modelStatus(model);
  return model.lifecycle?.deprecationDate ? `${status} ${model.lifecycle.deprecationDate}` : status;
}

/** A partner model's task: the Workers AI task id, else the catalogue's name in the same form (`text-to-video`). */
const partnerTask = (p: PartnerModel): string => p.task ?? p.catalogueTask.toLowerCase().replace(/\s+/g, '-');

export async function modelsCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, spec: { type: 'string' } }, strict: true });
  const contract = loadContract(values.spec);
  const models = [...contract.models.values()];
  if (values.json) {
    const rows: object[] = models.map((m) => ({ id: m.id, task: m.task, source: m.source, status: modelStatus(m), ...(m.lifecycle?.deprecationDate ? { deprecationDate: m.lifecycle.deprecationDate } : {}) }));
    for (const p of contract.partnerModels().values()) rows.push({ id: p.id, task: partnerTask(p), source: 'partner', status: 'active' });
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
  const partners = [...contract.partnerModels().values()];
  if (partners.length > 0) {
    io.out(`\n${partners.length} partner models of the unified catalogue (POST /ai/run with {model, input}; not Workers AI models):\n`);
    const pWidth = Math.max(...partners.map((p) => p.id.length));
    const pTaskWidth = Math.max(...partners.map((p) => partnerTask(p).length));
    for (const p of partners) io.out(`${p.id.padEnd(pWidth)}  ${partnerTask(p).padEnd(pTaskWidth)}  active  partner (${p.source})\n`);
  }
  return EXIT.ok;
}
