/** @module Reads a model's effective output schema for what the makers need: which properties exist, of which types. */
import type { Contract } from '../../contract/contract.js';
import type { JsonSchema, ModelEntry } from '../../contract/types.js';
import { exampleFromSchema, isNeverSchema } from '../../generate/example-from-schema.js';
import type { OutputContext } from '../types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A path into instances: property names, and `[]` for "any array item". */
export type ShapePath = readonly string[];

/** Resolves an absolute schema URI through the contract's registered documents. */
export function contractResolver(contract: Contract): (uri: string) => JsonSchema | undefined {
  return (uri) => contract.schemaAt(uri);
}

/**
 * Every plain subschema an instance's value at `path` may be checked against, following `$ref`,
 * `allOf`, `anyOf` and `oneOf` (union: "may", not "must"). Empty when no branch declares the path.
 */
export function subschemasAt(contract: Contract, model: ModelEntry, path: ShapePath, part: 'input' | 'output' = 'output'): Obj[] {
  const resolve = contractResolver(contract);
  const out: Obj[] = [];
  const visit = (node: unknown, base: string, i: number, depth: number): void => {
    if (depth > 48 || !isObject(node) || isNeverSchema(node)) return;
    if (typeof node.$ref === 'string') {
      const uri = new URL(node.$ref, base).href;
      const target = resolve(uri);
      if (target !== undefined) visit(target, uri.split('#')[0]!, i, depth + 1);
    }
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (Array.isArray(node[key])) for (const branch of node[key] as unknown[]) visit(branch, base, i, depth + 1);
    }
    if (i === path.length) {
      out.push(node);
      return;
    }
    const step = path[i]!;
    if (step === '[]') {
      if (node.items !== undefined) visit(node.items, base, i + 1, depth + 1);
      if (Array.isArray(node.prefixItems)) for (const item of node.prefixItems) visit(item, base, i + 1, depth + 1);
    } else if (isObject(node.properties) && node.properties[step] !== undefined) {
      visit(node.properties[step], base, i + 1, depth + 1);
    }
  };
  visit(part === 'output' ? model.output : model.input, model.schemaUri, 0, 0);
  return out;
}

/** The JSON types the value at `path` may have (`any` when a reached schema states none). */
export function typesAt(contract: Contract, model: ModelEntry, path: ShapePath): Set<string> {
  const types = new Set<string>();
  for (const schema of subschemasAt(contract, model, path)) {
    if (Array.isArray(schema.type)) for (const t of schema.type) types.add(String(t));
    else if (typeof schema.type === 'string') types.add(schema.type);
    else if (schema.const !== undefined) types.add(schema.const === null ? 'null' : typeof schema.const);
    else if (!schema.anyOf && !schema.oneOf && !schema.allOf && !schema.$ref) types.add(schema.properties ? 'object' : 'any');
  }
  return types;
}

/** True when some branch of the output schema declares the property at `path`. */
export function declares(contract: Contract, model: ModelEntry, path: ShapePath): boolean {
  return subschemasAt(contract, model, path).length > 0;
}

/** Top-level property names the output schema declares (any branch); empty when it declares none. */
export function declaredProperties(contract: Contract, model: ModelEntry): Set<string> {
  const names = new Set<string>();
  for (const schema of subschemasAt(contract, model, [])) {
    if (isObject(schema.properties)) for (const [name, sub] of Object.entries(schema.properties)) if (!isNeverSchema(sub)) names.add(name);
  }
  return names;
}

/** Keeps only the members the schema declares, when it declares any: one superset answer fits every variant. */
export function keepDeclared<T extends Obj>(value: T, declared: ReadonlySet<string>): Partial<T> {
  if (declared.size === 0) return value;
  const out: Obj = {};
  for (const key of Object.keys(value)) if (declared.has(key)) out[key] = value[key];
  return out as Partial<T>;
}

/** Memoises a per-model fact (computed from the schema once, then a WeakMap lookup per request). */
export function perModel<T>(compute: (contract: Contract, model: ModelEntry) => T): (contract: Contract, model: ModelEntry) => T {
  const cache = new WeakMap<ModelEntry, T>();
  return (contract, model) => {
    let value = cache.get(model);
    if (value === undefined) {
      value = compute(contract, model);
      cache.set(model, value);
    }
    return value;
  };
}

/**
 * A schema-valid answer for an output shape no maker knows (a model the overlay adds later),
 * then `overrides` for the members that carry meaning, where the schema declares them.
 */
export function exampleOutput(context: OutputContext, overrides: Obj = {}): unknown {
  const { contract, model, rng } = context;
  const value = exampleFromSchema(model.output, rng, { resolveRef: contractResolver(contract), baseUri: model.schemaUri });
  if (!isObject(value)) return value;
  const declared = declaredProperties(contract, model);
  for (const [key, override] of Object.entries(overrides)) {
    if (!declared.has(key)) continue;
    const types = typesAt(contract, model, [key]);
    const kind = Array.isArray(override) ? 'array' : override === null ? 'null' : typeof override;
    const fits = types.has('any') || types.has(kind) || (kind === 'number' && types.has('integer') && Number.isInteger(override));
    if (fits) value[key] = override;
  }
  return value;
}
