/** @module Deterministic instances of JSON Schemas: valid example inputs, and JSON answers that follow a requested schema. */
import type { JsonSchema } from '../contract/types.js';
import type { Rng } from '../emulator/rng.js';

type Obj = Record<string, unknown>;

/** How `exampleFromSchema` builds its instance. */
export interface ExampleOptions {
  /** Include optional properties (default true) down to `optionalDepth`; required ones always. */
  optional?: boolean;
  /** Object/array nesting below which optional properties are left out (default 4). */
  optionalDepth?: number;
  /** Nesting below which arrays get only `minItems` items and objects only required properties (default 8). */
  maxDepth?: number;
  /**
   * Resolves an absolute `$ref` URI that does not point into the schema itself (e.g. a contract document).
   * Without it, only `#...` references into the root schema resolve.
   */
  resolveRef?: (uri: string) => JsonSchema | undefined;
  /** Base URI of the root schema, against which relative `$ref`s are resolved for `resolveRef`. */
  baseUri?: string;
  /**
   * Largest instance, in characters of its JSON (about): past it `exampleFromSchema` throws
   * {@link ExampleTooLarge} before building more, or with `clip` stops adding (a cut-off instance).
   * For schemas from requests (JSON mode, tool parameters), whose minimum sizes are unbounded.
   */
  maxSize?: number;
  /** With `maxSize`: return the instance built up to the size instead of throwing (strings cut, arrays and objects stop growing). */
  clip?: boolean;
  /** Most schema steps (flattening and generating) one instance may take; past it ExampleError. Default 100,000. */
  maxSteps?: number;
}

/** Thrown when a schema cannot be instantiated (a `false` schema, an unresolvable `$ref`). */
export class ExampleError extends Error {
  override name = 'ExampleError';
}

/** Thrown when the instance a schema requires is larger than `maxSize` (it was not built). */
export class ExampleTooLarge extends Error {
  override name = 'ExampleTooLarge';
}

const WORDS = ['alpha', 'bravo', 'cedar', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'iris', 'juniper', 'kestrel', 'lumen', 'maple', 'nectar', 'onyx', 'pine', 'quartz', 'river', 'sierra', 'tango', 'umber', 'violet', 'willow', 'yarrow'];
const HARD_DEPTH = 32;
/** A group holding a quantifier, itself quantified: the shape of catastrophic backtracking. */
const NESTED_QUANTIFIER = /\([^()]*[+*?}][^()]*\)\s*[+*{]/;
/** Longest candidate a request's pattern is tested against. */
const MAX_PATTERN_SUBJECT = 1024;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The plainest string a simple pattern describes, or undefined: anchors and optional whitespace dropped, a character
 * class read as its first character, a group as its first alternative (`^\s*(clef|clef-flash)\s*$` → `clef`,
 * `^[Dd][Aa][Tt][Aa]:` → `DATA:`). Anything else a pattern may say leaves it undefined.
 */
function literalOf(pattern: string): string | undefined {
  const literal = pattern
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\\s[*?]/g, '')
    .replace(/\[([^\]\\^])[^\]]*\]/g, '$1')
    .replace(/\((?:\?:)?([^()|]*)(?:\|[^()]*)?\)/g, '$1');
  return /[\\()[\]{}*+?|.^$]/.test(literal) ? undefined : literal;
}

/** True for schemas no instance satisfies (`false`, `{not: {}}`), as workers-types' XOR renders "absent". */
export function isNeverSchema(schema: unknown): boolean {
  if (schema === false) return true;
  if (!isObject(schema) || !('not' in schema)) return false;
  return schema.not === true || (isObject(schema.not) && Object.keys(schema.not).length === 0);
}

interface Scope {
  root: JsonSchema;
  base: string | undefined;
}

class Generator {
  /** Characters of JSON written so far (about), against `options.maxSize`. */
  private size = 0;
  private steps = 0;
  private readonly maxSize: number;
  private readonly maxSteps: number;

  constructor(
    private readonly rng: Rng,
    private readonly options: Required<Pick<ExampleOptions, 'optional' | 'optionalDepth' | 'maxDepth'>> & ExampleOptions,
  ) {
    this.maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    this.maxSteps = options.maxSteps ?? 100_000;
  }

  /** Counts one step of work; a schema that needs too many (a branching $ref cycle) cannot be instantiated. */
  private step(): void {
    if (++this.steps > this.maxSteps) throw new ExampleError(`schema needs more than ${this.maxSteps} steps to instantiate`);
  }

