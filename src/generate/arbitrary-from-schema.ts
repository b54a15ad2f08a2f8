/** @module JSON Schema (2020-12, as spec/ uses it) → fast-check arbitraries of values the schema accepts. */
import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { Contract } from '../contract/contract.js';
import { createAjv } from '../contract/ajv.js';
import { escapeToken, parsePointer } from '../contract/json-pointer.js';
import type { JsonSchema } from '../contract/types.js';
import { draw } from './fast-draw.js';
import { mediaFamilyOfProperty, samplesOf, toBase64, toByteArray, type MediaFamily } from './media.js';

/** A schema object (not the boolean forms). */
export type SchemaObject = Record<string, unknown>;

/**
 * Where schemas come from. `$ref`s are resolved through `document`, and the few places where
 * generation cannot be exact (oneOf exclusivity, `not`, conflicting allOf parts) are filtered with
 * `validator`, the same ajv the checks judge with, so a generated value is never one the contract rejects.
 */
export interface SchemaSource {
  /** The document registered under `base` (an absolute URI without fragment). */
  document(base: string): unknown;
  /** A boolean validator of the schema at `uri` (`<base>#<json pointer>`), compiled once. */
  validator(uri: string): (value: unknown) => boolean;
}

/** Where a schema sits: its document and JSON pointer. `pointer` is undefined for schemas made by merging. */
export interface SchemaLocation {
  base: string;
  pointer?: string;
}

/** What a hint sees: the property being generated and its (resolved) schema. */
export interface HintContext {
  /** Property name, or undefined for the root and array items. */
  name: string | undefined;
  /** Where the value goes: property names from the root down to this one, `[]` for array items (root: `[]`). */
  path: readonly string[];
  /** The schema after `$ref` and `allOf` resolution. */
  schema: Readonly<SchemaObject>;
  /** `<base>#<pointer>` of the schema, or `<base>#(merged)`. */
  location: string;
}

/**
 * A hint's answer. `arbitrary` replaces generation (it must yield values the schema accepts);
 * `narrow` adds constraints (a subset of the schema, e.g. `{maximum: 64}`); `include` always sends an
 * optional property; `exclude` drops an anyOf/oneOf branch (at least one must remain).
 */
export interface HintResult {
  arbitrary?: fc.Arbitrary<unknown>;
  narrow?: SchemaObject;
  include?: boolean;
  exclude?: boolean;
}

/** A semantic hint: where a bare type would be useless, say what a realistic value is. */
export type Hint = (context: HintContext) => HintResult | undefined;

/** Options of `arbitraryFromSchema`. Defaults keep values small, since every value is sent over HTTP. */
export interface ArbitraryOptions {
  /** Where `$ref`s resolve and validators come from; default: the schema alone, as its own document. */
  source?: SchemaSource;
  /** Document URI of the schema (required with `source`). */
  base?: string;
  /** JSON pointer of the schema inside that document (default ""). */
  pointer?: string;
  /** Longest string generated where the schema allows longer (default 40). */
  maxStringLength?: number;
  /** Most array items generated where the schema allows more (default 4). */
  maxArrayLength?: number;
  /** Nesting depth past which optional properties are left out and arrays take their minimum (default 6). */
  maxDepth?: number;
  /** Half-width of the range unbounded numbers are drawn from (default 1000). */
  numberRange?: number;
  /** Extra hints, tried before the built-in ones. */
  hints?: readonly Hint[];
  /** Built-in semantic hints (media bytes, message roles, data URLs); default true. */
  semanticHints?: boolean;
  /**
   * Covering mode: every enum takes its value number `cycle.index` and every anyOf/oneOf its branch
   * number `cycle.index` (modulo their sizes) instead of drawing one. Set the index, draw, repeat:
   * draws 0..n-1 reach every value and branch (see src/generate/covering.ts).
   */
  cycle?: CycleState;
}

/** The shared position of covering mode's enums and branches. */
export interface CycleState {
  index: number;
}

/** Yields choice number `state.index` (modulo the number of choices), whatever the random source: no shrinking, no bias. */
class CycleArbitrary<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly choices: readonly fc.Arbitrary<T>[],
    private readonly state: CycleState,
  ) {
    super();
  }
  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.choices[this.state.index % this.choices.length]!.generate(random, biasFactor);
  }
  drawRaw(random: fc.Random, biasFactor: number | undefined): unknown {
    return draw(this.choices[this.state.index % this.choices.length]!, random, biasFactor);
  }
  canShrinkWithoutContext(_value: unknown): _value is T {
    return false;
  }
  shrink(): fc.Stream<fc.Value<T>> {
    return fc.Stream.nil();
  }
}

/** One of `choices`: drawn, or in covering mode the one `cycle` points at. */
function oneOfChoices<T>(choices: readonly fc.Arbitrary<T>[], cycle: CycleState | undefined): fc.Arbitrary<T> {
  if (choices.length === 1) return choices[0]!;
  return cycle ? new CycleArbitrary(choices, cycle) : fc.oneof(...choices);
}

/** Thrown when a schema cannot be generated from: unsatisfiable, or a keyword this generator does not know. A contract bug. */
export class SchemaGenerationError extends Error {
  override readonly name = 'SchemaGenerationError';
  constructor(
    /** `<base>#<pointer>` of the offending schema. */
    readonly location: string,
    readonly detail: string,
  ) {
    super(`cannot generate values for ${location}: ${detail}`);
  }
}

/** Draws in a row a filter may reject before generation gives up: a filter that never passes must not hang a run. */
export const MAX_REJECTIONS = 1000;

/** `arbitrary.filter(predicate)` that throws SchemaGenerationError after MAX_REJECTIONS rejections in a row. */
class BoundedFilter<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly inner: fc.Arbitrary<T>,
    private readonly predicate: (value: T) => boolean,
    private readonly location: string,
    private readonly reason: string,
  ) {
    super();
  }
  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    for (let i = 0; i < MAX_REJECTIONS; i++) {
      const value = this.inner.generate(random, biasFactor);
      if (this.predicate(value.value)) return value;
    }
    throw new SchemaGenerationError(this.location, `${MAX_REJECTIONS} values in a row failed ${this.reason}; the schema may be unsatisfiable`);
  }
  drawRaw(random: fc.Random, biasFactor: number | undefined): unknown {
    for (let i = 0; i < MAX_REJECTIONS; i++) {
      const value = draw(this.inner, random, biasFactor) as T;
      if (this.predicate(value)) return value;
    }
    throw new SchemaGenerationError(this.location, `${MAX_REJECTIONS} values in a row failed ${this.reason}; the schema may be unsatisfiable`);
  }
  canShrinkWithoutContext(value: unknown): value is T {
    return this.inner.canShrinkWithoutContext(value) && this.predicate(value);
  }
  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.inner.shrink(value, context).filter((v) => this.predicate(v.value));
  }
}

