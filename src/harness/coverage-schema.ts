/** @module Coverage items of one $ref-free schema (JSON pointers into it), and which of them a value exercises. */
import { createAjv } from '../contract/ajv.js';
import { toPointer } from '../contract/json-pointer.js';
import { selfContainedValidator, type Validator } from '../contract/validator-cache.js';
import type { JsonSchema } from '../contract/types.js';
import { codePointLength, isSchemaObject, stableJson, typesOf, type JsonType, type SchemaObject } from '../generate/arbitrary-from-schema.js';
import { fits } from '../pact/matchers.js';

/**
 * What a coverage item asks a run to do at its schema location: send (or see) an optional property,
 * an enum value, a value of an anyOf/oneOf branch, a number at its bound, a string at a length
 * bound, an array empty, of one item or of several.
 */
export type SchemaItemKind = 'optional' | 'enum' | 'branch' | 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'empty' | 'one' | 'many';

/** One coverage item: where it sits in the schema (a JSON pointer) and what it asks for. */
export interface SchemaItem {
  pointer: string;
  kind: SchemaItemKind;
}

/** The compact key of an item, as executions record it: `kind pointer`. */
export function itemKey(item: { kind: string; pointer?: string }): string {
  return `${item.kind} ${item.pointer ?? ''}`;
}

/** Which items a schema has: `values` adds enum values, bounds and array sizes (input coverage); without it only optional properties and branches (output coverage). */
export interface SchemaCoverageOptions {
  values: boolean;
}

/** Array items walked per array: enough to see every shape, not every byte of an image. */
const MAX_ITEMS_WALKED = 16;
/** Deeper subschemas add no item (a generated contract never nests this far; a cycle cannot hang the walk). */
const MAX_DEPTH = 24;