  /** Characters left before `maxSize`. */
  private get room(): number {
    return this.maxSize - this.size;
  }

  /** Accounts `n` characters; past `maxSize` throws ExampleTooLarge unless clipping. */
  private spend(n: number): void {
    this.size += n;
    if (this.size > this.maxSize && !this.options.clip) throw new ExampleTooLarge(`the instance is larger than ${this.maxSize} characters`);
  }

  /** True when clipping and the budget is spent: stop adding. */
  private get full(): boolean {
    return this.options.clip === true && this.size >= this.maxSize;
  }

  private pointer(root: JsonSchema, fragment: string): JsonSchema | undefined {
    let node: unknown = root;
    if (fragment === '' || fragment === '/') return root;
    for (const raw of fragment.replace(/^\//, '').split('/')) {
      const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(node) && !Array.isArray(node)) return undefined;
      node = (node as Obj)[token];
    }
    return node === undefined ? undefined : (node as JsonSchema);
  }

  /** Follows one `$ref`, returning the target and the scope it lives in. */
  private deref(ref: string, scope: Scope): { schema: JsonSchema; scope: Scope } {
    if (ref.startsWith('#') && (scope.base === undefined || !this.options.resolveRef)) {
      const target = this.pointer(scope.root, ref.slice(1));
      if (target === undefined) throw new ExampleError(`cannot resolve $ref ${ref}`);
      return { schema: target, scope };
    }
    if (this.options.resolveRef) {
      const uri = scope.base ? new URL(ref, scope.base).href : ref;
      const target = this.options.resolveRef(uri);
      if (target !== undefined) return { schema: target, scope: { root: target, base: uri.split('#')[0] } };
      if (ref.startsWith('#')) {
        const local = this.pointer(scope.root, ref.slice(1));
        if (local !== undefined) return { schema: local, scope };
      }
    }
    throw new ExampleError(`cannot resolve $ref ${ref}`);
  }

  /**
   * Flattens `$ref`, `allOf`, `anyOf` and `oneOf` into one plain schema: references are inlined,
   * `allOf` branches merged, and of `anyOf`/`oneOf` the first satisfiable branch is merged in.
   */
  private flatten(input: JsonSchema, scope: Scope, depth = 0): { schema: Obj; scope: Scope } {
    this.step();
    if (depth > HARD_DEPTH) throw new ExampleError('schema nests $ref/allOf too deeply');
    if (input === true || input === undefined) return { schema: {}, scope };
    if (input === false || !isObject(input)) throw new ExampleError('no instance satisfies a false schema');
    let schema: Obj = input;
    let current = scope;
    if (typeof schema.$ref === 'string') {
      const { $ref, ...siblings } = schema;
      const target = this.deref($ref as string, current);
      const flat = this.flatten(target.schema, target.scope, depth + 1);
      current = flat.scope;
      schema = mergeSchemas(flat.schema, siblings);
    }
    if (Array.isArray(schema.allOf)) {
      const { allOf, ...rest } = schema;
      let merged: Obj = rest;
      for (const branch of allOf as JsonSchema[]) merged = mergeSchemas(merged, this.flatten(branch, current, depth + 1).schema);
      return this.flatten(merged, current, depth + 1);
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      if (!Array.isArray(schema[key])) continue;
      const { [key]: branches, ...rest } = schema;
      const branch = this.chooseBranch(branches as JsonSchema[], rest, current, depth);
      return this.flatten(mergeSchemas(rest, branch), current, depth + 1);
    }
    return { schema, scope: current };
  }

  /** The first branch that can hold an instance of the parent's type, preferring non-null ones. */
  private chooseBranch(branches: JsonSchema[], parent: Obj, scope: Scope, depth: number): Obj {
    const candidates: Obj[] = [];
    for (const branch of branches) {
      if (isNeverSchema(branch)) continue;
      try {
        const flat = this.flatten(branch, scope, depth + 1).schema;
        if (parent.type !== undefined && flat.type !== undefined && intersectTypes(parent.type, flat.type).length === 0) continue;
        candidates.push(flat);
      } catch (error) {
        if (!(error instanceof ExampleError)) throw error;
      }
    }
    const nonNull = candidates.find((c) => !(c.type === 'null' || c.const === null));
    const chosen = nonNull ?? candidates[0];
    if (!chosen) throw new ExampleError('no satisfiable anyOf/oneOf branch');
    return chosen;
  }

