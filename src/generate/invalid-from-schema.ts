/** @module Inputs that break exactly one documented rule of a schema, and the ajv oracle that confirms they are invalid. */
import fc from 'fast-check';
import type { Contract } from '../contract/contract.js';
import { fastDrawing } from './fast-draw.js';
import type { JsonSchema, ModelEntry } from '../contract/types.js';
import {
  boundedFilter,
  codePointLength,
  documentSource,
  formatValidator,
  isSchemaObject,
  JSON_TYPES,
  jsonTypeOf,
  locationUri,
  SchemaArbitraryBuilder,
  STANDALONE_BASE,
  smallJson,
  stableJson,
  typeAllows,
  typesOf,
  type ArbitraryOptions,
  type JsonType,
  type ResolvedSchema,
  type SchemaNode,
  type SchemaObject,
} from './arbitrary-from-schema.js';

/** One way to break the schema: every value of `arbitrary` breaks `rule` at `pointer` and (as far as can be made so) nothing else. */
export interface InvalidCase {
  /** The JSON Schema keyword broken, as ajv names it (`required`, `type`, `minimum`, `maxLength`, `enum`, ...). */
  rule: string;
  /** JSON pointer into the value where ajv reports the error (the object for `required` and `additionalProperties`). */
  pointer: string;
  /** `<document>#<pointer>` of the schema whose rule is broken. */
  schemaLocation: string;
  /** Whole values (the root), valid everywhere except at `pointer`. */
  arbitrary: fc.Arbitrary<unknown>;
  /**
   * True when no anyOf/oneOf lies between the root and the mutation, so the contract rejects every value
   * by construction. False cases may be accepted by a sibling branch: only the oracle can tell.
   */
  certain: boolean;
}

/** Options of `invalidArbitraries`: those of `arbitraryFromSchema` (for the valid parts) plus how deep to mutate. */
export interface InvalidOptions extends ArbitraryOptions {
  /** Deepest nesting at which rules are broken (default 4); deeper rules are left to shallower cases. */
  maxMutationDepth?: number;
  /**
   * Final filter: keep only values this returns true for (judged on the serialised value). Pass
   * `(v) => !validate(v)` built from the contract (see `isReallyInvalid`), so that a mutation another
   * anyOf/oneOf branch accepts is dropped. Uncertain cases the oracle never confirms are dropped whole.
   */
  oracle?: (value: unknown) => boolean;
}

/**
 * The value as a target receives it: what JSON.stringify sends, parsed back (`undefined` dropped, -0 → 0).
 * Plain data (what the generators draw) is copied directly, with JSON's rules, several times faster than
 * the round trip through text; anything else (class instances, `toJSON`, bigint, cycles) takes the round trip.
 */
export function serialise<T>(value: T): T {
  if (value === undefined) return value;
  const copy = typeof value === 'function' || typeof value === 'symbol' ? NOT_PLAIN : jsonCopy(value, 0);
  return (copy === NOT_PLAIN ? JSON.parse(JSON.stringify(value)) : copy) as T;
}

/** What `jsonCopy` returns for a value it leaves to JSON.stringify. */
const NOT_PLAIN: unique symbol = Symbol('not plain data');
/** Deeper than this, the copy gives up (a cycle, or data no generator draws) and the round trip decides. */
const MAX_COPY_DEPTH = 256;

/** `JSON.parse(JSON.stringify(value))` for plain data; NOT_PLAIN for anything else. Inside objects and arrays as JSON treats them. */
function jsonCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value + 0 : null; // + 0 turns -0 into 0
    case 'object': {
      if (value === null) return null;
      if (depth > MAX_COPY_DEPTH) return NOT_PLAIN;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_PLAIN;
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item = jsonCopy(value[i], depth + 1);
          if (item === NOT_PLAIN) return NOT_PLAIN;
          out[i] = item === undefined ? null : item; // JSON writes a missing element as null
        }
        return out;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const item = jsonCopy((value as Record<string, unknown>)[key], depth + 1);
        if (item === NOT_PLAIN) return NOT_PLAIN;
        if (item === undefined) continue; // JSON drops the member
        // JSON.parse makes `__proto__` an own property; an assignment would set the prototype instead.
        if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
        else out[key] = item;
      }
      return out;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined; // dropped from objects, null in arrays, as JSON.stringify does
    default:
      return NOT_PLAIN; // bigint: JSON.stringify throws, and so does the round trip
  }
}