/**
 * Keeps the values `predicate` accepts (shrunk values too), like fast-check's `filter`, but fails with a
 * SchemaGenerationError naming `location` instead of looping forever when nothing passes.
 */
export function boundedFilter<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean, location: string, reason: string): fc.Arbitrary<T> {
  return new BoundedFilter(arbitrary, predicate, location, reason);
}

/** Document URI of a standalone schema (one given without `source`). */
export const STANDALONE_BASE = 'https://wai-conformance.local/generate/schema.json';
const DEFAULTS = { maxStringLength: 40, maxArrayLength: 4, maxDepth: 6, numberRange: 1000 };
/** Longest string covering mode sends at a schema's maxLength (longer limits are left to drawn values). */
const MAX_COVERING_STRING = 1000;
/** A required recursion that never ends is a contract bug; stop well past any real nesting. */
const HARD_DEPTH = 64;

/** Keywords that assert nothing: ignored by generation. */
const ANNOTATIONS = new Set([
  '$schema', '$id', '$anchor', '$comment', '$defs', 'definitions', '$vocabulary', 'title', 'description', 'default',
  'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', 'contentMediaType', 'contentEncoding', 'contentSchema',
  'contentType', 'discriminator',
]);
/** Keywords generation honours. Anything else that is not an annotation makes generation fail loudly. */
const SUPPORTED = new Set([
  '$ref', 'type', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'properties', 'required',
  'additionalProperties', 'minProperties', 'maxProperties', 'anyOf', 'oneOf', 'allOf', 'not',
]);
/** True for keywords that assert nothing (titles, descriptions, examples, vendor `x-` keywords). */
export const isAnnotation = (keyword: string): boolean => ANNOTATIONS.has(keyword) || keyword.startsWith('x-');

const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties'];
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

/** The JSON types, as `type` names them. */
export const JSON_TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'] as const;
/** One JSON type name. */
export type JsonType = (typeof JSON_TYPES)[number];

/** True for a schema object (not a boolean schema, not an array). */
export const isSchemaObject = (value: unknown): value is SchemaObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when the schema has keywords that constrain values (not just annotations). */
export function hasAssertions(schema: SchemaObject): boolean {
  return Object.keys(schema).some((k) => !isAnnotation(k));
}

