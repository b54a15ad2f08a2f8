/**
 * @module The catalogue endpoints, answered from the contract: `/ai/models/search` (filters and paging),
 * `/ai/models/schema?model=` (the model's effective input and output schemas, self-contained),
 * `/ai/tasks/search` and `/ai/authors/search`. Ids are UUIDs derived from the model or task id, so they are
 * stable across runs.
 */
import { createHash } from 'node:crypto';
import type { Contract } from '../contract/contract.js';
import type { JsonSchema, ModelEntry, TaskEntry } from '../contract/types.js';
import type { CatalogEndpoint } from '../targets/types.js';
import { errorResponse } from './errors.js';
import type { EmulatorResponse } from './types.js';

/** Items per page when `per_page` is absent (the contract's example), and the largest page served. */
export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 1000;

/** A name-based (version 5 layout) UUID: the same name always gives the same id. */
export function stableUuid(name: string): string {
  const hash = createHash('sha1').update(`wai-conformance:${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The author part of a model id (`@cf/meta/llama-3...` → `meta`). */
export function authorOf(modelId: string): string {
  const parts = modelId.split('/');
  return parts.length >= 3 ? parts[1]! : '';
}

interface TaskItem {
  id: string;
  name: string;
  description: string;
}

interface ModelItem {
  id: string;
  source: number;
  name: string;
  description: string;
  task: TaskItem;
  tags: string[];
  properties: { property_id: string; value: string }[];
}

function taskItem(task: TaskEntry | undefined, fallbackId: string): TaskItem {
  return { id: stableUuid(`task:${fallbackId}`), name: task?.name ?? fallbackId, description: task?.description ?? '' };
}

function modelItem(contract: Contract, model: ModelEntry): ModelItem {
  const task = contract.tasks.get(model.task);
  const properties: ModelItem['properties'] = [];
  if (model.facts.contextWindow !== undefined) properties.push({ property_id: 'context_window', value: String(model.facts.contextWindow) });
  if (model.facts.transport === 'websocket') properties.push({ property_id: 'realtime', value: 'true' });
  // The catalogue's own lifecycle properties (spec/models/lifecycle.yaml): `beta`, and `planned_deprecation_date`
  // as Cloudflare adds it to models it retires.
  if (model.lifecycle?.status === 'beta') properties.push({ property_id: 'beta', value: 'true' });
  if (model.lifecycle?.deprecationDate) properties.push({ property_id: 'planned_deprecation_date', value: model.lifecycle.deprecationDate });
  return {
    id: stableUuid(`model:${model.id}`),
    source: 1,
    name: model.id,
    description: `${task?.name ?? model.task} model ${model.id}`,
    task: taskItem(task, model.task),
    tags: [],
    properties,
  };
}

function json(result: unknown, extra?: Record<string, unknown>): EmulatorResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ result, success: true, errors: [], messages: [], ...extra }),
  };
}

/** A positive integer query value, or the fallback when absent or not one. */
function positiveInt(value: string | null, fallback: number, max: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

const lower = (s: string): string => s.toLowerCase();

/**
 * Inlines every `$ref` of a schema (resolved through the contract's registered documents), so the
 * answer stands alone as the catalogue's schemas do. A recursive reference becomes `{}` with a comment.
 */
export function dereference(contract: Contract, schema: JsonSchema, baseUri: string, seen: readonly string[] = []): JsonSchema {
  const walk = (node: unknown, base: string, path: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, base, path));
    if (typeof node !== 'object' || node === null) return node;
    const object = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    let inlined: unknown;
    for (const [key, value] of Object.entries(object)) {
      if (key === '$ref' && typeof value === 'string') {
        const absolute = new URL(value, base).href;
        if (path.includes(absolute)) {
          inlined = { $comment: `recursive reference to ${value}` };
          continue;
        }
        const target = contract.schemaAt(absolute);
        if (target === undefined) {
          out.$ref = value;
          continue;
        }
        inlined = walk(target, absolute.split('#')[0]!, [...path, absolute]);
        continue;
      }
      // Values of these keywords are data, not schemas.
      if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || key === 'example') out[key] = value;
      else if (key === '$defs' || key === 'definitions' || key === '$id' || key === '$schema') continue;
      else out[key] = walk(value, base, path);
    }
    if (inlined === undefined) return out;
    if (Object.keys(out).length === 0) return inlined;
    return { allOf: [inlined], ...out };
  };
  return walk(schema, baseUri, seen) as JsonSchema;
}

/** Answers the catalogue endpoints of one contract; item lists and schemas are built once. */
export class Catalog {
  private modelItems?: ModelItem[];
  private readonly schemaBodies = new Map<string, string>();

  constructor(private readonly contract: Contract) {}

  handle(endpoint: CatalogEndpoint, query: URLSearchParams): EmulatorResponse {
    switch (endpoint) {
      case 'models/search':
        return this.searchModels(query);
      case 'models/schema':
        return this.modelSchema(query.get('model'));
      case 'tasks/search':
        return json([...this.contract.tasks.values()].map((t) => taskItem(t, t.id)));
      case 'authors/search':
        return json(this.authors());
    }
  }

  private items(): ModelItem[] {
    this.modelItems ??= [...this.contract.models.values()].map((m) => modelItem(this.contract, m));
    return this.modelItems;
  }

  private authors(): { id: string; name: string; description: string }[] {
    const names = [...new Set([...this.contract.models.keys()].map(authorOf).filter(Boolean))].sort();
    return names.map((name) => ({ id: stableUuid(`author:${name}`), name, description: name }));
  }

  searchModels(query: URLSearchParams): EmulatorResponse {
    let items = this.items();
    const task = query.get('task');
    if (task) {
      const wanted = lower(task.trim());
      items = items.filter((item) => {
        const model = this.contract.model(item.name);
        return lower(item.task.name) === wanted || model?.task === wanted || item.task.id === wanted;
      });
    }
    const author = query.get('author');
    if (author) items = items.filter((item) => lower(authorOf(item.name)) === lower(author.trim()));
    const search = query.get('search');
    if (search) {
      const needle = lower(search.trim());
      items = items.filter((item) => lower(item.name).includes(needle) || lower(item.description).includes(needle));
    }
    const source = query.get('source');
    if (source !== null && source.trim() !== '' && Number.isFinite(Number(source))) items = items.filter((item) => item.source === Number(source));
    // Deprecated models stay listed whatever `include_deprecated` says: the emulator serves the whole contract, and
    // `spec sync --check` compares that listing with it. Their `planned_deprecation_date` property says what they are.
    if (query.get('hide_experimental') === 'true') {
      items = items.filter((item) => !item.properties.some((p) => p.property_id === 'beta' && p.value === 'true'));
    }
    const perPage = positiveInt(query.get('per_page'), DEFAULT_PER_PAGE, MAX_PER_PAGE);
    const page = positiveInt(query.get('page'), 1, Number.MAX_SAFE_INTEGER);
    const start = (page - 1) * perPage;
    const slice = start >= items.length ? [] : items.slice(start, start + perPage);
    return json(slice, { result_info: { page, per_page: perPage, count: slice.length, total_count: items.length } });
  }

  modelSchema(modelId: string | null): EmulatorResponse {
    if (modelId === null || modelId.trim() === '') return errorResponse('incomplete', { what: 'query parameter model' });
    const cached = this.schemaBodies.get(modelId);
    if (cached !== undefined) return { status: 200, headers: { 'content-type': 'application/json' }, body: cached };
    const model = this.contract.model(modelId);
    if (!model) return errorResponse('noSuchModel', { model: modelId });
    const base = `${model.schemaUri}#`;
    const result = {
      input: dereference(this.contract, model.input, base),
      output: dereference(this.contract, model.output, base),
    };
    const body = JSON.stringify({ result, success: true, errors: [], messages: [] });
    this.schemaBodies.set(modelId, body);
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  }
}