  generate(input: JsonSchema, scope: Scope, depth: number): unknown {
    this.step();
    if (depth > HARD_DEPTH) throw new ExampleError('schema requires nesting deeper than 32 levels');
    const { schema, scope: inner } = this.flatten(input, scope);
    if ('const' in schema) return this.constant(schema.const);
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      const nonNull = schema.enum.filter((v) => v !== null);
      return this.constant(this.rng.pick(nonNull.length > 0 ? nonNull : schema.enum));
    }
    switch (chooseType(schema)) {
      case 'null':
        this.spend(4);
        return null;
      case 'boolean':
        this.spend(5);
        return this.rng.next() < 0.5;
      case 'integer':
        return this.spent(this.number(schema, true));
      case 'number':
        return this.spent(this.number(schema, false));
      case 'array':
        return this.array(schema, inner, depth);
      case 'object':
        return this.object(schema, inner, depth);
      default:
        return this.string(schema);
    }
  }

  /** A copy of a `const`/`enum` value, its size accounted (the schema holds it, so measuring it is linear in the schema). */
  private constant(value: unknown): unknown {
    if (value !== null && typeof value === 'object') {
      this.spend(JSON.stringify(value).length);
      return structuredClone(value);
    }
    return this.spent(value);
  }

  /** Accounts a scalar's JSON size and returns it. */
  private spent<T>(value: T): T {
    this.spend(typeof value === 'string' ? value.length + 2 : String(value).length);
    return value;
  }

  private words(count: number): string {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.rng.pick(WORDS));
    return out.join(' ');
  }

  private string(schema: Obj): string {
    const formatted = typeof schema.format === 'string' ? this.formatted(schema.format) : undefined;
    if (formatted !== undefined) return this.spent(formatted);
    let min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    // Checked before building: a `minLength: 1e9` costs nothing but the exception.
    if (min + 2 > this.room) {
      if (!this.options.clip) this.spend(min + 2);
      min = Math.max(0, Math.floor(this.room) - 2);
    }
    // Every piece is ASCII, so `length` counts characters; words are joined once (linear in `min`).
    const pieces = [schema.contentEncoding === 'base64' ? Buffer.from(this.words(2)).toString('base64') : this.words(this.rng.int(1, 3))];
    let length = pieces[0]!.length;
    while (length < min) {
      const word = ` ${this.words(1)}`;
      pieces.push(word);
      length += word.length;
    }
    let text = pieces.join('');
    if (text.length > max) text = text.slice(0, max).trimEnd().padEnd(Math.min(min, max), 'x');
    if (typeof schema.pattern === 'string') text = this.patterned(schema.pattern, text, min, max);
    return this.spent(text);
  }

  /** A string matching `pattern`: tries a few likely shapes (the literal prefix the pattern anchors, digits, ...). */
  private patterned(pattern: string, text: string, min: number, max: number): string {
    // Patterns come from requests too: one with a quantified group holding a quantifier ("(a+)+") can
    // backtrack exponentially, and long candidates cost more per test; neither is tried.
    if (NESTED_QUANTIFIER.test(pattern) || text.length > MAX_PATTERN_SUBJECT) return text;
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, 'u');
    } catch {
      return text;
    }
    const prefix = /^\^((?:[^\\[\](){}.*+?^$|]|\\[^a-zA-Z0-9])*)/.exec(pattern)?.[1]?.replace(/\\(.)/g, '$1') ?? '';
    const word = text.replace(/\s+/g, '');
    const digits = String(this.rng.int(1, 99999));
    const literal = literalOf(pattern);
    const candidates = [text, word, prefix + word, prefix + digits, digits, `${prefix}${word}-${digits}`, word.toUpperCase(), prefix, 'a', `${word}@example.com`];
    if (literal !== undefined) candidates.push(literal, literal + word);
    const fits = (c: string): boolean => [...c].length >= min && [...c].length <= max && regex.test(c);
    return candidates.find(fits) ?? text;
  }

  private formatted(format: string): string | undefined {
    const day = String(this.rng.int(1, 28)).padStart(2, '0');
    const hex = (n: number): string => Array.from({ length: n }, () => this.rng.int(0, 15).toString(16)).join('');
    switch (format) {
      case 'date-time':
        return `2026-01-${day}T12:00:00Z`;
      case 'date':
        return `2026-01-${day}`;
      case 'time':
        return '12:00:00Z';
      case 'duration':
        return `P${this.rng.int(1, 9)}D`;
      case 'email':
      case 'idn-email':
        return `${this.rng.pick(WORDS)}@example.com`;
      case 'hostname':
      case 'idn-hostname':
        return `${this.rng.pick(WORDS)}.example.com`;
      case 'ipv4':
        return `192.0.2.${this.rng.int(1, 254)}`;
      case 'ipv6':
        return `2001:db8::${hex(4)}`;
      case 'uri':
      case 'url':
      case 'iri':
      case 'uri-reference':
      case 'iri-reference':
        return `https://example.com/${this.rng.pick(WORDS)}`;
      case 'uri-template':
        return 'https://example.com/{id}';
      case 'uuid':
        return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
      case 'json-pointer':
        return `/${this.rng.pick(WORDS)}`;
      case 'relative-json-pointer':
        return '0';
      case 'regex':
        return '^[a-z]+$';
      case 'byte':
        return Buffer.from(this.words(2)).toString('base64');
      default:
        return undefined;
    }
  }

  private number(schema: Obj, integer: boolean): number {
    const step = integer ? 1 : 0.01;
    let lo = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
    let hi = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
    if (typeof schema.exclusiveMinimum === 'number') lo = Math.max(lo, schema.exclusiveMinimum + step);
    else if (schema.exclusiveMinimum === true) lo += step; // draft-04 form
    if (typeof schema.exclusiveMaximum === 'number') hi = Math.min(hi, schema.exclusiveMaximum - step);
    else if (schema.exclusiveMaximum === true) hi -= step;
    if (lo === -Infinity && hi === Infinity) [lo, hi] = [0, 100];
    else if (hi === Infinity) hi = lo + 100;
    else if (lo === -Infinity) lo = hi - 100;
    if (hi < lo) hi = lo;
    const multipleOf = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
    if (multipleOf !== undefined) {
      const kLo = Math.ceil(lo / multipleOf);
      const kHi = Math.max(kLo, Math.floor(hi / multipleOf));
      return this.rng.int(kLo, kHi) * multipleOf;
    }
    if (integer) {
      const iLo = Math.ceil(lo);
      return this.rng.int(iLo, Math.max(iLo, Math.floor(hi)));
    }
    const value = Math.round((lo + this.rng.next() * (hi - lo)) * 100) / 100;
    return value < lo || value > hi ? lo : value;
  }

  private array(schema: Obj, scope: Scope, depth: number): unknown[] {
    const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as JsonSchema[]) : [];
    const items = schema.items as JsonSchema | undefined;
    let count = depth >= this.options.maxDepth ? min : Math.min(max, Math.max(min, this.rng.int(1, 2)));
    if (items === false || isNeverSchema(items)) count = Math.min(count, prefix.length);
    // Each item costs at least two characters (itself and a comma): refuse a `minItems: 1e9` before building.
    if (count * 2 > this.room && !this.options.clip) this.spend(count * 2);
    this.spend(2);
    const out: unknown[] = [];
    const seen = new Set<string>();
    let attempts = 0;
    while (out.length < count && attempts++ < count * 8 + 8 && !this.full) {
      const index = out.length;
      const value = this.generate(index < prefix.length ? prefix[index]! : (items ?? true), scope, depth + 1);
      if (schema.uniqueItems === true) {
        const key = JSON.stringify(value);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(value);
      this.spend(1);
    }
    if (out.length < min && !this.full) throw new ExampleError(`cannot make ${min} unique array items`);
    return out;
  }

  private object(schema: Obj, scope: Scope, depth: number): Obj {
    const properties = isObject(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const additional = schema.additionalProperties as JsonSchema | undefined;
    const optional = this.options.optional && depth < Math.min(this.options.optionalDepth, this.options.maxDepth);
    const out: Obj = {};
    let count = 0;
    this.spend(2);
    const put = (key: string, sub: JsonSchema): void => {
      this.spend(key.length + 4);
      out[key] = this.generate(sub, scope, depth + 1);
      count++;
    };
    for (const [key, sub] of Object.entries(properties)) {
      if (this.full) return out;
      if (isNeverSchema(sub)) continue;
      if (required.has(key) || optional) put(key, sub);
    }
    const extraSchema: JsonSchema = additional === undefined || additional === false ? true : additional;
    for (const key of required) {
      if (this.full) return out;
      if (!(key in out)) put(key, extraSchema);
    }
    const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    if ((minProperties - count) * 6 > this.room && !this.options.clip) this.spend((minProperties - count) * 6);
    for (let i = 0; count < minProperties && additional !== false && !this.full; i++) {
      const key = `${WORDS[i % WORDS.length]}${i}`;
      if (!(key in out)) put(key, extraSchema);
    }
    if (typeof schema.maxProperties === 'number') {
      for (const key of Object.keys(out)) {
        if (count <= schema.maxProperties) break;
        if (!required.has(key)) {
          delete out[key];
          count--;
        }
      }
    }
    return out;
  }
}