/** Appends reference tokens to a pointer; undefined stays undefined (merged schemas have no place). */
export function childPointer(pointer: string | undefined, ...tokens: (string | number)[]): string | undefined {
  return pointer === undefined ? undefined : pointer + tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

/** `<base>#<pointer>` as a URI ajv resolves; tokens are percent-encoded where a URI needs it. */
export function locationUri(location: SchemaLocation): string {
  if (location.pointer === undefined) return `${location.base}#(merged)`;
  const fragment = location.pointer.replace(/[^A-Za-z0-9_\-.~$/!*'()@:+,;=]/g, (c) => encodeURIComponent(c));
  return `${location.base}#${fragment}`;
}

/** Normalised `type` list; integer is dropped where number is allowed. Undefined when the schema sets no type. */
export function declaredTypes(schema: SchemaObject): JsonType[] | undefined {
  if (schema.type === undefined) return undefined;
  const list = (Array.isArray(schema.type) ? schema.type : [schema.type]).map(String) as JsonType[];
  return list.includes('number') ? list.filter((t) => t !== 'integer') : list;
}

/** The types a schema's values may take: declared, else inferred from its keywords, else undefined (any). */
export function typesOf(schema: SchemaObject): JsonType[] | undefined {
  const declared = declaredTypes(schema);
  if (declared) return declared;
  const inferred: JsonType[] = [];
  const has = (keywords: string[]): boolean => keywords.some((k) => k in schema);
  if (has(OBJECT_KEYWORDS)) inferred.push('object');
  if (has(ARRAY_KEYWORDS)) inferred.push('array');
  if (has(STRING_KEYWORDS)) inferred.push('string');
  if (has(NUMBER_KEYWORDS)) inferred.push('number');
  return inferred.length ? inferred : undefined;
}

/** Deep-equality key for enum and uniqueItems comparisons (object key order does not matter). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isSchemaObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

/** The JSON type of a value, as ajv sees it (integers are also numbers). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/** True when a value of type `actual` satisfies a `type` list. */
export function typeAllows(types: readonly JsonType[], actual: JsonType): boolean {
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

/** Length as JSON Schema counts it: Unicode code points (ajv's ucs2length). */
export const codePointLength = (text: string): number => [...text].length;

// ---------------------------------------------------------------------------------------- sources

function lookup(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of parsePointer(pointer)) {
    if (!isSchemaObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** A source for one standalone document (tests, ad-hoc schemas), validated by the project's own ajv. */
export function documentSource(document: JsonSchema, base = STANDALONE_BASE): SchemaSource {
  const ajv = createAjv({ allErrors: false });
  const id = isSchemaObject(document) && typeof document.$id === 'string' ? new URL(document.$id, base).href : base;
  ajv.addSchema(isSchemaObject(document) ? { ...document, $id: id } : document, id);
  const validators = new Map<string, (value: unknown) => boolean>();
  return {
    document: (uri) => (uri === id ? document : undefined),
    validator(uri) {
      let validate = validators.get(uri);
      if (!validate) {
        const compiled = ajv.getSchema(uri);
        if (!compiled) throw new SchemaGenerationError(uri, 'no schema at this location');
        validate = (value) => compiled(value) as boolean;
        validators.set(uri, validate);
      }
      return validate;
    },
  };
}

const contractSources = new WeakMap<Contract, SchemaSource>();

/** The source for a loaded contract: its registered documents and compiled validators (cached per contract). */
export function contractSource(contract: Contract): SchemaSource {
  let source = contractSources.get(contract);
  if (!source) {
    source = {
      document: (base) => contract.document(base),
      validator: (uri) => {
        const validate = contract.validator(uri);
        return (value) => validate(value) as boolean;
      },
    };
    contractSources.set(contract, source);
  }
  return source;
}

// ---------------------------------------------------------------------------------------- building

/** A schema to generate from, where it sits, and where its values go in the instance. */
export interface SchemaNode {
  schema: JsonSchema;
  location: SchemaLocation;
  name?: string;
  path: readonly string[];
  depth: number;
}

/** A schema after `$ref` and `allOf` resolution. `exact` is false when merging may have lost a constraint. */
export interface ResolvedSchema {
  schema: SchemaObject | boolean;
  location: SchemaLocation;
  exact: boolean;
}

interface Built {
  arbitrary: fc.Arbitrary<unknown>;
  /** False when the arbitrary may yield values the schema rejects, to be filtered where a location exists. */
  exact: boolean;
}

const asciiChar = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });
// Any code point but lone surrogates. Not fc.string({unit: 'binary'}): its first use builds a reverse map of
// all 1.1M code points (half a second at import).
const anyChar = fc.integer({ min: 0, max: 0x10ffff - 0x800 }).map((n) => String.fromCodePoint(n < 0xd800 ? n : n + 0x800));
/** Mostly printable ASCII (readable reports, shrinks there), sometimes any code point (Schemathesis-style coverage). */
const charUnit = fc.oneof({ arbitrary: asciiChar, weight: 9 }, { arbitrary: anyChar, weight: 1 });
const keyArbitrary = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const smallScalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -100, max: 100 }), fc.string({ unit: 'grapheme-ascii', maxLength: 8 }));
/** Any JSON value, kept small: the schema says nothing about it. */
export const smallJson: fc.Arbitrary<unknown> = fc.oneof(
  smallScalar,
  fc.array(smallScalar, { maxLength: 2 }),
  fc.dictionary(keyArbitrary, smallScalar, { maxKeys: 2 }),
);

const MESSAGE_ROLES = ['user', 'system', 'assistant'] as const;

/**
 * Builds arbitraries (and resolves schemas) for one source. Exposed so the invalid-input generator
 * walks schemas exactly as the valid one does.
 */
export class SchemaArbitraryBuilder {
  readonly options: Required<Omit<ArbitraryOptions, 'source' | 'base' | 'pointer' | 'hints' | 'cycle'>> & { hints: readonly Hint[]; cycle?: CycleState };
  /** Locations of subschemas copied into merged schemas, so their `$ref`s and validators still resolve. */
  private readonly placed = new WeakMap<object, SchemaLocation>();
  private readonly memo = new WeakMap<object, Map<string, Built>>();

  constructor(
    readonly source: SchemaSource,
    options: ArbitraryOptions = {},
  ) {
    this.options = {
      maxStringLength: options.maxStringLength ?? DEFAULTS.maxStringLength,
      maxArrayLength: options.maxArrayLength ?? DEFAULTS.maxArrayLength,
      maxDepth: options.maxDepth ?? DEFAULTS.maxDepth,
      numberRange: options.numberRange ?? DEFAULTS.numberRange,
      semanticHints: options.semanticHints ?? true,
      hints: options.hints ?? [],
      ...(options.cycle ? { cycle: options.cycle } : {}),
    };
  }

  fail(location: SchemaLocation, detail: string): never {
    throw new SchemaGenerationError(locationUri(location), detail);
  }

  /** The location of a subschema found under `parent` at `tokens`. */
  childLocation(parent: SchemaLocation, child: unknown, ...tokens: (string | number)[]): SchemaLocation {
    if (typeof child === 'object' && child !== null) {
      const placed = this.placed.get(child);
      if (placed) return placed;
    }
    return { base: parent.base, pointer: childPointer(parent.pointer, ...tokens) };
  }

  private deref(ref: string, from: SchemaLocation): { schema: JsonSchema; location: SchemaLocation } {
    const url = new URL(ref, from.base);
    const fragment = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    const base = url.href;
    if (fragment !== '' && !fragment.startsWith('/')) this.fail(from, `$ref "${ref}": anchors are not supported, only JSON pointers`);
    const document = this.source.document(base);
    if (document === undefined) this.fail(from, `$ref "${ref}": no document ${base}`);
    const target = lookup(document, fragment);
    if (typeof target !== 'boolean' && !isSchemaObject(target)) this.fail(from, `$ref "${ref}" does not resolve to a schema`);
    return { schema: target, location: { base, pointer: fragment } };
  }

  /** Follows `$ref` and merges `allOf`, so the result's own keywords say everything (combinators aside). */
  resolve(schema: JsonSchema, location: SchemaLocation, refs = 0): ResolvedSchema {
    if (!isSchemaObject(schema)) return { schema, location, exact: true };
    if (refs > 32) this.fail(location, '$ref chain longer than 32: a cycle?');
    if (typeof schema.$id === 'string') location = { base: new URL(schema.$id, location.base).href.replace(/#.*$/, ''), pointer: '' };
    if (typeof schema.$ref === 'string') {
      const target = this.deref(schema.$ref, location);
      const rest: SchemaObject = { ...schema };
      delete rest.$ref;
      const resolved = this.resolve(target.schema, target.location, refs + 1);
      if (!hasAssertions(rest)) return resolved;
      const own = this.resolve(rest, location, refs + 1);
      return this.merge([own, resolved], location);
    }
    if (Array.isArray(schema.allOf)) {
      const { allOf, ...rest } = schema;
      const parts = [this.resolve(rest, location, refs), ...allOf.map((part, i) => this.resolve(part as JsonSchema, this.childLocation(location, part, 'allOf', i), refs))];
      return this.merge(parts, location);
    }
    return { schema, location, exact: true };
  }

  private place(value: unknown, location: SchemaLocation): void {
    if (typeof value === 'object' && value !== null && !this.placed.has(value)) this.placed.set(value, location);
  }

  /** Merges resolved allOf parts into one schema equivalent to their conjunction (or marked inexact). */
  merge(parts: ResolvedSchema[], location: SchemaLocation): ResolvedSchema {
    let exact = parts.every((p) => p.exact);
    if (parts.some((p) => p.schema === false)) return { schema: false, location, exact };
    const objects = parts.filter((p): p is ResolvedSchema & { schema: SchemaObject } => isSchemaObject(p.schema));
    const out: SchemaObject = {};
    const combos: { keyword: 'anyOf' | 'oneOf'; branches: unknown[] }[] = [];
    const nots: unknown[] = [];
    for (const { schema, location: at } of objects) {
      for (const [keyword, value] of Object.entries(schema)) {
        // Subschemas keep their own place, so their $refs and validators resolve after the merge.
        if (['items', 'additionalProperties', 'not'].includes(keyword)) this.place(value, { base: at.base, pointer: childPointer(at.pointer, keyword) });
        if (keyword === 'properties' && isSchemaObject(value)) for (const [name, sub] of Object.entries(value)) this.place(sub, { base: at.base, pointer: childPointer(at.pointer, keyword, name) });
        if (['prefixItems', 'anyOf', 'oneOf'].includes(keyword) && Array.isArray(value)) value.forEach((sub, i) => this.place(sub, { base: at.base, pointer: childPointer(at.pointer, keyword, i) }));
        const current = out[keyword];
        if (keyword === 'anyOf' || keyword === 'oneOf') {
          combos.push({ keyword, branches: value as unknown[] });
        } else if (keyword === 'not') {
          nots.push(value);
        } else if (!(keyword in out)) {
          out[keyword] = keyword === 'properties' ? { ...(value as SchemaObject) } : value;
        } else if (keyword === 'type') {
          const a = declaredTypes({ type: current }) ?? [];
          const b = declaredTypes({ type: value }) ?? [];
          const both = JSON_TYPES.filter((t) => (typeAllows(a, t) && typeAllows(b, t)));
          const types = both.includes('number') ? both.filter((t) => t !== 'integer') : both;
          if (types.length === 0) this.fail(location, `allOf parts allow no common type (${JSON.stringify(current)} and ${JSON.stringify(value)})`);
          out.type = types.length === 1 ? types[0] : types;
        } else if (keyword === 'properties') {
          const merged = out.properties as SchemaObject;
          for (const [name, sub] of Object.entries(value as SchemaObject)) {
            merged[name] = name in merged ? { allOf: [merged[name], sub] } : sub;
          }
        } else if (keyword === 'required') {
          out.required = [...new Set([...(current as string[]), ...(value as string[])])];
        } else if (keyword === 'enum') {
          const keep = new Set((value as unknown[]).map(stableJson));
          out.enum = (current as unknown[]).filter((v) => keep.has(stableJson(v)));
        } else if (['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'].includes(keyword)) {
          out[keyword] = Math.max(current as number, value as number);
        } else if (['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'].includes(keyword)) {
          out[keyword] = Math.min(current as number, value as number);
        } else if (keyword === 'uniqueItems') {
          out.uniqueItems = Boolean(current) || Boolean(value);
        } else if (keyword === 'items' || keyword === 'additionalProperties') {
          if (current === false || value === false) out[keyword] = false;
          else if (current === true) out[keyword] = value;
          else if (value !== true) out[keyword] = { allOf: [current, value] };
        } else if (isAnnotation(keyword)) {
          // the first part's annotation wins
        } else if (stableJson(current) !== stableJson(value)) {
          if (keyword === 'const') this.fail(location, `allOf parts require different constants ${stableJson(current)} and ${stableJson(value)}`);
          // pattern, format, multipleOf, prefixItems: cannot be combined into one; the validator filter keeps values honest.
          exact = false;
        }
      }
    }
    if (objects.filter((o) => 'additionalProperties' in o.schema).length > 0 && objects.filter((o) => 'properties' in o.schema).length > 1) exact = false;
    if (nots.length === 1) out.not = nots[0];
    else if (nots.length > 1) out.not = { anyOf: nots };
    if (combos.length === 1) out[combos[0]!.keyword] = combos[0]!.branches;
    else if (combos.length > 1) {
      // (A1|A2) & (B1|B2) = A1&B1 | A1&B2 | ...; oneOf's exclusivity is left to the validator filter.
      let product: unknown[][] = [[]];
      for (const combo of combos) product = product.flatMap((prefix) => combo.branches.map((b) => [...prefix, b]));
      out.anyOf = product.map((conjunction) => ({ allOf: conjunction }));
      if (combos.some((c) => c.keyword === 'oneOf')) exact = false;
    }
    return { schema: out, location, exact };
  }

  private checkKeywords(schema: SchemaObject, location: SchemaLocation): void {
    for (const keyword of Object.keys(schema)) {
      if (!SUPPORTED.has(keyword) && !isAnnotation(keyword)) this.fail(location, `keyword "${keyword}" is not supported by the generator`);
    }
  }

  private hint(node: SchemaNode, resolved: ResolvedSchema): HintResult | undefined {
    if (!isSchemaObject(resolved.schema)) return undefined;
    const context: HintContext = { name: node.name, path: node.path, schema: resolved.schema, location: locationUri(resolved.location) };
    // A hint that only says "include" leaves the value to the hints after it (a media property stays real media).
    let include = false;
    for (const hint of this.options.hints) {
      const result = hint(context);
      if (!result) continue;
      if (result.include === true && Object.keys(result).length === 1) {
        include = true;
        continue;
      }
      return include ? { ...result, include: true } : result;
    }
    const semantic = this.options.semanticHints ? this.semanticHint(context, resolved.location) : undefined;
    return include ? { ...semantic, include: true } : semantic;
  }

  /** Built-in hints, each used only where the schema provably accepts what it yields. */
  private semanticHint({ name, path, schema }: HintContext, location: SchemaLocation): HintResult | undefined {
    const family = mediaFamilyOfProperty(name);
    if (family) {
      const { bytes, base64 } = encodedSamples(family);
      if (this.acceptsBytes(schema, location, bytes)) return { arbitrary: fc.constantFrom(...bytes) };
      if (acceptsText(schema, base64)) return { arbitrary: fc.constantFrom(...base64) };
    }
    if (name === 'contentType' && family === undefined) {
      const parent = mediaFamilyOfProperty(path.at(-2));
      const types = parent ? samplesOf(parent).map((s) => s.contentType) : [];
      if (types.length && acceptsText(schema, types)) return { arbitrary: fc.constantFrom(...types) };
    }
    if (name === 'url' && path.at(-2) === 'image_url') {
      const urls = encodedSamples('image').dataUrls;
      if (acceptsText(schema, urls)) return { arbitrary: fc.constantFrom(...urls) };
    }
    if (name === 'role' && path.includes('messages') && acceptsText(schema, MESSAGE_ROLES)) return { arbitrary: fc.constantFrom(...MESSAGE_ROLES) };
    // A decision model's `images` (clef-flash): the samples as data URLs, or as `{content_type, base64}` pairs that agree.
    if (path.at(-1) === '[]' && path.at(-2) === 'images') {
      const { dataUrls, pairs } = encodedSamples('image');
      if (acceptsText(schema, dataUrls)) return { arbitrary: fc.constantFrom(...dataUrls) };
      const properties = isSchemaObject(schema.properties) ? schema.properties : undefined;
      const member = (key: string, values: string[]): boolean => isSchemaObject(properties?.[key]) && acceptsText(properties[key] as SchemaObject, values);
      const required = Array.isArray(schema.required) ? schema.required : [];
      if (schema.type === 'object' && required.every((k) => k === 'content_type' || k === 'base64') && member('content_type', pairs.map((p) => p.content_type)) && member('base64', pairs.map((p) => p.base64))) {
        return { arbitrary: fc.constantFrom(...pairs) };
      }
    }
    return undefined;
  }

  /** True when `schema` (an array of uint8 numbers) accepts every one of `values`. */
  private acceptsBytes(schema: Readonly<SchemaObject>, location: SchemaLocation, values: readonly number[][]): boolean {
    if (schema.type !== 'array' || !Object.keys(schema).every((k) => ['type', 'items', 'minItems', 'maxItems'].includes(k) || isAnnotation(k))) return false;
    const fits = (n: number): boolean => (typeof schema.minItems !== 'number' || n >= schema.minItems) && (typeof schema.maxItems !== 'number' || n <= schema.maxItems);
    if (!values.every((v) => fits(v.length)) || !isSchemaObject(schema.items)) return false;
    const items = this.resolve(schema.items, this.childLocation(location, schema.items, 'items')).schema;
    if (!isSchemaObject(items) || (items.type !== 'number' && items.type !== 'integer')) return false;
    if (!Object.keys(items).every((k) => ['type', 'minimum', 'maximum'].includes(k) || isAnnotation(k))) return false;
    return (typeof items.minimum !== 'number' || items.minimum <= 0) && (typeof items.maximum !== 'number' || items.maximum >= 255);
  }

  /** An arbitrary of values the schema at `node` accepts. Throws SchemaGenerationError on contract bugs. */
  build(node: SchemaNode): fc.Arbitrary<unknown> {
    const built = this.child(node);
    if (built.exact || node.location.pointer === undefined) return built.arbitrary;
    const uri = locationUri(node.location);
    return boundedFilter(built.arbitrary, this.source.validator(uri), uri, 'validation');
  }

  private child(node: SchemaNode): Built {
    // Arbitraries are immutable: a subtree reached again at the same place, path and depth is reused
    // (the invalid-input walker builds every subtree once more as the "valid rest" of a mutation).
    const key = `${locationUri(node.location)}|${node.name ?? ''}|${node.path.join('/')}|${node.depth}`;
    const bySchema = typeof node.schema === 'object' ? this.memo.get(node.schema) : undefined;
    const hit = bySchema?.get(key);
    if (hit) return hit;
    const built = this.buildNode(node, this.resolve(node.schema, node.location));
    if (typeof node.schema === 'object') {
      if (bySchema) bySchema.set(key, built);
      else this.memo.set(node.schema, new Map([[key, built]]));
    }
    return built;
  }

  private buildNode(node: SchemaNode, resolved: ResolvedSchema, hinted?: HintResult): Built {
    if (node.depth > HARD_DEPTH) this.fail(resolved.location, `nesting deeper than ${HARD_DEPTH}: a required property recurses without end`);
    const { schema, location } = resolved;
    if (schema === true) return { arbitrary: smallJson, exact: true };
    if (schema === false) this.fail(location, 'the schema is `false`: no value is valid');
    this.checkKeywords(schema, location);
    const hint = hinted ?? this.hint(node, resolved);
    let built: Built;
    if (hint?.arbitrary) built = { arbitrary: hint.arbitrary, exact: true };
    else if (hint?.narrow) {
      const narrowed = this.merge([resolved, { schema: hint.narrow, location: { base: location.base }, exact: true }], location);
      // A hint narrows a union (`number|null` to `integer`): branches the narrowing empties are dropped.
      built = this.buildResolved(node, { ...narrowed, location: { base: location.base } }, true);
    } else built = this.buildResolved(node, resolved);
    let exact = built.exact && resolved.exact;
    let arbitrary = built.arbitrary;
    // Filter where the schema has a place: the contract's own validator is the judge of exactness.
    if (!exact && location.pointer !== undefined) {
      const uri = locationUri(location);
      arbitrary = boundedFilter(arbitrary, this.source.validator(uri), uri, 'validation (oneOf, not or a merged allOf)');
      exact = true;
    }
    return { arbitrary, exact };
  }

  /**
   * The branch nodes of an anyOf/oneOf: each branch conjoined with the keywords beside the combinator.
   * `tolerant` drops branches the conjunction makes unsatisfiable (used where a hint narrowed the node).
   */
  branches(node: SchemaNode, resolved: ResolvedSchema & { schema: SchemaObject }, keyword: 'anyOf' | 'oneOf', tolerant = false): { node: SchemaNode; resolved: ResolvedSchema }[] {
    const schema: SchemaObject = resolved.schema;
    const rest: SchemaObject = { ...schema };
    delete rest[keyword];
    const restTypes = declaredTypes(rest);
    const restIsOnlyType = Object.keys(rest).every((k) => k === 'type' || isAnnotation(k));
    const branchAt = (branch: JsonSchema, i: number): { node: SchemaNode; resolved: ResolvedSchema } => {
      const at = this.childLocation(resolved.location, branch, keyword, i);
      const own = this.resolve(branch, at);
      const branchTypes = isSchemaObject(own.schema) ? typesOf(own.schema) : undefined;
      // Keep the branch's own place when the siblings add nothing it does not already say.
      const implied = !hasAssertions(rest) || (restIsOnlyType && restTypes !== undefined && branchTypes !== undefined && branchTypes.every((t) => typeAllows(restTypes, t)));
      const merged = implied ? own : { ...this.merge([{ schema: rest, location: resolved.location, exact: true }, own], at), location: { base: at.base } };
      return { node: { ...node, schema: merged.schema, location: merged.location }, resolved: merged };
    };
    return (schema[keyword] as JsonSchema[]).flatMap((branch, i) => {
      try {
        return [branchAt(branch, i)];
      } catch (error) {
        if (tolerant && error instanceof SchemaGenerationError) return [];
        throw error;
      }
    });
  }

  private buildResolved(node: SchemaNode, resolved: ResolvedSchema, tolerant = false): Built {
    const schema = resolved.schema as SchemaObject;
    const location = resolved.location;
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      if (!Array.isArray(schema[keyword])) continue;
      const options = this.branches(node, { ...resolved, schema }, keyword, tolerant)
        .map((b) => ({ ...b, hint: this.hint(b.node, b.resolved) }))
        .filter((b) => !b.hint?.exclude)
        .flatMap((b) => {
          try {
            return [this.buildNode(b.node, b.resolved, b.hint)];
          } catch (error) {
            if (tolerant && error instanceof SchemaGenerationError) return [];
            throw error;
          }
        });
      if (options.length === 0) this.fail(location, `every ${keyword} branch is unsatisfiable or excluded`);
      const arbitrary = oneOfChoices(options.map((o) => o.arbitrary), this.options.cycle);
      return { arbitrary, exact: keyword === 'anyOf' && options.every((o) => o.exact) };
    }
    if ('not' in schema) {
      const { not, ...rest } = schema;
      const inner = this.buildResolved(node, { ...resolved, schema: rest });
      const at = this.childLocation(location, not, 'not');
      if (at.pointer === undefined) return { arbitrary: inner.arbitrary, exact: false };
      const forbidden = this.source.validator(locationUri(at));
      return { arbitrary: boundedFilter(inner.arbitrary, (v) => !forbidden(v), locationUri(location), '`not`'), exact: inner.exact };
    }
    const types = typesOf(schema);
    if ('const' in schema) {
      const value = schema.const;
      if (types && !typeAllows(types, jsonTypeOf(value))) this.fail(location, `const ${stableJson(value)} is not of type ${types.join('|')}`);
      return { arbitrary: fc.constant(value).map((v) => structuredClone(v)), exact: Object.keys(schema).every((k) => k === 'const' || k === 'type' || isAnnotation(k)) };
    }
    if ('enum' in schema) {
      if (!Array.isArray(schema.enum)) this.fail(location, 'enum must be an array');
      const values = (schema.enum as unknown[]).filter((v) => !types || typeAllows(types, jsonTypeOf(v)));
      if (values.length === 0) this.fail(location, `no enum value is of type ${types?.join('|')}`);
      const arbitrary = this.options.cycle ? oneOfChoices(values.map((v) => fc.constant(v)), this.options.cycle) : fc.constantFrom(...values);
      return { arbitrary: arbitrary.map((v) => structuredClone(v)), exact: Object.keys(schema).every((k) => k === 'enum' || k === 'type' || isAnnotation(k)) };
    }
    if (!types) return { arbitrary: smallJson, exact: true };
    if (types.length === 0) this.fail(location, 'type is an empty list');
    const built = types.map((type) => this.typed(type, node, { ...resolved, schema }));
    return { arbitrary: built.length === 1 ? built[0]!.arbitrary : fc.oneof(...built.map((b) => b.arbitrary)), exact: built.every((b) => b.exact) };
  }

  private typed(type: JsonType, node: SchemaNode, resolved: ResolvedSchema & { schema: SchemaObject }): Built {
    const exact = (arbitrary: fc.Arbitrary<unknown>): Built => ({ arbitrary, exact: true });
    switch (type) {
      case 'null':
        return exact(fc.constant(null));
      case 'boolean':
        return exact(fc.boolean());
      case 'integer':
      case 'number':
        return exact(this.number(type === 'integer', resolved));
      case 'string':
        return exact(this.string(resolved));
      case 'array':
        return this.array(node, resolved);
      case 'object':
        return this.object(node, resolved);
      default:
        return this.fail(resolved.location, `unknown type "${String(type)}"`);
    }
  }

  private number(integer: boolean, { schema, location }: ResolvedSchema & { schema: SchemaObject }): fc.Arbitrary<number> {
    const num = (k: string): number | undefined => {
      const v = schema[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(location, `${k} must be a finite number, found ${JSON.stringify(v)}`);
      return v;
    };
    let lo = num('minimum') ?? -Infinity;
    let hi = num('maximum') ?? Infinity;
    let loExcluded = false;
    let hiExcluded = false;
    const exMin = num('exclusiveMinimum');
    const exMax = num('exclusiveMaximum');
    if (exMin !== undefined && exMin >= lo) (lo = exMin), (loExcluded = true);
    if (exMax !== undefined && exMax <= hi) (hi = exMax), (hiExcluded = true);
    if (schema.format === 'int32') (integer = true), (lo = Math.max(lo, -(2 ** 31))), (hi = Math.min(hi, 2 ** 31 - 1));
    if (schema.format === 'int64') integer = true;
    // Unbounded sides get a small range: huge numbers say nothing a moderate one does not, and stay readable.
    const range = this.options.numberRange;
    if (lo === -Infinity && hi === Infinity) (lo = -range), (hi = range);
    else if (lo === -Infinity) lo = hi - 2 * range;
    else if (hi === Infinity) hi = lo + 2 * range;
    const multipleOf = num('multipleOf');
    if (multipleOf !== undefined && multipleOf <= 0) this.fail(location, 'multipleOf must be > 0');
    const intLo = loExcluded ? Math.floor(lo) + 1 : Math.ceil(lo);
    const intHi = hiExcluded ? Math.ceil(hi) - 1 : Math.floor(hi);
    const inRange = (v: number): boolean => (loExcluded ? v > lo : v >= lo) && (hiExcluded ? v < hi : v <= hi);
    if (multipleOf !== undefined) {
      const kLo = Math.ceil(lo / multipleOf);
      const kHi = Math.floor(hi / multipleOf);
      if (kLo > kHi) this.fail(location, `no multiple of ${multipleOf} lies in the range`);
      // ajv's test is `value / multipleOf` being an integer; floating error can break k * multipleOf.
      const multiples = integerBetween(kLo, kHi).map((k) => k * multipleOf);
      return boundedFilter(multiples, (v) => inRange(v) && Number.isInteger(v / multipleOf) && (!integer || Number.isInteger(v)), locationUri(location), 'multipleOf');
    }
    // Covering mode sends the schema's own bounds (not the small range made up for unbounded sides).
    const hasLo = num('minimum') !== undefined || exMin !== undefined;
    const hasHi = num('maximum') !== undefined || exMax !== undefined;
    if (integer) {
      if (intLo > intHi) this.fail(location, `no integer lies in the range ${loExcluded ? '(' : '['}${lo}, ${hi}${hiExcluded ? ')' : ']'}`);
      return this.atBounds(integerBetween(intLo, intHi), hasLo ? fc.constant(intLo) : undefined, hasHi ? fc.constant(intHi) : undefined);
    }
    if (lo > hi || (lo === hi && (loExcluded || hiExcluded))) this.fail(location, `the range ${lo}..${hi} is empty`);
    const doubles = fc.double({ min: lo, max: hi, minExcluded: loExcluded, maxExcluded: hiExcluded, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
    const numbers = intLo <= intHi ? fc.oneof(integerBetween(intLo, intHi), doubles) : doubles;
    return this.atBounds(numbers, hasLo && !loExcluded ? fc.constant(lo) : undefined, hasHi && !hiExcluded ? fc.constant(hi) : undefined);
  }

  /** Covering mode: choice 0 is values at the low bound, choice 1 at the high one, choice 2 drawn ones (a missing bound: drawn too). */
  private atBounds<T>(drawn: fc.Arbitrary<T>, low: fc.Arbitrary<T> | undefined, high: fc.Arbitrary<T> | undefined): fc.Arbitrary<T> {
    const cycle = this.options.cycle;
    if (!cycle || (low === undefined && high === undefined)) return drawn;
    return oneOfChoices([low ?? drawn, high ?? drawn, drawn], cycle);
  }

  private string({ schema, location }: ResolvedSchema & { schema: SchemaObject }): fc.Arbitrary<string> {
    const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    if (minLength > maxLength) this.fail(location, `minLength ${minLength} > maxLength ${maxLength}`);
    const format = typeof schema.format === 'string' ? schema.format : undefined;
    const pattern = typeof schema.pattern === 'string' ? this.regex(schema.pattern, location) : undefined;
    const lengthOk = (s: string): boolean => {
      const n = codePointLength(s);
      return n >= minLength && n <= maxLength;
    };
    const cap = Math.min(maxLength, Math.max(minLength, this.options.maxStringLength));
    const plain = fc.string({ minLength, maxLength: cap, unit: charUnit });
    const formatCheck = format ? formatValidator(format) : undefined;
    let base: fc.Arbitrary<string>;
    if (pattern) base = fc.stringMatching(pattern, { size: 'xsmall' });
    else if (format && format !== 'binary' && format !== 'password') {
      const generator = FORMAT_GENERATORS[format];
      if (!generator) this.fail(location, `format "${format}" is not supported by the generator`);
      base = generator();
    } else if (schema.contentEncoding === 'base64') base = base64Arbitrary(minLength, cap);
    else {
      // Covering mode: a string at its minimum length, one at its maximum (when short enough to send), a drawn one.
      const sized = (n: number) => fc.string({ minLength: n, maxLength: n, unit: charUnit });
      const longest = maxLength <= MAX_COVERING_STRING ? sized(maxLength) : undefined;
      return this.atBounds(plain, minLength > 0 ? sized(minLength) : undefined, longest);
    }
    return boundedFilter(base, (s) => lengthOk(s) && (!pattern || pattern.test(s)) && (!formatCheck || formatCheck(s)), locationUri(location), 'the length, pattern and format together');
  }

  private regex(pattern: string, location: SchemaLocation): RegExp {
    try {
      return new RegExp(pattern, 'u'); // ajv compiles patterns with the u flag
    } catch (cause) {
      return this.fail(location, `pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(cause as Error).message})`);
    }
  }

  private array(node: SchemaNode, { schema, location }: ResolvedSchema & { schema: SchemaObject }): Built {
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    if (minItems > maxItems) this.fail(location, `minItems ${minItems} > maxItems ${maxItems}`);
    const atLimit = node.depth >= this.options.maxDepth;
    let hi = atLimit ? minItems : Math.min(maxItems, Math.max(minItems, this.options.maxArrayLength));
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as JsonSchema[]) : [];
    const items = (schema.items ?? true) as JsonSchema;
    if (items === false) {
      if (minItems > prefix.length) this.fail(location, `minItems ${minItems} but items: false after ${prefix.length} prefixItems`);
      hi = Math.min(hi, prefix.length);
    }
    const path = [...node.path, '[]'];
    let exact = true;
    const child = (sub: JsonSchema, ...tokens: (string | number)[]): fc.Arbitrary<unknown> => {
      const built = this.child({ schema: sub, location: this.childLocation(location, sub, ...tokens), path, depth: node.depth + 1 });
      exact &&= built.exact;
      return built.arbitrary;
    };
    const done = (arbitrary: fc.Arbitrary<unknown[]>): Built => ({ arbitrary, exact });
    const itemArbitrary = items === false ? undefined : child(items, 'items');
    if (prefix.length > 0) {
      const count = Math.min(prefix.length, Math.max(hi, minItems));
      const head = fc.tuple(...prefix.slice(0, count).map((p, i) => child(p, 'prefixItems', i)));
      if (!itemArbitrary || count < prefix.length) return done(head);
      const rest = fc.array(itemArbitrary, { minLength: Math.max(0, minItems - count), maxLength: Math.max(0, minItems - count, hi - count) });
      return done(fc.tuple(head, rest).map(([a, b]) => [...a, ...b]));
    }
    if (!itemArbitrary) return done(fc.constant([]));
    if (schema.uniqueItems === true) {
      // fast-check's uniqueArray loops forever when the items cannot make minItems distinct values.
      const unique = fc.uniqueArray(itemArbitrary, { minLength: 0, maxLength: hi, selector: stableJson });
      return done(minItems === 0 ? unique : boundedFilter(unique, (a) => a.length >= minItems, locationUri(location), `minItems ${minItems} distinct items (uniqueItems)`));
    }
    // Covering mode: the shortest array allowed, then one of a single item (when allowed), then a drawn one.
    const sized = (n: number) => fc.array(itemArbitrary, { minLength: n, maxLength: n });
    return done(this.atBounds(fc.array(itemArbitrary, { minLength: minItems, maxLength: hi }), sized(minItems), minItems < 1 && hi >= 1 ? sized(1) : undefined));
  }

  private object(node: SchemaNode, { schema, location }: ResolvedSchema & { schema: SchemaObject }): Built {
    const properties = isSchemaObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const additional = (schema.additionalProperties ?? true) as JsonSchema;
    const atLimit = node.depth >= this.options.maxDepth;
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    const requiredKeys: string[] = [];
    let exact = true;
    const take = (built: Built): fc.Arbitrary<unknown> => {
      exact &&= built.exact;
      return built.arbitrary;
    };
    for (const [name, sub] of Object.entries(properties)) {
      const childNode: SchemaNode = { schema: sub as JsonSchema, location: this.childLocation(location, sub, 'properties', name), name, path: [...node.path, name], depth: node.depth + 1 };
      const resolved = this.resolve(childNode.schema, childNode.location);
      const hint = this.hint(childNode, resolved);
      const isRequired = required.has(name) || hint?.include === true;
      if (resolved.schema === false && !isRequired) continue; // a forbidden property: never sent
      if (!isRequired && atLimit) continue;
      model[name] = take(this.buildNode(childNode, resolved, hint));
      if (isRequired) requiredKeys.push(name);
    }
    for (const name of required) {
      if (name in properties) continue;
      if (additional === false) this.fail(location, `required property "${name}" is forbidden by additionalProperties: false`);
      model[name] = take(this.child({ schema: additional, location: this.childLocation(location, additional, 'additionalProperties'), name, path: [...node.path, name], depth: node.depth + 1 }));
      requiredKeys.push(name);
    }
    const record = fc.record(model, { requiredKeys });
    const free = Object.keys(properties).length === 0 && !('additionalProperties' in schema);
    // minProperties/maxProperties: made-up keys fill up to the minimum and stop at the maximum; where the declared
    // properties alone decide the count, the count is filtered.
    const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    const maxProperties = typeof schema.maxProperties === 'number' ? schema.maxProperties : Infinity;
    const counted = (arbitrary: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> => {
      if (minProperties === 0 && maxProperties === Infinity) return arbitrary;
      const fits = (o: Record<string, unknown>): boolean => Object.keys(o).length >= minProperties && Object.keys(o).length <= maxProperties;
      return boundedFilter(arbitrary, fits, locationUri(location), `between ${minProperties} and ${maxProperties} properties`);
    };
    if (atLimit || additional === false || (additional === true && !free)) return { arbitrary: counted(record), exact };
    // Extra keys: a map-like schema (`additionalProperties: {...}`) is only exercised when keys are made up.
    const extraValue = additional === true ? smallScalar : take(this.child({ schema: additional, location: this.childLocation(location, additional, 'additionalProperties'), path: [...node.path, '*'], depth: node.depth + 1 }));
    const extraKey = keyArbitrary.map((k) => (k in properties || required.has(k) ? `${k}_extra` : k));
    const minKeys = Math.max(0, minProperties - requiredKeys.length);
    const maxKeys = Math.max(minKeys, Math.min(free ? 2 : Math.min(2, this.options.maxArrayLength), maxProperties - requiredKeys.length));
    const extras = fc.dictionary(extraKey, extraValue, { minKeys, maxKeys });
    return { arbitrary: counted(fc.tuple(record, extras).map(([own, more]) => ({ ...more, ...own }))), exact };
  }
}

/** Integers in [lo, hi], beyond 32 bits when the schema asks (fc.integer stops at 2^31). */
function integerBetween(lo: number, hi: number): fc.Arbitrary<number> {
  const a = Math.max(lo, Number.MIN_SAFE_INTEGER);
  const b = Math.min(hi, Number.MAX_SAFE_INTEGER);
  if (a >= -(2 ** 31) && b <= 2 ** 31 - 1) return fc.integer({ min: a, max: b });
  return fc.bigInt({ min: BigInt(a), max: BigInt(b) }).map(Number);
}

function base64Arbitrary(minLength: number, maxLength: number): fc.Arbitrary<string> {
  // 3 bytes make 4 characters; generate enough bytes for the bounds and let the length filter trim the rest.
  const maxBytes = Math.max(Math.ceil(minLength / 4) * 3, Math.floor(Math.min(maxLength, 64) / 4) * 3);
  return fc.uint8Array({ minLength: Math.ceil(minLength / 4) * 3, maxLength: maxBytes }).map((b) => toBase64(b));
}

const isoDates = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });

/** Generators for the formats the project's ajv checks (ajv-formats "full", plus OpenAPI's byte and binary). */
const FORMAT_GENERATORS: Record<string, () => fc.Arbitrary<string>> = {
  'date-time': () => isoDates.map((d) => d.toISOString()),
  date: () => isoDates.map((d) => d.toISOString().slice(0, 10)),
  time: () => isoDates.map((d) => d.toISOString().slice(11)),
  'iso-date-time': () => isoDates.map((d) => d.toISOString()),
  'iso-time': () => isoDates.map((d) => d.toISOString().slice(11)),
  duration: () => fc.tuple(fc.nat(30), fc.nat(23), fc.nat(59)).map(([d, h, m]) => `P${d}DT${h}H${m}M`),
  uri: () => fc.webUrl({ size: 'xsmall' }),
  url: () => fc.webUrl({ size: 'xsmall' }),
  'uri-reference': () => fc.webUrl({ size: 'xsmall' }),
  'uri-template': () => fc.webUrl({ size: 'xsmall' }),
  uuid: () => fc.uuid(),
  email: () => fc.emailAddress({ size: 'xsmall' }),
  hostname: () => fc.domain({ size: 'xsmall' }),
  ipv4: () => fc.ipV4(),
  ipv6: () => fc.ipV6(),
  byte: () => base64Arbitrary(0, 40),
  regex: () => fc.constantFrom('^a$', '[0-9]+', '.*', '^(x|y)?z$'),
  'json-pointer': () => fc.constantFrom('', '/a', '/a/0', '/~0~1'),
  'relative-json-pointer': () => fc.constantFrom('0', '1/a', '0#'),
};

type FormatDefinition = RegExp | ((s: string) => boolean) | { validate: RegExp | ((s: string) => boolean); type?: string };

/** The check ajv applies for a string format, or undefined when ajv accepts any string (binary, password). */
export function formatValidator(format: string): ((value: string) => boolean) | undefined {
  if (format === 'binary' || format === 'password') return undefined;
  if (format === 'byte') return (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s); // as createAjv overrides it
  const definition = (fullFormats as unknown as Record<string, FormatDefinition | undefined>)[format];
  if (!definition) return undefined;
  const validate = definition instanceof RegExp || typeof definition === 'function' ? definition : definition.validate;
  return validate instanceof RegExp ? (s) => validate.test(s) : (s) => validate(s);
}

type EncodedSamples = { bytes: number[][]; base64: string[]; dataUrls: string[]; pairs: { content_type: string; base64: string }[] };
const encodedCache = new Map<MediaFamily, EncodedSamples>();

/** The family's samples in each JSON form, encoded once (the WAV alone is 8 kB). */
function encodedSamples(family: MediaFamily): EncodedSamples {
  let encoded = encodedCache.get(family);
  if (!encoded) {
    const samples = samplesOf(family);
    encoded = {
      bytes: samples.map((s) => toByteArray(s.bytes)),
      base64: samples.map((s) => toBase64(s.bytes)),
      dataUrls: samples.map((s) => `data:${s.contentType};base64,${toBase64(s.bytes)}`),
      pairs: samples.map((s) => ({ content_type: s.contentType, base64: toBase64(s.bytes) })),
    };
    encodedCache.set(family, encoded);
  }
  return encoded;
}

/** True when `schema` (a string) accepts every one of `values`. */
function acceptsText(schema: Readonly<SchemaObject>, values: readonly string[]): boolean {
  if (schema.type !== 'string') return false;
  if (!Object.keys(schema).every((k) => ['type', 'minLength', 'maxLength', 'pattern', 'format'].includes(k) || isAnnotation(k))) return false;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  if (format !== undefined && !['binary', 'byte', 'password'].includes(format)) return false;
  const check = format ? formatValidator(format) : undefined;
  const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : undefined;
  return values.every((v) => {
    const n = codePointLength(v);
    if (typeof schema.minLength === 'number' && n < schema.minLength) return false;
    if (typeof schema.maxLength === 'number' && n > schema.maxLength) return false;
    return (!pattern || pattern.test(v)) && (!check || check(v));
  });
}

/**
 * An arbitrary of values `schema` accepts, covering every branch and keyword (see the module's
 * SUPPORTED list). Values stay small by default but always respect the schema's minimums.
 * Throws SchemaGenerationError (naming the schema's URI and pointer) for unsatisfiable schemas and
 * unsupported keywords: those are contract bugs, never silently replaced by "anything".
 */
export function arbitraryFromSchema(schema: JsonSchema, options: ArbitraryOptions = {}): fc.Arbitrary<unknown> {
  if (options.source && options.base === undefined) throw new TypeError('arbitraryFromSchema: options.base is required with options.source');
  const base = options.base ?? STANDALONE_BASE;
  const source = options.source ?? documentSource(schema, base);
  const builder = new SchemaArbitraryBuilder(source, options);
  return builder.build({ schema, location: { base, pointer: options.pointer ?? '' }, path: [], depth: 0 });
}