/**
 * The oracle: true when the contract really rejects `value` as the model's input, judged on the value
 * as serialised for the wire. Only such a request may count against a target that accepts it.
 */
export function isReallyInvalid(contract: Contract, model: ModelEntry, value: unknown): boolean {
  return contract.validateModel(model, 'input', serialise(value)).length > 0;
}

/** Values of each JSON type, used where a value of the wrong type is wanted. */
const WRONG_TYPE_VALUES: Record<JsonType, unknown> = {
  null: null,
  boolean: true,
  integer: 7,
  number: 1.5,
  string: 'not-the-right-type',
  array: [],
  object: {},
};

/** Strings each format rejects (filtered against ajv's own check before use). */
const BAD_FORMAT_VALUES = ['', 'not a valid value', '2024-13-45T99:99:99Z', 'http://', '@', '::::::', 'zz-zz', '%%%'];

interface Case {
  rule: string;
  pointer: string;
  schemaLocation: string;
  /** Values for the node itself (not the root). */
  arbitrary: fc.Arbitrary<unknown>;
  certain: boolean;
}

class InvalidWalker {
  private readonly maxDepth: number;

  constructor(
    private readonly builder: SchemaArbitraryBuilder,
    options: InvalidOptions,
  ) {
    this.maxDepth = options.maxMutationDepth ?? 4;
  }

  private valid(node: SchemaNode): fc.Arbitrary<unknown> {
    return this.builder.build(node);
  }

  /** Every case for the value at `node`, which sits at `pointer` in the instance. */
  cases(node: SchemaNode, pointer: string, resolved = this.builder.resolve(node.schema, node.location), inBranch = false, certain = true): Case[] {
    const schema = resolved.schema;
    if (!isSchemaObject(schema)) return []; // `true` has no rule to break; `false` has no valid value to start from
    const at = locationUri(resolved.location);
    const make = (rule: string, arbitrary: fc.Arbitrary<unknown>, where = pointer): Case => ({ rule, pointer: where, schemaLocation: at, arbitrary, certain: certain && !inBranch });
    const out: Case[] = [];

    const combinator = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
    if (combinator) {
      const branches = this.builder.branches(node, { ...resolved, schema }, combinator);
      const allowed = new Set<JsonType>();
      for (const branch of branches) {
        const types = isSchemaObject(branch.resolved.schema) ? typesOf(branch.resolved.schema) : undefined;
        if (!types) JSON_TYPES.forEach((t) => allowed.add(t));
        else types.forEach((t) => allowed.add(t));
        out.push(...this.cases(branch.node, pointer, branch.resolved, true, false));
      }
      const wrong = wrongTypeValues([...allowed]);
      if (wrong.length) out.push(make('type', fc.constantFrom(...wrong)));
      return out;
    }

    // Inside a branch, a wrong type is one for every branch at once: the combinator's case above.
    // Beside enum/const a wrong type breaks both rules; the enum/const case breaks one.
    const declared = schema.type === undefined || inBranch || 'const' in schema || 'enum' in schema ? undefined : typesOf(schema);
    if (declared) {
      const wrong = wrongTypeValues(declared);
      if (wrong.length) out.push(make('type', fc.constantFrom(...wrong)));
    }
    if ('const' in schema) {
      const other = differentConstant(schema.const);
      if (other !== undefined) out.push(make('const', fc.constant(other)));
      return out;
    }
    if (Array.isArray(schema.enum)) {
      const outside = outsideEnum(schema.enum);
      if (outside) out.push(make('enum', outside));
      return out;
    }
    const types = typesOf(schema) ?? [];
    if (types.includes('string')) out.push(...this.stringCases(schema, make, at));
    if (types.includes('integer') || types.includes('number')) out.push(...this.numberCases(schema, !types.includes('number'), make));
    if (node.depth < this.maxDepth) {
      const inner = certain && !inBranch;
      if (types.includes('array')) out.push(...this.arrayCases(node, pointer, { ...resolved, schema }, make, inner));
      if (types.includes('object')) out.push(...this.objectCases(node, pointer, { ...resolved, schema }, make, inner));
    }
    return out;
  }

