/** @module The plan of a run: which executions run for which models, and which checks judge them, per suite area. */
import type { CheckId } from '../checks/types.js';
import type { Contract, PartnerModel } from '../contract/contract.js';
import { modelStatus, TASK_IDS, type ModelEntry, type TaskId } from '../contract/types.js';
import { AREAS, globMatcher, type Area, type RunOptions } from './options.js';
import { coveringCount } from '../generate/covering-count.js';
import { BATCH_MAX_POLLS, ENDPOINT_OF, EXECUTION_CHECKS, type ExecutionKind } from './execution-kinds.js';
import { planOracle } from '../cassettes/oracle.js';

export { ENDPOINT_OF, EXECUTION_CHECKS, BATCH_MAX_POLLS, type ExecutionKind } from './execution-kinds.js';

/** A suite area: a task id or one of the API-wide areas. */
export type SuiteArea = TaskId | Area | 'oracle';

/** One planned case: an execution (shared between areas) viewed through some checks. */
export interface PlannedCase {
  area: SuiteArea;
  kind: ExecutionKind;
  model?: ModelEntry;
  /** The model of a case outside the Workers AI catalogue (a partner model), which reports name. */
  modelId?: string;
  checks: CheckId[];
  /** How reports name the operation. */
  endpoint: string;
  /** Upper bound of requests the execution sends (before shrinking and retries). */
  requests: number;
  /** `run --oracle`: the recorded execution whose requests this case sends again. */
  recorded?: string;
}

const ENVELOPE_VIEW: CheckId[] = ['status.success', 'envelope.shape', 'envelope.consistency', 'content-type'];
const TASK_VIEW: CheckId[] = ['output.schema', 'output.semantics'];

/** Model ids that name no model, for `model.unknown`. */
export const UNKNOWN_MODEL_ID = '@cf/wai-conformance/no-such-model';
/** An `author/model` id no catalogue has, for the /ai/v1/messages 404. */
export const UNKNOWN_MESSAGES_MODEL_ID = 'wai-conformance/no-such-model';

/**
 * The Messages model a run sends /ai/v1/messages to: the first of openapi.yaml's `x-wai-models` that `--models`
 * matches (without `--models`, the first listed, the smallest: a live run bills its tokens to the account).
 */
export function messagesModel(contract: Contract, options: Pick<RunOptions, 'models'>): string | undefined {
  const matchers = options.models.map(globMatcher);
  return contract.messagesModels().find((id) => matchers.length === 0 || matchers.some((match) => match(id)));
}

/**
 * The partner model a run sends `POST /ai/run` (model in the body) to: the first of openapi.yaml runPartnerModel's
 * `x-wai-models` with a Workers AI task the run selects, that `--models` matches (without `--models`, the first listed).
 */
export function partnerModel(contract: Contract, options: Pick<RunOptions, 'models' | 'tasks'>): PartnerModel | undefined {
  const matchers = options.models.map(globMatcher);
  const tasks = options.tasks.filter((t): t is TaskId => (TASK_IDS as readonly string[]).includes(t));
  return [...contract.partnerModels().values()].find((p) => p.task !== null && (tasks.length === 0 || tasks.includes(p.task)) && (matchers.length === 0 || matchers.some((match) => match(p.id))));
}

/** The models a run's `--models` and `--tasks` match, deprecated ones included, in catalogue order. */
function matchingModels(contract: Contract, options: Pick<RunOptions, 'models' | 'tasks'>): ModelEntry[] {
  const matchers = options.models.map(globMatcher);
  const tasks = options.tasks.filter((t): t is TaskId => (TASK_IDS as readonly string[]).includes(t));
  return [...contract.models.values()].filter(
    (m) => (matchers.length === 0 || matchers.some((match) => match(m.id))) && (tasks.length === 0 || tasks.includes(m.task)),
  );
}