function toTypes(type: unknown): string[] {
  return Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
}

/** Types allowed by both; `integer` satisfies `number`. */
function intersectTypes(a: unknown, b: unknown): string[] {
  const left = toTypes(a);
  const right = toTypes(b);
  const out: string[] = [];
  for (const t of left) {
    if (right.includes(t)) out.push(t);
    else if (t === 'integer' && right.includes('number')) out.push('integer');
    else if (t === 'number' && right.includes('integer')) out.push('integer');
  }
  return [...new Set(out)];
}

/** Merges two flat schemas as `allOf` would constrain them (properties merged, bounds tightened). */
function mergeSchemas(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    if (current === undefined) {
      out[key] = value;
      continue;
    }
    switch (key) {
      case 'properties': {
        const merged: Obj = { ...(current as Obj) };
        for (const [name, sub] of Object.entries(value as Obj)) merged[name] = name in merged ? { allOf: [merged[name], sub] } : sub;
        out.properties = merged;
        break;
      }
      case 'required':
        out.required = [...new Set([...(current as string[]), ...(value as string[])])];
        break;
      case 'type': {
        const both = intersectTypes(current, value);
        out.type = both.length > 0 ? both : current;
        break;
      }
      case 'items':
      case 'additionalProperties':
        out[key] = current === false || value === false ? false : { allOf: [current, value] };
        break;
      case 'minimum':
      case 'exclusiveMinimum':
      case 'minLength':
      case 'minItems':
      case 'minProperties':
        out[key] = typeof current === 'number' && typeof value === 'number' ? Math.max(current, value) : value;
        break;
      case 'maximum':
      case 'exclusiveMaximum':
      case 'maxLength':
      case 'maxItems':
      case 'maxProperties':
        out[key] = typeof current === 'number' && typeof value === 'number' ? Math.min(current, value) : value;
        break;
      case 'enum':
        if (Array.isArray(current) && Array.isArray(value)) {
          const keys = new Set(value.map((v) => JSON.stringify(v)));
          const both = current.filter((v) => keys.has(JSON.stringify(v)));
          out.enum = both.length > 0 ? both : value;
        }
        break;
      case 'allOf':
        out.allOf = [...(current as unknown[]), ...(value as unknown[])];
        break;
      case 'anyOf':
      case 'oneOf':
        // Both sides choose among branches: keep one choice here, defer the other through allOf.
        out.allOf = [...((out.allOf as unknown[] | undefined) ?? []), { [key]: value }];
        break;
      default:
        break; // first one wins (annotations, formats, patterns)
    }
  }
  return out;
}