  private stringCases(schema: SchemaObject, make: (rule: string, a: fc.Arbitrary<unknown>) => Case, at: string): Case[] {
    const out: Case[] = [];
    const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    if (minLength > 0) out.push(make('minLength', fc.string({ unit: 'grapheme-ascii', maxLength: minLength - 1 })));
    // One character past the limit: long enough to break it, no longer (it is sent over HTTP).
    if (maxLength !== undefined) out.push(make('maxLength', fc.constantFrom('a', 'Z', '7').map((c) => c.repeat(maxLength + 1))));
    if (typeof schema.pattern === 'string') {
      const pattern = new RegExp(schema.pattern, 'u');
      const fits = (s: string): boolean => codePointLength(s) >= minLength && (maxLength === undefined || codePointLength(s) <= maxLength);
      const probes = ['', ' ', '!', '0', 'a', 'Z', '\u00e9', '-', 'not matching'].filter((s) => fits(s) && !pattern.test(s));
      // Only when mismatching strings of an allowed length exist; otherwise the filter below could spin.
      const random = fc.string({ minLength, maxLength: Math.min(maxLength ?? 40, minLength + 40) });
      if (probes.length) out.push(make('pattern', fc.oneof(fc.constantFrom(...probes), boundedFilter(random, (s) => !pattern.test(s), at, 'a pattern mismatch'))));
    }
    if (typeof schema.format === 'string') {
      const check = formatValidator(schema.format);
      const bad = check ? BAD_FORMAT_VALUES.filter((s) => !check(s) && codePointLength(s) >= minLength && (maxLength === undefined || codePointLength(s) <= maxLength)) : [];
      if (bad.length) out.push(make('format', fc.constantFrom(...bad)));
    }
    return out;
  }

  private numberCases(schema: SchemaObject, integer: boolean, make: (rule: string, a: fc.Arbitrary<unknown>) => Case): Case[] {
    const out: Case[] = [];
    const num = (k: string): number | undefined => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
    // Strictly past the bound: integers for integer schemas, else integers and fractions.
    const below = (bound: number): fc.Arbitrary<number> => {
      const top = Math.ceil(bound) - 1;
      const ints = fc.integer({ min: 0, max: 1000 }).map((d) => top - d);
      if (integer) return ints;
      return fc.oneof(ints, fc.double({ min: bound - 1000, max: bound, maxExcluded: true, noNaN: true }));
    };
    const above = (bound: number): fc.Arbitrary<number> => below(-bound).map((v) => (v === 0 ? 0 : -v));
    const minimum = num('minimum');
    const maximum = num('maximum');
    const exclusiveMinimum = num('exclusiveMinimum');
    const exclusiveMaximum = num('exclusiveMaximum');
    if (minimum !== undefined) out.push(make('minimum', below(minimum)));
    if (maximum !== undefined) out.push(make('maximum', above(maximum)));
    if (exclusiveMinimum !== undefined && (!integer || Number.isInteger(exclusiveMinimum))) out.push(make('exclusiveMinimum', fc.constant(exclusiveMinimum)));
    if (exclusiveMaximum !== undefined && (!integer || Number.isInteger(exclusiveMaximum))) out.push(make('exclusiveMaximum', fc.constant(exclusiveMaximum)));
    const multipleOf = num('multipleOf');
    if (multipleOf !== undefined) {
      const lo = Math.max(minimum ?? -Infinity, exclusiveMinimum ?? -Infinity);
      const start = Number.isFinite(lo) ? Math.ceil(lo / multipleOf) : 0;
      // Halfway between two multiples: not a multiple, still inside the range for any range wider than one step.
      const candidates = [0, 1, 2, 3].map((k) => (start + k + 0.5) * multipleOf).filter((v) => !Number.isInteger(v / multipleOf) && (!integer || Number.isInteger(v)));
      if (candidates.length) out.push(make('multipleOf', fc.constantFrom(...candidates)));
    }
    return out;
  }

