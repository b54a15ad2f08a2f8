/** @module How many covering requests a model gets (cheap: the plan counts them before anything is generated). */
import type { Contract } from '../contract/contract.js';
import type { JsonSchema, ModelEntry } from '../contract/types.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const BOUNDED = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'items'];

/** The most choices one enum or anyOf/oneOf offers anywhere in `schema` (1 when none does). */
function widestChoice(schema: JsonSchema, depth = 0): number {
  if (!isObject(schema) || depth > 32) return 1;
  let widest = 1;
  for (const keyword of ['enum', 'anyOf', 'oneOf']) {
    const list = schema[keyword];
    if (Array.isArray(list)) widest = Math.max(widest, list.length);
  }
  // Bounds and array sizes: one request at the low end, one at the high end (or of a single item).
  if (BOUNDED.some((keyword) => keyword in schema)) widest = Math.max(widest, 2);
  for (const value of Object.values(schema)) {
    if (Array.isArray(value)) for (const item of value) widest = Math.max(widest, widestChoice(item as JsonSchema, depth + 1));
    else if (isObject(value)) widest = Math.max(widest, widestChoice(value, depth + 1));
  }
  return widest;
}

const counts = new WeakMap<Contract, Map<string, number>>();

/**
 * How many covering requests a model gets: as many as its widest enum or union has choices, two
 * where it has bounds or arrays (low and high end), at least one (which sends every optional
 * property). Request `i` takes choice `i` of each.
 */
export function coveringCount(contract: Contract, model: ModelEntry): number {
  let perContract = counts.get(contract);
  if (!perContract) counts.set(contract, (perContract = new Map()));
  let count = perContract.get(model.id);
  if (count === undefined) perContract.set(model.id, (count = widestChoice(contract.inlinedSchema(model, 'input'))));
  return count;
}