/** True when a run asks for this deprecated model: `includeDeprecated`, or its exact id in `--models` (not a glob). */
function deprecatedAskedFor(model: ModelEntry, options: Pick<RunOptions, 'models' | 'includeDeprecated'>): boolean {
  return options.includeDeprecated === true || options.models.includes(model.id);
}

/**
 * The models a run selects (`--models` globs, task ids in `--tasks`), in catalogue order. Deprecated models
 * (spec/models/lifecycle.yaml) are left out unless asked for: the real API no longer serves them.
 */
export function selectModels(contract: Contract, options: Pick<RunOptions, 'models' | 'tasks' | 'includeDeprecated'>): ModelEntry[] {
  return matchingModels(contract, options).filter((m) => modelStatus(m) !== 'deprecated' || deprecatedAskedFor(m, options));
}

/** The deprecated models a run's selection matched but leaves out (so `run` can say so). */
export function skippedDeprecated(contract: Contract, options: Pick<RunOptions, 'models' | 'tasks' | 'includeDeprecated'>): ModelEntry[] {
  return matchingModels(contract, options).filter((m) => modelStatus(m) === 'deprecated' && !deprecatedAskedFor(m, options));
}

/** The areas a run selects: every area unless `--tasks` names some areas. */
export function selectAreas(options: Pick<RunOptions, 'tasks'>): Set<Area> {
  const named = options.tasks.filter((t): t is Area => (AREAS as readonly string[]).includes(t));
  return new Set(named.length ? named : AREAS);
}

function openAiRequests(model: ModelEntry): number {
  const o = model.facts.openai ?? {};
  return (o.chat ? 3 : 0) + (o.completions ? 1 : 0) + (o.embeddings ? 3 : 0) + (o.responses ? 1 : 0);
}

/**
 * Random valid cases of a model after its `covering` requests: `--runs` in all, and always at least
 * one (a model gets max(runs, covering + 1) valid cases).
 */
export function validRuns(runs: number, covering: number): number {
  return Math.max(runs - covering, 1);
}