  private arrayCases(node: SchemaNode, pointer: string, resolved: ResolvedSchema & { schema: SchemaObject }, make: (rule: string, a: fc.Arbitrary<unknown>, where?: string) => Case, certain: boolean): Case[] {
    const { schema, location } = resolved;
    const out: Case[] = [];
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
    const items = schema.items as JsonSchema | undefined;
    const path = [...node.path, '[]'];
    const itemNode: SchemaNode | undefined =
      items === undefined || items === false ? undefined : { schema: items, location: this.builder.childLocation(location, items, 'items'), path, depth: node.depth + 1 };
    const itemValid = itemNode ? this.valid(itemNode) : smallJson;
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as JsonSchema[]) : [];
    if (prefix.length === 0) {
      if (minItems > 0) out.push(make('minItems', fc.array(itemValid, { minLength: minItems - 1, maxLength: minItems - 1 })));
      if (maxItems !== undefined && maxItems < 10_000) out.push(make('maxItems', fc.array(itemValid, { minLength: maxItems + 1, maxLength: maxItems + 1 })));
      if (schema.uniqueItems === true && (maxItems === undefined || maxItems >= 2)) {
        const length = Math.max(2, minItems);
        out.push(make('uniqueItems', itemValid.map((v) => Array.from({ length }, () => structuredClone(v)))));
      }
    }
    const whole = this.valid({ ...node, schema, location });
    const mutateAt = (index: number, child: SchemaNode): void => {
      for (const c of this.cases(child, `${pointer}/${index}`, undefined, false, certain)) {
        out.push({
          ...c,
          arbitrary: fc.tuple(whole as fc.Arbitrary<unknown[]>, c.arbitrary).map(([array, bad]) => {
            const copy = [...array];
            while (copy.length < index) copy.push(undefined); // unreachable for valid arrays (prefix is always full)
            copy[index] = bad;
            return copy;
          }),
        });
      }
    };
    prefix.forEach((p, i) => mutateAt(i, { schema: p, location: this.builder.childLocation(location, p, 'prefixItems', i), path, depth: node.depth + 1 }));
    if (itemNode && (maxItems === undefined || maxItems > prefix.length)) mutateAt(prefix.length, itemNode);
    return out;
  }

  private objectCases(node: SchemaNode, pointer: string, resolved: ResolvedSchema & { schema: SchemaObject }, make: (rule: string, a: fc.Arbitrary<unknown>, where?: string) => Case, certain: boolean): Case[] {
    const { schema, location } = resolved;
    const out: Case[] = [];
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    const whole = this.valid({ ...node, schema, location }) as fc.Arbitrary<Record<string, unknown>>;
    for (const name of required) {
      out.push(make('required', whole.map((o) => {
        const copy = { ...o };
        delete copy[name];
        return copy;
      })));
    }
    const additional = schema.additionalProperties;
    const extraKey = uniqueKey('unexpected_property', properties);
    if (additional === false) out.push(make('additionalProperties', fc.tuple(whole, smallJson).map(([o, v]) => ({ ...o, [extraKey]: v }))));
    // One property too few: the required ones kept (dropping one would break `required` too), others dropped.
    const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    if (minProperties > 0 && required.length < minProperties) {
      out.push(make('minProperties', whole.map((o) => {
        const keep = [...required.filter((k) => k in o), ...Object.keys(o).filter((k) => !required.includes(k))].slice(0, minProperties - 1);
        return Object.fromEntries(keep.map((k) => [k, o[k]]));
      })));
    }
    // One property too many: made-up keys whose values the schema allows (a map's additionalProperties).
    const maxProperties = typeof schema.maxProperties === 'number' ? schema.maxProperties : undefined;
    if (maxProperties !== undefined && maxProperties < 1_000 && additional !== false) {
      const extraValue = isSchemaObject(additional) ? this.valid({ schema: additional, location: this.builder.childLocation(location, additional, 'additionalProperties'), path: [...node.path, '*'], depth: node.depth + 1 }) : smallJson;
      out.push(make('maxProperties', fc.tuple(whole, extraValue).map(([o, v]) => {
        const copy: Record<string, unknown> = { ...o };
        for (let i = 1; Object.keys(copy).length <= maxProperties; i++) if (!(`extra_${i}` in copy)) copy[uniqueKey(`extra_${i}`, properties)] = structuredClone(v);
        return copy;
      })));
    }
    const withChild = (name: string, child: SchemaNode): void => {
      for (const c of this.cases(child, `${pointer}/${escape(name)}`, undefined, false, certain)) {
        out.push({ ...c, arbitrary: fc.tuple(whole, c.arbitrary).map(([o, bad]) => ({ ...o, [name]: bad })) });
      }
    };
    for (const [name, sub] of Object.entries(properties)) {
      withChild(name, { schema: sub as JsonSchema, location: this.builder.childLocation(location, sub, 'properties', name), name, path: [...node.path, name], depth: node.depth + 1 });
    }
    if (isSchemaObject(additional)) {
      const key = uniqueKey('extra', properties);
      withChild(key, { schema: additional, location: this.builder.childLocation(location, additional, 'additionalProperties'), path: [...node.path, '*'], depth: node.depth + 1 });
    }
    return out;
  }
}

