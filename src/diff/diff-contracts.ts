/**
 * @module Two loaded contracts, old and new: every change, classified for clients and for mocks.
 * Goes past an OpenAPI diff by comparing each catalogue model's own effective input and output
 * schemas and facts, and each task's canonical schemas, besides openapi.yaml.
 */
import type { Contract } from '../contract/contract.js';
import { inlineRefs } from '../contract/dereference.js';
import { escapeToken } from '../contract/json-pointer.js';
import { modelStatus, type JsonSchema, type ModelEntry, type ModelFacts } from '../contract/types.js';
import { classifySchemaChange, describeSchemaChange, MODEL_CHANGE_LEVELS } from './classify.js';
import { diffOpenapi } from './openapi-diff.js';
import { diffSchemas, sameJson } from './schema-diff.js';
import type { Audience, ContractSide, DiffEntry, DiffReport, Direction, Level, ModelChangeKind } from './types.js';
import { AUDIENCES, LEVELS } from './types.js';

export interface DiffOptions {
  /** How to name the old and new contracts in the report (default: their directories). */
  oldLabel?: string;
  newLabel?: string;
}

const PARTS: readonly Direction[] = ['input', 'output'];
const show = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));

function schemaEntries(before: JsonSchema, after: JsonSchema, part: Direction, where: Pick<DiffEntry, 'scope' | 'model' | 'task'>): DiffEntry[] {
  return diffSchemas(before, after).map((change) => {
    const { effect: _effect, closed: _closed, ...rest } = change;
    return { ...rest, ...where, part, levels: classifySchemaChange(change, part), message: describeSchemaChange(change) };
  });
}

function modelEntry(kind: ModelChangeKind, model: ModelEntry, pointer: string, message: string, extra: Partial<DiffEntry> = {}): DiffEntry {
  return { kind, scope: 'model', model: model.id, task: model.task, pointer, ...extra, levels: { ...MODEL_CHANGE_LEVELS[kind] }, message };
}

/** Changes between two models' facts. */
export function diffFacts(model: ModelEntry, a: ModelFacts, b: ModelFacts): DiffEntry[] {
  const out: DiffEntry[] = [];
  const add = (kind: ModelChangeKind, pointer: string, message: string, extra: Partial<DiffEntry> = {}) => out.push(modelEntry(kind, model, pointer, message, extra));
  const seen = new Set<string>(['response', 'streams', 'outputStyle', 'embeddingDimension', 'labels', 'openai', 'rawInput', 'transport', 'maxTokens', 'contextWindow', 'defaultImageSize']);
  const change = (key: keyof ModelFacts, kind: ModelChangeKind, what: string) => {
    const [x, y] = [a[key], b[key]];
    if (sameJson(x, y)) return false;
    const pointer = `/facts/${key}`;
    if (x === undefined) add('fact-added', pointer, `${what} now stated: ${show(y)}`, { after: y });
    else if (y === undefined) add('fact-removed', pointer, `${what} no longer stated (was ${show(x)})`, { before: x });
    else add(kind, pointer, `${what} changed: ${show(x)} → ${show(y)}`, { before: x, after: y });
    return true;
  };

  if (a.response.contentType !== b.response.contentType) {
    add('response-content-type-changed', '/facts/response/contentType', `answer content type changed: ${a.response.contentType} → ${b.response.contentType}`, { before: a.response.contentType, after: b.response.contentType });
  }
  if (a.response.envelope !== b.response.envelope) {
    add('response-envelope-changed', '/facts/response/envelope', b.response.envelope ? 'answers are now in the v4 envelope' : 'answers are no longer in the v4 envelope (raw body)', { before: a.response.envelope, after: b.response.envelope });
  }
  if (a.streams && !b.streams) add('streaming-dropped', '/facts/streams', 'streaming dropped (streams: true → false)', { before: true, after: false });
  if (!a.streams && b.streams) add('streaming-added', '/facts/streams', 'streaming added (streams: false → true)', { before: false, after: true });
  change('outputStyle', 'output-style-changed', 'output style');
  change('embeddingDimension', 'embedding-dimension-changed', 'embedding dimension');
  change('transport', 'transport-changed', 'transport');
  change('maxTokens', 'max-tokens-changed', 'default max_tokens');
  change('defaultImageSize', 'default-image-size-changed', 'default image size');
  if (a.labels && b.labels) {
    const removed = a.labels.filter((l) => !b.labels!.includes(l));
    const added = b.labels.filter((l) => !a.labels!.includes(l));
    if (removed.length) add('labels-removed', '/facts/labels', `labels removed: ${removed.join(', ')}`, { before: a.labels, after: b.labels, values: removed });
    if (added.length) add('labels-added', '/facts/labels', `labels added: ${added.join(', ')}`, { before: a.labels, after: b.labels, values: added });
  } else change('labels', 'fact-changed', 'label set');
  if (a.contextWindow !== undefined && b.contextWindow !== undefined) {
    if (a.contextWindow !== b.contextWindow) {
      const kind = b.contextWindow < a.contextWindow ? 'context-window-decreased' : 'context-window-increased';
      add(kind, '/facts/contextWindow', `context window ${kind.slice('context-window-'.length)}: ${a.contextWindow} → ${b.contextWindow}`, { before: a.contextWindow, after: b.contextWindow });
    }
  } else change('contextWindow', 'fact-changed', 'context window');
  const endpoints = new Set([...Object.keys(a.openai ?? {}), ...Object.keys(b.openai ?? {})]);
  for (const endpoint of endpoints) {
    const was = Boolean((a.openai as Record<string, boolean> | undefined)?.[endpoint]);
    const is = Boolean((b.openai as Record<string, boolean> | undefined)?.[endpoint]);
    if (was && !is) add('openai-endpoint-removed', `/facts/openai/${escapeToken(endpoint)}`, `no longer served by the OpenAI-compatible ${endpoint} endpoint`, { before: true, after: false, values: [endpoint] });
    if (!was && is) add('openai-endpoint-added', `/facts/openai/${escapeToken(endpoint)}`, `now served by the OpenAI-compatible ${endpoint} endpoint`, { before: false, after: true, values: [endpoint] });
  }
  const ra = a.rawInput ?? [];
  const rb = b.rawInput ?? [];
  const rawRemoved = ra.filter((t) => !rb.includes(t));
  const rawAdded = rb.filter((t) => !ra.includes(t));
  if (rawRemoved.length) add('raw-input-removed', '/facts/rawInput', `raw request bodies no longer accepted: ${rawRemoved.join(', ')}`, { before: a.rawInput, after: b.rawInput, values: rawRemoved });
  if (rawAdded.length) add('raw-input-added', '/facts/rawInput', `raw request bodies now accepted: ${rawAdded.join(', ')}`, { before: a.rawInput, after: b.rawInput, values: rawAdded });
  // Facts this module does not know yet (added to ModelFacts later): compared whole.
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (seen.has(key)) continue;
    change(key as keyof ModelFacts, 'fact-changed', key);
  }
  return out;
}

