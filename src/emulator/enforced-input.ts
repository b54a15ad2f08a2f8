/** @module The `accept-unenforced-input` fault's validator: a model's input schema keeping only the rules the real API is known to enforce. */
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../contract/ajv.js';
import type { Contract } from '../contract/contract.js';
import { enforcementOf } from '../contract/enforcement.js';
import type { JsonSchema, ModelEntry } from '../contract/types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose values are maps of subschemas, single subschemas, and lists of subschemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SCHEMA_SINGLES = ['items', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'contains', 'not', 'if', 'then', 'else', 'propertyNames'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

/** A copy of `schema` without the keywords in `drop`, at every schema position (never inside a `properties` name). */
export function withoutKeywords(schema: JsonSchema, drop: ReadonlySet<string>): JsonSchema {
  if (!isObject(schema)) return schema;
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema)) {
    if (drop.has(key)) continue;
    if (SCHEMA_MAPS.includes(key) && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutKeywords(v as JsonSchema, drop)]));
    else if (SCHEMA_SINGLES.includes(key)) out[key] = withoutKeywords(value as JsonSchema, drop);
    else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) out[key] = value.map((v) => withoutKeywords(v as JsonSchema, drop));
    else out[key] = value;
  }
  return out;
}

const validators = new WeakMap<Contract, Map<string, ValidateFunction | null>>();

/**
 * True when `input` keeps every rule whose kind spec/enforcement.yaml classes `documented-and-observed`:
 * what a server enforcing only established rules would check. Place-based overrides are not applied
 * (they refine where a rule is broken, not what the schema says), so this errs towards refusing.
 * Undefined when the stripped schema cannot be compiled on its own (the caller then keeps full validation).
 */
export function keepsEnforcedRules(contract: Contract, model: ModelEntry, input: unknown): boolean | undefined {
  let perContract = validators.get(contract);
  if (!perContract) validators.set(contract, (perContract = new Map()));
  let validate = perContract.get(model.id);
  if (validate === undefined) {
    const drop = new Set(enforcementOf(contract).table.kinds.filter((k) => k.class !== 'documented-and-observed').map((k) => k.id));
    try {
      validate = createAjv({ allErrors: false }).compile(withoutKeywords(contract.inlinedSchema(model, 'input'), drop) as object);
    } catch {
      validate = null;
    }
    perContract.set(model.id, validate);
  }
  return validate ? validate(input) === true : undefined;
}