/** The JSON type an instance of this flat schema gets. */
function chooseType(schema: Obj): string {
  const types = toTypes(schema.type);
  if (types.length > 0) return types.find((t) => t !== 'null') ?? 'null';
  if (isObject(schema.properties) || Array.isArray(schema.required) || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined || schema.minItems !== undefined) return 'array';
  if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined) return 'number';
  return 'string';
}

/**
 * A deterministic instance of `schema` drawn with `rng` (same schema and seed → same value).
 * Supports types, `enum`/`const`, `required`/`properties`/`additionalProperties`, `items`/`prefixItems`,
 * numeric and length bounds, common `format`s, simple `pattern`s, `allOf` (merged), `anyOf`/`oneOf`
 * (first satisfiable branch) and `$ref` (into the schema itself, or through `options.resolveRef`).
 * Not supported: `if`/`then`/`else`, `not` beyond "never", `dependent*`, `contains`, general regex synthesis.
 * Throws ExampleError when the schema cannot be instantiated.
 */
export function exampleFromSchema(schema: JsonSchema, rng: Rng, options: ExampleOptions = {}): unknown {
  const generator = new Generator(rng, { optional: true, optionalDepth: 4, maxDepth: 8, ...options });
  return generator.generate(schema, { root: schema, base: options.baseUri }, 0);
}
