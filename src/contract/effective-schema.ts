/** @module Builds a model's effective schema: generated structure + task constraints + overlay patches. */
import type { JsonSchema } from './types.js';
import { parsePointer } from './json-pointer.js';

/** Keywords that state a documented constraint on a value (copied from task to model). */
const CONSTRAINT_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'enum',
  'default',
  'format',
] as const;

type SchemaObject = { [keyword: string]: unknown };

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object schemas that hold top-level properties: the schema itself and its direct oneOf/anyOf/allOf branches. */
function propertyHolders(schema: unknown): SchemaObject[] {
  if (!isObject(schema)) return [];
  const holders: SchemaObject[] = [];
  if (isObject(schema.properties)) holders.push(schema);
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) for (const branch of branches) holders.push(...propertyHolders(branch));
  }
  return holders;
}

function typesOf(schema: SchemaObject): Set<string> | undefined {
  const type = schema.type;
  if (typeof type === 'string') return new Set(type === 'integer' ? ['integer', 'number'] : [type]);
  if (Array.isArray(type)) return new Set(type.flatMap((t) => (t === 'integer' ? ['integer', 'number'] : [String(t)])));
  return undefined;
}

/** True when a constraint written for `from` may be applied to `to` (same kind of value). */
function compatible(from: SchemaObject, to: SchemaObject): boolean {
  const a = typesOf(from);
  const b = typesOf(to);
  if (!a || !b) return false;
  return [...b].some((t) => a.has(t));
}

/**
 * Copies the task's documented constraints into the model's same-named top-level input properties,
 * where the model does not state its own. Returns the number of keywords copied.
 */
export function applyTaskConstraints(modelInput: JsonSchema, taskInput: JsonSchema): number {
  const taskProperties = new Map<string, SchemaObject>();
  for (const holder of propertyHolders(taskInput)) {
    for (const [name, property] of Object.entries(holder.properties as SchemaObject)) {
      if (isObject(property) && !taskProperties.has(name)) taskProperties.set(name, property);
    }
  }
  let copied = 0;
  for (const holder of propertyHolders(modelInput)) {
    for (const [name, property] of Object.entries(holder.properties as SchemaObject)) {
      const constraint = taskProperties.get(name);
      if (!constraint || !isObject(property) || !compatible(constraint, property)) continue;
      for (const keyword of CONSTRAINT_KEYWORDS) {
        if (keyword in constraint && !(keyword in property)) {
          // integer-ness is a documented constraint too: a model typed `number` takes the task's `integer`.
          property[keyword] = structuredClone(constraint[keyword]);
          copied++;
        }
      }
      if (constraint.type === 'integer' && property.type === 'number') property.type = 'integer';
    }
  }
  return copied;
}

/**
 * Merges `keywords` (by property name) into every same-named top-level property of `schema` (the schema and its
 * oneOf/anyOf/allOf branches); a `null` value deletes the keyword. A property that states its own alternatives
 * (`anyOf`/`oneOf`, e.g. llama-guard's `response`: text or `{safe, categories}`) keeps them, as a model's own
 * constraint wins over the task's. Returns the number of properties patched. This is how a task-wide correction
 * reaches every model of the task whatever the shape of its schema.
 */
export function applyPropertyPatch(schema: JsonSchema, patch: Record<string, SchemaObject>): number {
  let patched = 0;
  for (const holder of propertyHolders(schema)) {
    for (const [name, property] of Object.entries(holder.properties as SchemaObject)) {
      const keywords = patch[name];
      if (!keywords || !isObject(property) || 'anyOf' in property || 'oneOf' in property) continue;
      for (const [keyword, value] of Object.entries(keywords)) {
        if (value === null) delete property[keyword];
        else property[keyword] = structuredClone(value);
      }
      patched++;
    }
  }
  return patched;
}

/** Merges `keywords` into the subschema at `pointer`; throws when the pointer does not resolve. */
export function applyPatch(schema: JsonSchema, pointer: string, keywords: SchemaObject): void {
  let node: unknown = schema;
  for (const token of parsePointer(pointer)) {
    if (!isObject(node) && !Array.isArray(node)) throw new Error(`pointer ${pointer} does not resolve (stops at "${token}")`);
    node = (node as SchemaObject)[token];
  }
  if (!isObject(node)) throw new Error(`pointer ${pointer} does not resolve to a schema object`);
  for (const [keyword, value] of Object.entries(keywords)) {
    if (value === null) delete node[keyword];
    else node[keyword] = structuredClone(value);
  }
}

/**
 * Merges `keywords` into every subschema of `schema` whose JSON pointer ends with `suffix` (a task-wide input
 * correction: the same construct sits at different depths in different models' schemas, e.g. a tool parameter under
 * `tools/items/anyOf/0/...` or `.../anyOf/1/properties/function/...`). A `null` value deletes the keyword. Returns
 * the number of subschemas patched.
 */
export function applySuffixPatch(schema: JsonSchema, suffix: string, keywords: SchemaObject): number {
  // The walk keeps the path as tokens and compares the last ones with the suffix's: building every subschema's
  // pointer as text was most of a contract load (every model's schema is walked once per task-wide patch).
  const want = parsePointer(suffix);
  const path: string[] = [];
  const endsWithSuffix = (): boolean => {
    if (path.length < want.length) return false;
    for (let i = 1; i <= want.length; i++) if (path[path.length - i] !== want[want.length - i]) return false;
    return true;
  };
  let patched = 0;
  const walk = (node: unknown, depth: number): void => {
    if (depth > 64 || typeof node !== 'object' || node === null) return;
    if (want.length > 0 && isObject(node) && endsWithSuffix()) {
      for (const [keyword, value] of Object.entries(keywords)) {
        if (value === null) delete node[keyword];
        else node[keyword] = structuredClone(value);
      }
      patched++;
    }
    for (const key of Object.keys(node)) {
      path.push(key);
      walk((node as SchemaObject)[key], depth + 1);
      path.pop();
    }
  };
  walk(schema, 0);
  return patched;
}