const escape = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

function uniqueKey(base: string, taken: Record<string, unknown>): string {
  let key = base;
  for (let i = 2; key in taken; i++) key = `${base}_${i}`;
  return key;
}

/** One value of each JSON type the list does not allow (1.5 breaks `integer`; 7 does not break `number`). */
function wrongTypeValues(allowed: readonly JsonType[]): unknown[] {
  return (Object.keys(WRONG_TYPE_VALUES) as JsonType[])
    .filter((t) => !typeAllows(allowed, jsonTypeOf(WRONG_TYPE_VALUES[t])))
    .map((t) => WRONG_TYPE_VALUES[t]);
}

function differentConstant(value: unknown): unknown {
  if (typeof value === 'string') return `${value}_x`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return undefined; // null, arrays and objects: a different type breaks `type`, not `const`
}

/** Values of the enum's own type(s) that are not in it. */
function outsideEnum(values: readonly unknown[]): fc.Arbitrary<unknown> | undefined {
  const taken = new Set(values.map(stableJson));
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (values.some((v) => typeof v === 'string')) candidates.push(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).map((s) => (taken.has(stableJson(s)) ? `${s}~not-in-enum` : s)));
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (numbers.length) candidates.push(fc.constant(Math.max(...numbers) + 1));
  const booleans = values.filter((v) => typeof v === 'boolean');
  if (booleans.length === 1) candidates.push(fc.constant(!booleans[0]));
  return candidates.length ? fc.oneof(...candidates) : undefined;
}

/**
 * The ways to break `schema`, one rule each: a missing required property, a wrong type, a number
 * below the minimum or above the maximum, a string or array shorter or longer than allowed, a value
 * outside an enum, a property additionalProperties forbids, ... Each case starts from a valid value
 * and mutates it at one pointer. Inside anyOf/oneOf another branch may still accept the mutation, so
 * pass `oracle` (or filter with `isReallyInvalid`) before counting a case against a target.
 */
export function invalidArbitraries(schema: JsonSchema, options: InvalidOptions = {}): InvalidCase[] {
  if (options.source && options.base === undefined) throw new TypeError('invalidArbitraries: options.base is required with options.source');
  const base = options.base ?? STANDALONE_BASE;
  const source = options.source ?? documentSource(schema, base);
  const builder = new SchemaArbitraryBuilder(source, options);
  const walker = new InvalidWalker(builder, options);
  const cases = walker.cases({ schema, location: { base, pointer: options.pointer ?? '' }, path: [], depth: 0 }, '');
  const oracle = options.oracle;
  if (!oracle) return cases;
  const judge = (value: unknown): boolean => oracle(serialise(value));
  return cases.filter((c) => c.certain || probeCase(c.arbitrary, judge)).map((c) => ({ ...c, arbitrary: boundedFilter(c.arbitrary, judge, c.schemaLocation, 'the oracle') }));
}

/** Draws an uncertain case is probed with, beyond the first (which alone settles most cases). */
const PROBE_RUNS = 8;
const PROBE_SEED = 0x5eed;

/**
 * True when some value of `arbitrary` passes `oracle`, on a fixed seed (so dropping is deterministic).
 * A case none of whose draws passes is dropped rather than filtered: a filter that never passes would
 * never return.
 */
export function probeCase(arbitrary: fc.Arbitrary<unknown>, oracle: (value: unknown) => boolean): boolean {
  const fast = fastDrawing(arbitrary);
  return fc.sample(fast, { numRuns: 1, seed: PROBE_SEED }).some(oracle) || fc.sample(fast, { numRuns: PROBE_RUNS, seed: PROBE_SEED + 1 }).some(oracle);
}