/** Keywords the invalid-input generator breaks (src/generate/invalid-from-schema.ts), as ajv names them. */
const BREAKABLE_RULES = ['required', 'type', 'const', 'enum', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties'];

interface Bound {
  key: string;
  /** The value that sits on the bound (inclusive bounds; integer exclusive bounds one step inside). */
  at: number;
}

interface Branch {
  key: string;
  schema: JsonSchema;
  node: PlanNode;
}

/** One subschema, compiled once into what observing a value needs. */
interface PlanNode {
  enumKeys?: Map<string, string>;
  minimum?: Bound;
  maximum?: Bound;
  minLength?: Bound;
  maxLength?: Bound;
  sizes?: { empty?: string; one?: string; many?: string };
  items?: PlanNode;
  prefixItems?: PlanNode[];
  properties?: Map<string, { node: PlanNode; optional?: string }>;
  additional?: PlanNode;
  allOf?: PlanNode[];
  branches?: Branch[];
}

/** One ajv for the branch validators: branches of inlined schemas are self-contained. */
let branchAjv: ReturnType<typeof createAjv> | undefined;
const branchValidators = new WeakMap<object, Validator | null>();

/** True when `value` is an instance of a branch: ajv's verdict, or a structural fit where ajv cannot compile the branch alone. */
function matchesBranch(schema: JsonSchema, value: unknown): boolean {
  if (typeof schema === 'boolean') return schema;
  let validate = branchValidators.get(schema);
  if (validate === undefined) {
    try {
      // Cached on disk like the contract's validators: compiling every branch cost a run over a second.
      validate = selfContainedValidator(schema, false, () => (branchAjv ??= createAjv({ allErrors: false, source: true })));
    } catch {
      validate = null;
    }
    branchValidators.set(schema, validate);
  }
  return validate ? (validate(value) as boolean) : fits(schema, value);
}

/**
 * The coverage items of one schema and an observer of values. The schema must be free of `$ref`
 * (`contract.inlinedSchema`): items are JSON pointers into exactly that document, the same one the
 * emulator's `models/schema` serves and `diff` points into.
 */
export class SchemaCoverage {
  /** Every item, in schema order. */
  readonly items: SchemaItem[] = [];
  /** Input schemas: each rule an invalid input can break (a JSON Schema keyword), at its first location. */
  readonly rules = new Map<string, string>();
  private readonly root: PlanNode;

  constructor(
    schema: JsonSchema,
    private readonly options: SchemaCoverageOptions,
  ) {
    this.root = this.plan(schema, [], 0);
  }

  private add(tokens: readonly (string | number)[], kind: SchemaItemKind): string {
    const item = { pointer: toPointer(tokens), kind };
    this.items.push(item);
    return itemKey(item);
  }

  private plan(schema: JsonSchema, at: readonly (string | number)[], depth: number): PlanNode {
    const node: PlanNode = {};
    if (!isSchemaObject(schema) || depth > MAX_DEPTH) return node;
    const values = this.options.values;
    const types = typesOf(schema);
    if (values) this.planRules(schema, at);
    if (values && Array.isArray(schema.enum) && schema.enum.length > 1) {
      node.enumKeys = new Map(schema.enum.map((v, i) => [stableJson(v), this.add([...at, 'enum', i], 'enum')]));
    }
    if (values && types && (types.includes('number') || types.includes('integer'))) this.planBounds(node, schema, types, at);
    if (values && types?.includes('string')) {
      if (typeof schema.minLength === 'number' && schema.minLength > 0) node.minLength = { key: this.add([...at, 'minLength'], 'minLength'), at: schema.minLength };
      if (typeof schema.maxLength === 'number') node.maxLength = { key: this.add([...at, 'maxLength'], 'maxLength'), at: schema.maxLength };
    }
    if (types?.includes('array') || 'items' in schema || 'prefixItems' in schema) this.planArray(node, schema, at, depth);
    if (isSchemaObject(schema.properties)) {
      const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
      node.properties = new Map();
      for (const [name, sub] of Object.entries(schema.properties)) {
        if (sub === false) continue;
        const optional = required.has(name) ? undefined : this.add([...at, 'properties', name], 'optional');
        node.properties.set(name, { node: this.plan(sub as JsonSchema, [...at, 'properties', name], depth + 1), ...(optional ? { optional } : {}) });
      }
    }
    if (isSchemaObject(schema.additionalProperties)) node.additional = this.plan(schema.additionalProperties, [...at, 'additionalProperties'], depth + 1);
    if (Array.isArray(schema.allOf)) node.allOf = schema.allOf.map((part, i) => this.plan(part as JsonSchema, [...at, 'allOf', i], depth + 1));
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const branches = schema[keyword];
      if (!Array.isArray(branches)) continue;
      node.branches = [
        ...(node.branches ?? []),
        ...branches.map((branch, i) => ({ key: this.add([...at, keyword, i], 'branch'), schema: branch as JsonSchema, node: this.plan(branch as JsonSchema, [...at, keyword, i], depth + 1) })),
      ];
    }
    return node;
  }

  private planRules(schema: SchemaObject, at: readonly (string | number)[]): void {
    const note = (keyword: string): void => {
      if (!this.rules.has(keyword)) this.rules.set(keyword, toPointer([...at, keyword]));
    };
    for (const keyword of BREAKABLE_RULES) {
      const value = schema[keyword];
      if (value === undefined || (value === 0 && (keyword === 'minLength' || keyword === 'minItems' || keyword === 'minProperties')) || (keyword === 'required' && (!Array.isArray(value) || value.length === 0))) continue;
      if (keyword === 'additionalProperties' && value !== false) continue;
      if (keyword === 'uniqueItems' && value !== true) continue;
      if (keyword === 'format' && (value === 'binary' || value === 'password')) continue; // any string passes: nothing to break
      note(keyword);
    }
    if (schema.additionalProperties === false) note('additionalProperties');
  }

  private planBounds(node: PlanNode, schema: SchemaObject, types: JsonType[], at: readonly (string | number)[]): void {
    const integer = !types.includes('number');
    const bound = (keyword: string, step: number): Bound | undefined => {
      const value = schema[keyword];
      if (typeof value !== 'number') return undefined;
      // A number cannot be sent "at" an exclusive bound; an integer can, one step inside it.
      if (step !== 0 && !(integer && Number.isInteger(value))) return undefined;
      return { key: this.add([...at, keyword], keyword.startsWith('exclusiveMin') || keyword === 'minimum' ? 'minimum' : 'maximum'), at: value + step };
    };
    const minimum = bound('minimum', 0) ?? bound('exclusiveMinimum', 1);
    const maximum = bound('maximum', 0) ?? bound('exclusiveMaximum', -1);
    if (minimum) node.minimum = minimum;
    if (maximum) node.maximum = maximum;
  }

  private planArray(node: PlanNode, schema: SchemaObject, at: readonly (string | number)[], depth: number): void {
    if (this.options.values) {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
      // Only sizes the schema allows, and only where the size is a choice (a tuple's is not).
      const allowed = (['empty', 'one', 'many'] as const).filter((size) => {
        const [lo, hi] = size === 'empty' ? [0, 0] : size === 'one' ? [1, 1] : [2, Infinity];
        return lo <= max && hi >= min && (schema.items !== false || prefix === 0);
      });
      if (allowed.length > 1) node.sizes = Object.fromEntries(allowed.map((size) => [size, this.add(at, size)]));
    }
    if (isSchemaObject(schema.items)) node.items = this.plan(schema.items, [...at, 'items'], depth + 1);
    if (Array.isArray(schema.prefixItems)) node.prefixItems = schema.prefixItems.map((p, i) => this.plan(p as JsonSchema, [...at, 'prefixItems', i], depth + 1));
  }

  /** Adds to `hit` the key of every item `value` exercises. */
  observe(value: unknown, hit: Set<string>): void {
    this.visit(this.root, value, hit);
  }

  private visit(node: PlanNode, value: unknown, hit: Set<string>): void {
    if (node.enumKeys) {
      const key = node.enumKeys.get(stableJson(value));
      if (key) hit.add(key);
    }
    if (typeof value === 'number') {
      if (node.minimum && value === node.minimum.at) hit.add(node.minimum.key);
      if (node.maximum && value === node.maximum.at) hit.add(node.maximum.key);
    } else if (typeof value === 'string' && (node.minLength || node.maxLength)) {
      const length = codePointLength(value);
      if (node.minLength && length === node.minLength.at) hit.add(node.minLength.key);
      if (node.maxLength && length === node.maxLength.at) hit.add(node.maxLength.key);
    } else if (Array.isArray(value)) {
      const size = node.sizes ? (value.length === 0 ? node.sizes.empty : value.length === 1 ? node.sizes.one : node.sizes.many) : undefined;
      if (size) hit.add(size);
      const walked = Math.min(value.length, MAX_ITEMS_WALKED);
      for (let i = 0; i < walked; i++) {
        const itemNode = node.prefixItems && i < node.prefixItems.length ? node.prefixItems[i] : node.items;
        if (itemNode) this.visit(itemNode, value[i], hit);
      }
    } else if (isSchemaObject(value) && (node.properties || node.additional)) {
      for (const [name, child] of Object.entries(value)) {
        const property = node.properties?.get(name);
        if (property) {
          if (property.optional) hit.add(property.optional);
          this.visit(property.node, child, hit);
        } else if (node.additional) this.visit(node.additional, child, hit);
      }
    }
    if (node.allOf) for (const part of node.allOf) this.visit(part, value, hit);
    if (node.branches) {
      for (const branch of node.branches) {
        if (!matchesBranch(branch.schema, value)) continue;
        hit.add(branch.key);
        this.visit(branch.node, value, hit);
      }
    }
  }
}