/** Plans a run (`--oracle`: one case per recorded execution). `gateway` says whether a gateway layout can be tested (gateway target, or the emulator's). */
export function planRun(contract: Contract, options: RunOptions, gateway: boolean): PlannedCase[] {
  if (options.oracle) return planOracle(contract, options, gateway);
  const models = selectModels(contract, options);
  const areas = selectAreas(options);
  // Task suites run unless --tasks names only API-wide areas (e.g. `--tasks openai`).
  const namesAreas = options.tasks.some((t) => (AREAS as readonly string[]).includes(t));
  const taskSuites = !namesAreas || options.tasks.some((t) => (TASK_IDS as readonly string[]).includes(t));
  const keep = (checks: CheckId[]) => (options.checks.length ? checks.filter((c) => options.checks.includes(c)) : checks);
  const cases: PlannedCase[] = [];
  const add = (c: PlannedCase) => {
    const checks = keep(c.checks);
    if (checks.length) cases.push({ ...c, checks });
  };
  const http = models.filter((m) => m.facts.transport === 'http');
  const runs = options.runs;

  for (const model of http) {
    const covering = coveringCount(contract, model);
    const valid = covering + validRuns(runs, covering);
    if (areas.has('envelope')) add({ area: 'envelope', kind: 'run-valid', model, checks: ENVELOPE_VIEW, endpoint: ENDPOINT_OF['run-valid'], requests: valid });
    if (!taskSuites) continue;
    add({ area: model.task, kind: 'run-valid', model, checks: TASK_VIEW, endpoint: ENDPOINT_OF['run-valid'], requests: valid });
    add({ area: model.task, kind: 'run-invalid', model, checks: EXECUTION_CHECKS['run-invalid'], endpoint: ENDPOINT_OF['run-invalid'], requests: runs });
  }
  // The unified catalogue's partner models (POST /ai/run, model in the body), filed under their task.
  const partner = taskSuites ? partnerModel(contract, options) : undefined;
  if (partner) {
    add({ area: partner.task!, kind: 'partner', modelId: partner.id, checks: EXECUTION_CHECKS.partner, endpoint: ENDPOINT_OF.partner, requests: 1 });
    add({ area: partner.task!, kind: 'partner-refused', modelId: partner.id, checks: EXECUTION_CHECKS['partner-refused'], endpoint: ENDPOINT_OF['partner-refused'], requests: 1 });
  }
  if (areas.has('streaming')) {
    for (const model of http.filter((m) => m.facts.streams)) {
      add({ area: 'streaming', kind: 'run-stream', model, checks: EXECUTION_CHECKS['run-stream'], endpoint: ENDPOINT_OF['run-stream'], requests: runs });
    }
  }
  if (areas.has('errors')) {
    const firstOfTask = new Map<TaskId, ModelEntry>();
    for (const model of http) if (!firstOfTask.has(model.task)) firstOfTask.set(model.task, model);
    for (const model of firstOfTask.values()) add({ area: 'errors', kind: 'auth', model, checks: EXECUTION_CHECKS.auth, endpoint: ENDPOINT_OF.auth, requests: 2 });
    if (options.models.length === 0) add({ area: 'errors', kind: 'unknown-model', checks: EXECUTION_CHECKS['unknown-model'], endpoint: ENDPOINT_OF['unknown-model'], requests: 1 });
  }
  if (areas.has('openai')) {
    for (const model of http.filter((m) => openAiRequests(m) > 0)) {
      add({ area: 'openai', kind: 'openai', model, checks: EXECUTION_CHECKS.openai, endpoint: ENDPOINT_OF.openai, requests: openAiRequests(model) });
    }
    // /ai/v1/messages is text generation's: a run of other tasks leaves it out.
    const taskIds = options.tasks.filter((t): t is TaskId => (TASK_IDS as readonly string[]).includes(t));
    const textGeneration = taskIds.length === 0 || taskIds.includes('text-generation');
    if (textGeneration && messagesModel(contract, options)) add({ area: 'openai', kind: 'messages', checks: EXECUTION_CHECKS.messages, endpoint: ENDPOINT_OF.messages, requests: 3 });
    const refusable = http.some((m) => m.facts.openai?.chat);
    if (textGeneration && (options.models.length === 0 || refusable)) add({ area: 'openai', kind: 'messages-refused', checks: EXECUTION_CHECKS['messages-refused'], endpoint: ENDPOINT_OF['messages-refused'], requests: refusable ? 2 : 1 });
  }
  if (areas.has('gateway') && gateway) {
    const firstOfTask = new Map<TaskId, ModelEntry>();
    for (const model of http.filter((m) => m.facts.response.envelope)) if (!firstOfTask.has(model.task)) firstOfTask.set(model.task, model);
    for (const model of firstOfTask.values()) add({ area: 'gateway', kind: 'gateway', model, checks: EXECUTION_CHECKS.gateway, endpoint: ENDPOINT_OF.gateway, requests: 3 });
  }
  if (areas.has('batch')) {
    for (const model of http.filter((m) => m.facts.batch)) {
      add({ area: 'batch', kind: 'batch', model, checks: EXECUTION_CHECKS.batch, endpoint: ENDPOINT_OF.batch, requests: 1 + BATCH_MAX_POLLS });
    }
  }
  if (areas.has('catalog')) add({ area: 'catalog', kind: 'catalog', checks: EXECUTION_CHECKS.catalog, endpoint: ENDPOINT_OF.catalog, requests: 2 + models.length });
  return cases;
}

/** The requests a plan may send before shrinking and retries (each execution counted once). */
export function plannedRequests(cases: readonly PlannedCase[]): number {
  const seen = new Set<string>();
  let total = 0;
  for (const c of cases) {
    const key = c.recorded !== undefined ? `oracle:${c.recorded}` : `${c.kind}:${c.model?.id ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    total += c.requests;
  }
  return total;
}
