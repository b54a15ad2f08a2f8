/**
 * @module A HAR as executions: sets of recorded exchanges judged together, as `run` judged them. Our
 * cassettes say which execution each entry belongs to; in a foreign HAR (devtools, a proxy) the
 * Workers AI requests are recognised by host and grouped by what they are (valid, invalid, streamed,
 * /ai/v1, catalogue, unknown model), and everything else is ignored and counted.
 */
import type { CheckId } from '../checks/types.js';
import type { Contract } from '../contract/contract.js';
import type { ModelEntry } from '../contract/types.js';
import type { RecordedItem } from '../harness/judging.js';
import { ENDPOINT_OF, EXECUTION_CHECKS, type ExecutionKind } from '../harness/execution-kinds.js';
import { isCassette } from './cassette-file.js';
import { fromEntry, type ReadEntry } from './from-entry.js';
import type { Har, HarEntry, WaiExecution } from './har-types.js';
import { hostOf, WORKERS_AI_HOSTS } from './locate.js';

/** One view of an execution's results, as a report lists them (task, endpoint, the checks it shows). */
export interface ExecutionView {
  task: string;
  endpoint: string;
  checks: CheckId[];
}

/** One recorded execution, read back. */
export interface RecordedGroup {
  id: string;
  kind: ExecutionKind;
  modelId?: string;
  model?: ModelEntry;
  seed: number;
  checks: CheckId[];
  borrows: string[];
  views: ExecutionView[];
  items: (RecordedItem & { entry: HarEntry; read: ReadEntry })[];
}

/** A HAR read as executions. */
export interface ReadHar {
  groups: RecordedGroup[];
  /** Entries judged (recognised as Workers AI traffic). */
  recognised: number;
  /** Entries that are not Workers AI traffic (other hosts, other paths), ignored. */
  ignored: number;
}

/** The task (or API-wide area) results of an execution are filed under. */
function taskOf(kind: ExecutionKind, model: ModelEntry | undefined, partnerTask?: string | null): string {
  if (model) return model.task;
  // A partner model's executions are filed under its task, as the plan files them.
  if ((kind === 'partner' || kind === 'partner-refused') && partnerTask) return partnerTask;
  if (kind === 'catalog') return 'catalog';
  if (kind === 'openai' || kind === 'messages' || kind === 'messages-refused') return 'openai';
  return 'errors';
}

/** Views of our cassette's execution: one per (task, endpoint) the run reported, with the checks it reported there. */
function recordedViews(execution: WaiExecution): ExecutionView[] {
  const views = new Map<string, ExecutionView>();
  for (const result of execution.results) {
    const key = `${result.task}\u0000${result.endpoint}`;
    const view = views.get(key) ?? { task: result.task, endpoint: result.endpoint, checks: [] };
    if (!view.checks.includes(result.check)) view.checks.push(result.check);
    views.set(key, view);
  }
  return [...views.values()];
}

/** The execution kind a foreign request would have been in `run`. */
function inferKind(read: ReadEntry, contract: Contract): { kind: ExecutionKind; modelId?: string } {
  const op = read.exchange.spec.operation;
  if (op.kind === 'catalog') return { kind: 'catalog' };
  if (op.kind === 'partner') {
    const partner = contract.partnerModel(op.model);
    const input = (read.input as { input?: unknown } | undefined)?.input;
    return { kind: partner && contract.validate(contract.componentUri(partner.input), input).length > 0 ? 'partner-refused' : 'partner', modelId: op.model };
  }
  if (op.kind === 'openai' && op.endpoint === 'messages') {
    const model = (read.input as { model?: unknown } | undefined)?.model;
    return { kind: typeof model === 'string' && contract.messagesModels().includes(model) ? 'messages' : 'messages-refused' };
  }
  if (op.kind === 'openai') {
    const model = (read.input as { model?: unknown } | undefined)?.model;
    return { kind: 'openai', ...(typeof model === 'string' ? { modelId: model } : {}) };
  }
  const model = contract.model(op.model);
  if (!model) return { kind: 'unknown-model' };
  const input = read.input;
  if (input instanceof Uint8Array) return { kind: 'run-valid', modelId: model.id };
  if ((input as { stream?: unknown } | undefined)?.stream === true) return { kind: 'run-stream', modelId: model.id };
  return { kind: contract.validateModel(model, 'input', input).length > 0 ? 'run-invalid' : 'run-valid', modelId: model.id };
}

/** Reads a HAR as executions. `contract` is today's: a model it no longer has is judged without one. */
export function readExecutions(har: Har, contract: Contract): ReadHar {
  const groups = new Map<string, RecordedGroup>();
  let recognised = 0;
  let ignored = 0;
  const ours = isCassette(har) ? har.log._wai : undefined;
  for (const entry of har.log.entries) {
    // Our cassettes hold only Workers AI traffic, whatever host served it; other HARs, only the API's hosts count.
    const known = ours ? entry._wai !== undefined : WORKERS_AI_HOSTS.has(hostOf(entry.request.url));
    const read = known ? fromEntry(entry) : undefined;
    if (!read) {
      ignored += 1;
      continue;
    }
    recognised += 1;
    let group: RecordedGroup | undefined;
    const recorded = ours && entry._wai ? ours.executions[entry._wai.execution] : undefined;
    if (ours && entry._wai && recorded) {
      const id = entry._wai.execution;
      group = groups.get(id);
      if (!group) {
        const model = recorded.model !== undefined ? contract.model(recorded.model) : undefined;
        group = {
          id,
          kind: recorded.kind,
          ...(recorded.model !== undefined ? { modelId: recorded.model } : {}),
          ...(model ? { model } : {}),
          seed: recorded.seed,
          checks: recorded.checks,
          borrows: recorded.borrows ?? [],
          views: recordedViews(recorded),
          items: [],
        };
        groups.set(id, group);
      }
    } else {
      const { kind, modelId } = inferKind(read, contract);
      const id = `${kind}:${modelId ?? ''}`;
      group = groups.get(id);
      if (!group) {
        const model = modelId !== undefined ? contract.model(modelId) : undefined;
        group = { id, kind, ...(modelId !== undefined ? { modelId } : {}), ...(model ? { model } : {}), seed: 0, checks: EXECUTION_CHECKS[kind], borrows: [], views: [{ task: taskOf(kind, model, modelId !== undefined ? contract.partnerModel(modelId)?.task : undefined), endpoint: ENDPOINT_OF[kind], checks: EXECUTION_CHECKS[kind] }], items: [] };
        groups.set(id, group);
      }
    }
    group.items.push({ exchange: read.exchange, input: read.input, ...(entry._wai?.path !== undefined ? { path: entry._wai.path } : {}), ...(entry._wai?.invalid ? { invalid: entry._wai.invalid } : {}), entry, read });
  }
  for (const group of groups.values()) group.items.sort((a, b) => (a.entry._wai?.index ?? 0) - (b.entry._wai?.index ?? 0));
  if (!ours) {
    // A foreign catalogue listing is judged with every /ai/run answer of the file, as `run` judges it.
    const catalog = groups.get('catalog:');
    if (catalog) catalog.borrows = [...groups.values()].filter((g) => g.kind === 'run-valid').map((g) => g.id);
  }
  return { groups: [...groups.values()], recognised, ignored };
}

/** The model id results of a group are filed under (null for API-wide executions: catalogue, unknown model). */
export function groupModel(group: RecordedGroup): string | null {
  return group.kind === 'unknown-model' || group.kind === 'catalog' ? null : (group.modelId ?? null);
}