function statusLabel(model: ModelEntry): string {
  const date = model.lifecycle?.deprecationDate;
  return date ? `${modelStatus(model)} ${date}` : modelStatus(model);
}

/** A model's status change (spec/models/lifecycle.yaml): deprecated is a warning for clients, others info. */
export function diffStatus(model: ModelEntry, old: ModelEntry): DiffEntry[] {
  const [a, b] = [statusLabel(old), statusLabel(model)];
  if (a === b) return [];
  const kind = modelStatus(model) === 'deprecated' && modelStatus(old) !== 'deprecated' ? 'model-deprecated' : 'status-changed';
  return [modelEntry(kind, model, '/status', kind === 'model-deprecated' ? `model deprecated (${a} → ${b})` : `status changed: ${a} → ${b}`, { before: a, after: b })];
}

function side(contract: Contract, label: string | undefined): ContractSide {
  return { label: label ?? contract.dir, typesPackage: contract.typesPackage, models: contract.models.size };
}

/** Every change from `before` (old) to `after` (new), classified for clients and mocks. */
export function diffContracts(before: Contract, after: Contract, options: DiffOptions = {}): DiffReport {
  const started = performance.now();
  const changes: DiffEntry[] = [];

  if (!sameJson(before.typesPackage, after.typesPackage)) {
    const [x, y] = [before.typesPackage, after.typesPackage];
    changes.push({ kind: 'types-package-changed', scope: 'contract', pointer: '', before: x, after: y, levels: { ...MODEL_CHANGE_LEVELS['types-package-changed'] }, message: `generated from ${x.name}@${x.version} → ${y.name}@${y.version}` });
  }

  for (const entry of diffOpenapi(before.openapi, after.openapi)) changes.push({ ...entry, scope: 'openapi' });

  for (const [id, task] of after.tasks) {
    const old = before.tasks.get(id);
    if (!old) continue; // task ids are a fixed set
    if (old.name !== task.name) changes.push({ kind: 'task-renamed', scope: 'task', task: id, pointer: '/title', before: old.name, after: task.name, levels: { ...MODEL_CHANGE_LEVELS['task-renamed'] }, message: `task name changed: ${old.name} → ${task.name}` });
    for (const part of PARTS) {
      const a = inlineRefs(old[part], old.schemaUri, (uri) => before.document(uri));
      const b = inlineRefs(task[part], task.schemaUri, (uri) => after.document(uri));
      changes.push(...schemaEntries(a, b, part, { scope: 'task', task: id }));
    }
  }

  for (const [id, model] of before.models) {
    if (!after.models.has(id)) changes.push(modelEntry('model-removed', model, '', `model removed (was ${model.task})`));
  }
  for (const [id, model] of after.models) {
    const old = before.models.get(id);
    if (!old) {
      const status = modelStatus(model);
      changes.push(modelEntry('model-added', model, '', `model added (${model.task}${status === 'active' ? '' : `, ${statusLabel(model)}`})`));
      continue;
    }
    if (old.task !== model.task) changes.push(modelEntry('task-changed', model, '/task', `task changed: ${old.task} → ${model.task}`, { before: old.task, after: model.task }));
    if (old.source !== model.source) changes.push(modelEntry('source-changed', model, '/source', `schema source changed: ${old.source} → ${model.source}`, { before: old.source, after: model.source }));
    changes.push(...diffStatus(model, old));
    if (old.typesClass !== model.typesClass) changes.push(modelEntry('types-class-changed', model, '/typesClass', `workers-types class changed: ${old.typesClass ?? 'none'} → ${model.typesClass ?? 'none'}`, { before: old.typesClass, after: model.typesClass }));
    changes.push(...diffFacts(model, old.facts, model.facts));
    for (const part of PARTS) {
      changes.push(...schemaEntries(before.inlinedSchema(old, part), after.inlinedSchema(model, part), part, { scope: 'model', model: id, task: model.task }));
    }
  }

  const summary = Object.fromEntries(AUDIENCES.map((a) => [a, Object.fromEntries(LEVELS.map((l) => [l, 0]))])) as Record<Audience, Record<Level, number>>;
  for (const change of changes) for (const audience of AUDIENCES) summary[audience][change.levels[audience]]++;
  return {
    old: side(before, options.oldLabel),
    new: side(after, options.newLabel),
    changes,
    summary,
    durationMs: Math.round(performance.now() - started),
  };
}
