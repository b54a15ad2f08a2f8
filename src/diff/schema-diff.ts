/**
 * @module Walks two `$ref`-free JSON Schemas (2020-12) in parallel and lists what changed. Each change
 * carries its JSON pointer (into the schema, new side unless the thing was removed) and its `effect`
 * on the set of documents the schema accepts: `narrows` (something accepted before is now rejected),
 * `widens` (something rejected before is now accepted), `both`, or `none` (annotations). Whether
 * that is breaking depends on who reads the schema and which way data flows: see classify.ts.
 */
import { escapeToken } from '../contract/json-pointer.js';
import type { JsonSchema } from '../contract/types.js';

/** What a change does to the set of documents the schema accepts. */
export type Effect = 'narrows' | 'widens' | 'both' | 'none';

export const SCHEMA_CHANGE_KINDS = [
  'schema-closed', // a subschema became `false`
  'schema-opened', // a `false` subschema now accepts something
  'type-narrowed',
  'type-widened',
  'type-changed',
  'property-added',
  'property-removed',
  'required-added',
  'required-removed',
  'enum-added', // a value set (enum or const) now restricts what was free
  'enum-removed', // the value set is gone
  'enum-value-added',
  'enum-value-removed',
  'constraint-tightened', // minimum, maxLength, pattern added, format added, uniqueItems, multipleOf...
  'constraint-loosened',
  'constraint-changed', // neither tighter nor looser (a pattern replaced by another)
  'additional-properties-closed',
  'additional-properties-opened',
  'branch-added', // anyOf/oneOf/allOf/prefixItems entry
  'branch-removed',
  'composition-added', // a free schema became anyOf/oneOf
  'composition-removed',
  'composition-changed', // anyOf ↔ oneOf
  'subschema-added', // not, contains, patternProperties/dependentSchemas entries
  'subschema-removed',
  'ref-changed', // a recursive reference left in place points elsewhere
  'default-added',
  'default-removed',
  'default-changed',
  'description-changed', // title or description
  'deprecated-changed',
  'keyword-changed', // any other keyword (extensions, readOnly, contentMediaType, ...)
] as const;
export type SchemaChangeKind = (typeof SCHEMA_CHANGE_KINDS)[number];

/** One difference between two schemas. */
export interface SchemaChange {
  /** JSON pointer into the schema: the new one, or the old one for things that were removed. */
  pointer: string;
  kind: SchemaChangeKind;
  /** The keyword concerned, where the kind covers several (`maximum`, `anyOf`, `description`, ...). */
  keyword?: string;
  before?: unknown;
  after?: unknown;
  /** enum-value-added/-removed: the values concerned. */
  values?: unknown[];
  effect: Effect;
  /** property-added / property-removed: the object refused unknown properties (additionalProperties: false). */
  closed?: boolean;
}

type Obj = { [keyword: string]: unknown };
/** 1: as written; -1: inside `not` (narrowing the inner schema widens the outer); 0: inside if/then/else (either way). */
type Polarity = 1 | -1 | 0;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON data (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((item, i) => sameJson(item, bb[i]));
  }
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Obj)[k], (b as Obj)[k]));
}

/** A short description of a schema, for added and removed subschemas. */
export function summarizeSchema(schema: unknown): string {
  if (schema === true) return 'any value';
  if (schema === false) return 'no value';
  if (!isObject(schema)) return JSON.stringify(schema);
  const parts: string[] = [];
  if (typeof schema.title === 'string') parts.push(schema.title);
  if (schema.const !== undefined) parts.push(`const ${JSON.stringify(schema.const)}`);
  else if (Array.isArray(schema.enum)) parts.push(`enum ${JSON.stringify(schema.enum)}`);
  else if (schema.type !== undefined) parts.push(Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type));
  for (const kw of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(schema[kw])) parts.push(`${kw}[${(schema[kw] as unknown[]).length}]`);
  if (typeof schema.$ref === 'string') parts.push(`$ref ${schema.$ref}`);
  return parts.length ? parts.join(' ') : 'schema';
}

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains'];
/** Keywords with no bearing on validation and no interest to a client: never reported. */
const IGNORED = new Set(['examples', 'example', '$comment', '$schema', '$id', '$anchor', '$dynamicAnchor', '$defs', 'definitions']);
/** Annotations compared beside a union rather than inside its branches. */
const ANNOTATIONS = ['title', 'description', 'default', 'deprecated'];
/** Keywords the walk handles itself; everything else is compared whole (`keyword-changed`). */
const HANDLED = new Set([
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  'type',
  'enum',
  'const',
  'multipleOf',
  'pattern',
  'format',
  'uniqueItems',
  'dependentRequired',
  'properties',
  'required',
  'additionalProperties',
  'unevaluatedProperties',
  'patternProperties',
  'dependentSchemas',
  'propertyNames',
  'items',
  'prefixItems',
  'contains',
  'unevaluatedItems',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  'title',
  'description',
  'default',
  'deprecated',
]);

const at = (pointer: string, ...tokens: (string | number)[]) => pointer + tokens.map((t) => `/${escapeToken(String(t))}`).join('');

function applyPolarity(effect: Effect, polarity: Polarity): Effect {
  if (effect === 'none' || polarity === 1) return effect;
  if (polarity === 0) return 'both';
  return effect === 'narrows' ? 'widens' : effect === 'widens' ? 'narrows' : effect;
}

/** JSON types a type keyword admits, or undefined for "any". */
function typeList(schema: Obj): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  return undefined;
}

/** True when every type in `inner` is admitted by `outer` (integer is a number). */
function typesWithin(inner: string[], outer: string[]): boolean {
  return inner.every((t) => outer.includes(t) || (t === 'integer' && outer.includes('number')));
}

/** The value set of a schema (const counts as a one-value enum), or undefined. */
function valueSet(schema: Obj): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

const isClosed = (schema: Obj) => schema.additionalProperties === false || schema.unevaluatedProperties === false;

/** Signature used to pair anyOf/oneOf/allOf branches that have no title. */
function branchSignature(schema: unknown): string {
  if (!isObject(schema)) return JSON.stringify(schema);
  const props = isObject(schema.properties) ? Object.keys(schema.properties).sort() : [];
  const required = Array.isArray(schema.required) ? [...schema.required].map(String).sort() : [];
  return JSON.stringify([typeList(schema) ?? null, required, props, valueSet(schema) ?? null]);
}

/** Tokens describing a branch, for pairing leftovers by similarity. */
function branchTokens(schema: unknown): Set<string> {
  const tokens = new Set<string>();
  if (!isObject(schema)) return tokens;
  for (const t of typeList(schema) ?? []) tokens.add(`type:${t}`);
  if (isObject(schema.properties)) for (const p of Object.keys(schema.properties)) tokens.add(`prop:${p}`);
  if (Array.isArray(schema.required)) for (const r of schema.required) tokens.add(`req:${String(r)}`);
  for (const v of valueSet(schema) ?? []) tokens.add(`value:${JSON.stringify(v)}`);
  if (isObject(schema.items)) for (const t of typeList(schema.items) ?? []) tokens.add(`items:${t}`);
  return tokens;
}

/**
 * Pairs old and new branches: same title, then same structure (type, properties, required),
 * then position when as many are left on both sides, then by similarity. Unpaired ones were
 * removed (old) or added (new).
 */
export function matchBranches(before: readonly unknown[], after: readonly unknown[]): { pairs: [number, number][]; removed: number[]; added: number[] } {
  const pairs: [number, number][] = [];
  const freeA = new Set(before.keys());
  const freeB = new Set(after.keys());
  const pair = (i: number, j: number) => {
    pairs.push([i, j]);
    freeA.delete(i);
    freeB.delete(j);
  };
  const titleOf = (s: unknown) => (isObject(s) && typeof s.title === 'string' ? s.title : undefined);
  for (const i of [...freeA]) {
    const title = titleOf(before[i]);
    if (title === undefined) continue;
    const j = [...freeB].find((k) => titleOf(after[k]) === title);
    if (j !== undefined) pair(i, j);
  }
  for (const i of [...freeA]) {
    const signature = branchSignature(before[i]);
    const candidates = [...freeB].filter((k) => branchSignature(after[k]) === signature);
    if (candidates.length >= 1) pair(i, candidates[0]!);
  }
  if (freeA.size === freeB.size) {
    const a = [...freeA];
    const b = [...freeB];
    a.forEach((i, n) => pair(i, b[n]!));
  } else {
    const scored: { i: number; j: number; score: number }[] = [];
    for (const i of freeA) {
      const ta = branchTokens(before[i]);
      for (const j of freeB) {
        const tb = branchTokens(after[j]);
        const common = [...ta].filter((t) => tb.has(t)).length;
        const union = new Set([...ta, ...tb]).size;
        if (union > 0 && common / union >= 0.5) scored.push({ i, j, score: common / union });
      }
    }
    scored.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
    for (const { i, j } of scored) if (freeA.has(i) && freeB.has(j)) pair(i, j);
  }
  pairs.sort((x, y) => x[1] - y[1]);
  return { pairs, removed: [...freeA].sort((x, y) => x - y), added: [...freeB].sort((x, y) => x - y) };
}

class Walker {
  readonly changes: SchemaChange[] = [];

  private push(change: Omit<SchemaChange, 'effect'> & { effect: Effect }, polarity: Polarity): void {
    this.changes.push({ ...change, effect: applyPolarity(change.effect, polarity) });
  }

  node(a: unknown, b: unknown, pointer: string, polarity: Polarity): void {
    if (sameJson(a, b)) return;
    const sa: unknown = a === true ? {} : a;
    const sb: unknown = b === true ? {} : b;
    if (sa === false || sb === false) {
      if (sa === false && sb === false) return;
      if (sa === false) this.push({ pointer, kind: 'schema-opened', before: false, after: summarizeSchema(b), effect: 'widens' }, polarity);
      else this.push({ pointer, kind: 'schema-closed', before: summarizeSchema(a), after: false, effect: 'narrows' }, polarity);
      return;
    }
    if (!isObject(sa) || !isObject(sb)) {
      this.push({ pointer, kind: 'keyword-changed', before: a, after: b, effect: 'both' }, polarity);
      return;
    }
    this.object(sa, sb, pointer, polarity);
  }

  private object(a0: Obj, b0: Obj, pointer: string, polarity: Polarity): void {
    const [a, b] = this.composition(a0, b0, pointer, polarity);
    this.types(a, b, pointer, polarity);
    this.values(a, b, pointer, polarity);
    this.constraints(a, b, pointer, polarity);
    this.objects(a, b, pointer, polarity);
    this.arrays(a, b, pointer, polarity);
    this.applicators(a, b, pointer, polarity);
    this.annotations(a, b, pointer, polarity);
  }

  /** anyOf / oneOf (and the step from a plain schema to a union); returns the schemas left to compare. */
  private composition(a: Obj, b: Obj, pointer: string, polarity: Polarity): [Obj, Obj] {
    const union = (s: Obj) => ['anyOf', 'oneOf'].filter((k) => Array.isArray(s[k]));
    const ua = union(a);
    const ub = union(b);
    if (ua.length === 1 && ub.length === 1 && ua[0] !== ub[0]) {
      const [ka, kb] = [ua[0]!, ub[0]!];
      this.push({ pointer, kind: 'composition-changed', keyword: kb, before: ka, after: kb, effect: kb === 'anyOf' ? 'widens' : 'narrows' }, polarity);
      this.branches(a[ka] as unknown[], b[kb] as unknown[], pointer, kb, kb, polarity, 'union');
      return [omit(a, [ka]), omit(b, [kb])];
    }
    if (ua.length === 0 && ub.length === 1) return this.wrap(a, b, ub[0]!, pointer, polarity, 'after');
    if (ua.length === 1 && ub.length === 0) return this.wrap(b, a, ua[0]!, pointer, polarity, 'before');
    for (const k of ['anyOf', 'oneOf']) {
      if (Array.isArray(a[k]) && Array.isArray(b[k])) this.branches(a[k] as unknown[], b[k] as unknown[], pointer, k, k, polarity, 'union');
      else if (Array.isArray(b[k])) this.push({ pointer: at(pointer, k), kind: 'composition-added', keyword: k, after: summarizeSchema({ [k]: b[k] }), effect: 'narrows' }, polarity);
      else if (Array.isArray(a[k])) this.push({ pointer: at(pointer, k), kind: 'composition-removed', keyword: k, before: summarizeSchema({ [k]: a[k] }), effect: 'widens' }, polarity);
    }
    return [omit(a, ['anyOf', 'oneOf']), omit(b, ['anyOf', 'oneOf'])];
  }

  /**
   * One side is a plain schema, the other a union (`composed`, on side `composedSide`). The plain
   * schema is compared as a one-branch union: its keywords the union repeats beside `anyOf` stay
   * beside it, the rest form the branch. A plain schema with nothing left to form a branch
   * (no constraint at all) simply gained or lost the union.
   */
  private wrap(plain: Obj, composed: Obj, keyword: string, pointer: string, polarity: Polarity, composedSide: 'before' | 'after'): [Obj, Obj] {
    const siblings = Object.keys(composed).filter((k) => k !== keyword);
    const kept = [...siblings, ...IGNORED, ...ANNOTATIONS];
    const branch = omit(plain, kept);
    const rest = pick(plain, kept);
    const branches = composed[keyword] as unknown[];
    if (Object.keys(branch).length === 0) {
      if (composedSide === 'after') this.push({ pointer: at(pointer, keyword), kind: 'composition-added', keyword, after: summarizeSchema({ [keyword]: branches }), effect: 'narrows' }, polarity);
      else this.push({ pointer: at(pointer, keyword), kind: 'composition-removed', keyword, before: summarizeSchema({ [keyword]: branches }), effect: 'widens' }, polarity);
    } else if (composedSide === 'after') {
      this.branches([branch], branches, pointer, keyword, keyword, polarity, 'union');
    } else {
      this.branches(branches, [branch], pointer, keyword, keyword, polarity, 'union');
    }
    const stripped = omit(composed, [keyword]);
    return composedSide === 'after' ? [omit(rest, [keyword]), stripped] : [stripped, omit(rest, [keyword])];
  }

  /** Pairs and compares branches; `mode` says what adding one does (union: widens; intersection/tuple: narrows). */
  private branches(a: unknown[], b: unknown[], pointer: string, keywordA: string, keywordB: string, polarity: Polarity, mode: 'union' | 'intersection'): void {
    const { pairs, removed, added } = mode === 'union' || keywordB !== 'prefixItems' ? matchBranches(a, b) : positional(a, b);
    const grows: Effect = mode === 'union' ? 'widens' : 'narrows';
    const shrinks: Effect = mode === 'union' ? 'narrows' : 'widens';
    for (const i of removed) this.push({ pointer: at(pointer, keywordA, i), kind: 'branch-removed', keyword: keywordA, before: summarizeSchema(a[i]), effect: shrinks }, polarity);
    for (const j of added) this.push({ pointer: at(pointer, keywordB, j), kind: 'branch-added', keyword: keywordB, after: summarizeSchema(b[j]), effect: grows }, polarity);
    for (const [i, j] of pairs) this.node(a[i], b[j], at(pointer, keywordB, j), polarity);
  }

  private types(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    const ta = typeList(a);
    const tb = typeList(b);
    if (ta === undefined && tb === undefined) return;
    const p = at(pointer, 'type');
    if (ta === undefined) return this.push({ pointer: p, kind: 'type-narrowed', keyword: 'type', before: 'any', after: b.type, effect: 'narrows' }, polarity);
    if (tb === undefined) return this.push({ pointer: p, kind: 'type-widened', keyword: 'type', before: a.type, after: 'any', effect: 'widens' }, polarity);
    const within = typesWithin(ta, tb);
    const contains = typesWithin(tb, ta);
    if (within && contains) return;
    const kind = within ? 'type-widened' : contains ? 'type-narrowed' : 'type-changed';
    this.push({ pointer: p, kind, keyword: 'type', before: a.type, after: b.type, effect: within ? 'widens' : contains ? 'narrows' : 'both' }, polarity);
  }

  private values(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    const va = valueSet(a);
    const vb = valueSet(b);
    if (va === undefined && vb === undefined) return;
    const keyword = vb !== undefined ? ('const' in b ? 'const' : 'enum') : 'const' in a ? 'const' : 'enum';
    const p = at(pointer, keyword);
    if (va === undefined) return this.push({ pointer: p, kind: 'enum-added', keyword, after: vb, effect: 'narrows' }, polarity);
    if (vb === undefined) return this.push({ pointer: p, kind: 'enum-removed', keyword, before: va, effect: 'widens' }, polarity);
    const removed = va.filter((v) => !vb.some((w) => sameJson(v, w)));
    const added = vb.filter((v) => !va.some((w) => sameJson(v, w)));
    if (removed.length) this.push({ pointer: p, kind: 'enum-value-removed', keyword, before: va, after: vb, values: removed, effect: 'narrows' }, polarity);
    if (added.length) this.push({ pointer: p, kind: 'enum-value-added', keyword, before: va, after: vb, values: added, effect: 'widens' }, polarity);
  }

  private constraints(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    const bound = (keyword: string, lower: boolean) => {
      const x = a[keyword];
      const y = b[keyword];
      if (sameJson(x, y)) return;
      const p = at(pointer, keyword);
      let tighter: boolean | undefined;
      if (x === undefined) tighter = true;
      else if (y === undefined) tighter = false;
      else if (typeof x === 'number' && typeof y === 'number') tighter = lower ? y > x : y < x;
      this.tightness(p, keyword, x, y, tighter, polarity);
    };
    for (const k of LOWER_BOUNDS) bound(k, true);
    for (const k of UPPER_BOUNDS) bound(k, false);
    // multipleOf: a multiple of the old divisor is tighter (1 → 2), a divisor of it looser.
    if (!sameJson(a.multipleOf, b.multipleOf)) {
      const x = a.multipleOf;
      const y = b.multipleOf;
      const divides = (m: unknown, n: unknown) => typeof m === 'number' && typeof n === 'number' && Number.isInteger(n / m);
      const tighter = x === undefined ? true : y === undefined ? false : divides(x, y) ? true : divides(y, x) ? false : undefined;
      this.tightness(at(pointer, 'multipleOf'), 'multipleOf', x, y, tighter, polarity);
    }
    for (const keyword of ['pattern', 'format', 'dependentRequired']) {
      if (sameJson(a[keyword], b[keyword])) continue;
      const tighter = a[keyword] === undefined ? true : b[keyword] === undefined ? false : undefined;
      this.tightness(at(pointer, keyword), keyword, a[keyword], b[keyword], tighter, polarity);
    }
    if (Boolean(a.uniqueItems) !== Boolean(b.uniqueItems)) this.tightness(at(pointer, 'uniqueItems'), 'uniqueItems', a.uniqueItems, b.uniqueItems, b.uniqueItems === true, polarity);
  }

  private tightness(pointer: string, keyword: string, before: unknown, after: unknown, tighter: boolean | undefined, polarity: Polarity): void {
    const kind = tighter === true ? 'constraint-tightened' : tighter === false ? 'constraint-loosened' : 'constraint-changed';
    const effect: Effect = tighter === true ? 'narrows' : tighter === false ? 'widens' : 'both';
    this.push({ pointer, kind, keyword, before, after, effect }, polarity);
  }

  private objects(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    const pa = isObject(a.properties) ? a.properties : {};
    const pb = isObject(b.properties) ? b.properties : {};
    for (const name of Object.keys(pb)) {
      const p = at(pointer, 'properties', name);
      if (name in pa) this.node(pa[name], pb[name], p, polarity);
      else {
        const closed = isClosed(a);
        this.push({ pointer: p, kind: 'property-added', after: summarizeSchema(pb[name]), closed, effect: closed ? 'widens' : 'none' }, polarity);
      }
    }
    for (const name of Object.keys(pa)) {
      if (name in pb) continue;
      const closed = isClosed(b);
      this.push({ pointer: at(pointer, 'properties', name), kind: 'property-removed', before: summarizeSchema(pa[name]), closed, effect: closed ? 'narrows' : 'none' }, polarity);
    }
    const ra = new Set(Array.isArray(a.required) ? a.required.map(String) : []);
    const rb = new Set(Array.isArray(b.required) ? b.required.map(String) : []);
    for (const name of rb) if (!ra.has(name)) this.push({ pointer: at(pointer, 'properties', name), kind: 'required-added', keyword: 'required', after: name, effect: 'narrows' }, polarity);
    for (const name of ra) if (!rb.has(name)) this.push({ pointer: at(pointer, 'properties', name), kind: 'required-removed', keyword: 'required', before: name, effect: 'widens' }, polarity);

    for (const keyword of ['additionalProperties', 'unevaluatedProperties']) {
      const x = a[keyword] ?? true;
      const y = b[keyword] ?? true;
      if (sameJson(x, y)) continue;
      const p = at(pointer, keyword);
      if (y === false) this.push({ pointer: p, kind: 'additional-properties-closed', keyword, before: a[keyword], after: false, effect: 'narrows' }, polarity);
      else if (x === false) this.push({ pointer: p, kind: 'additional-properties-opened', keyword, before: false, after: b[keyword] === undefined ? true : summarizeSchema(y), effect: 'widens' }, polarity);
      else this.node(x, y, p, polarity);
    }
    for (const keyword of ['patternProperties', 'dependentSchemas']) this.schemaMap(a[keyword], b[keyword], at(pointer, keyword), keyword, polarity);
    this.node(a.propertyNames ?? true, b.propertyNames ?? true, at(pointer, 'propertyNames'), polarity);
  }

  /** Maps of subschemas (patternProperties, dependentSchemas): an entry added narrows, removed widens. */
  private schemaMap(x: unknown, y: unknown, pointer: string, keyword: string, polarity: Polarity): void {
    const ma = isObject(x) ? x : {};
    const mb = isObject(y) ? y : {};
    for (const key of Object.keys(mb)) {
      if (key in ma) this.node(ma[key], mb[key], at(pointer, key), polarity);
      else this.push({ pointer: at(pointer, key), kind: 'subschema-added', keyword, after: summarizeSchema(mb[key]), effect: 'narrows' }, polarity);
    }
    for (const key of Object.keys(ma)) if (!(key in mb)) this.push({ pointer: at(pointer, key), kind: 'subschema-removed', keyword, before: summarizeSchema(ma[key]), effect: 'widens' }, polarity);
  }

  private arrays(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    // Draft-7 tuple `items: [...]` is 2020-12's prefixItems.
    const tuple = (s: Obj) => (Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined);
    const items = (s: Obj) => (Array.isArray(s.items) ? (s.additionalItems ?? true) : (s.items ?? true));
    const xa = tuple(a);
    const xb = tuple(b);
    if (xa || xb) this.branches(xa ?? [], xb ?? [], pointer, 'prefixItems', 'prefixItems', polarity, 'intersection');
    this.node(items(a), items(b), at(pointer, 'items'), polarity);
    this.node(a.unevaluatedItems ?? true, b.unevaluatedItems ?? true, at(pointer, 'unevaluatedItems'), polarity);
    this.optional(a, b, 'contains', pointer, polarity, polarity);
  }

  /** Subschemas whose absence means "no constraint" and whose presence narrows (contains, not). */
  private optional(a: Obj, b: Obj, keyword: string, pointer: string, polarity: Polarity, inner: Polarity): void {
    const p = at(pointer, keyword);
    if (a[keyword] === undefined && b[keyword] === undefined) return;
    if (a[keyword] === undefined) return this.push({ pointer: p, kind: 'subschema-added', keyword, after: summarizeSchema(b[keyword]), effect: 'narrows' }, polarity);
    if (b[keyword] === undefined) return this.push({ pointer: p, kind: 'subschema-removed', keyword, before: summarizeSchema(a[keyword]), effect: 'widens' }, polarity);
    this.node(a[keyword], b[keyword], p, inner);
  }

  private applicators(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    if (Array.isArray(a.allOf) || Array.isArray(b.allOf)) {
      this.branches(Array.isArray(a.allOf) ? a.allOf : [], Array.isArray(b.allOf) ? b.allOf : [], pointer, 'allOf', 'allOf', polarity, 'intersection');
    }
    this.optional(a, b, 'not', pointer, polarity, polarity === 0 ? 0 : polarity === 1 ? -1 : 1);
    if (!sameJson(a.if, b.if) || !sameJson(a.then, b.then) || !sameJson(a.else, b.else)) {
      for (const k of ['if', 'then', 'else']) this.node(a[k] ?? true, b[k] ?? true, at(pointer, k), 0);
    }
    if (a.$ref !== b.$ref && (a.$ref !== undefined || b.$ref !== undefined)) {
      this.push({ pointer: at(pointer, '$ref'), kind: 'ref-changed', keyword: '$ref', before: a.$ref, after: b.$ref, effect: 'both' }, polarity);
    }
  }

  private annotations(a: Obj, b: Obj, pointer: string, polarity: Polarity): void {
    for (const keyword of ['title', 'description']) {
      if (!sameJson(a[keyword], b[keyword])) this.push({ pointer: at(pointer, keyword), kind: 'description-changed', keyword, before: a[keyword], after: b[keyword], effect: 'none' }, polarity);
    }
    if (!sameJson(a.default, b.default)) {
      const kind = a.default === undefined ? 'default-added' : b.default === undefined ? 'default-removed' : 'default-changed';
      this.push({ pointer: at(pointer, 'default'), kind, keyword: 'default', before: a.default, after: b.default, effect: 'none' }, polarity);
    }
    if (Boolean(a.deprecated) !== Boolean(b.deprecated)) this.push({ pointer: at(pointer, 'deprecated'), kind: 'deprecated-changed', keyword: 'deprecated', before: a.deprecated ?? false, after: b.deprecated ?? false, effect: 'none' }, polarity);
    const others = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !HANDLED.has(k) && !IGNORED.has(k) && k !== 'additionalItems'));
    for (const keyword of others) {
      if (!sameJson(a[keyword], b[keyword])) this.push({ pointer: at(pointer, keyword), kind: 'keyword-changed', keyword, before: a[keyword], after: b[keyword], effect: 'none' }, polarity);
    }
  }
}

function positional(a: readonly unknown[], b: readonly unknown[]): { pairs: [number, number][]; removed: number[]; added: number[] } {
  const n = Math.min(a.length, b.length);
  return {
    pairs: Array.from({ length: n }, (_, i) => [i, i] as [number, number]),
    removed: Array.from({ length: a.length - n }, (_, i) => n + i),
    added: Array.from({ length: b.length - n }, (_, i) => n + i),
  };
}

function omit(s: Obj, keys: Iterable<string>): Obj {
  const drop = new Set(keys);
  return Object.fromEntries(Object.entries(s).filter(([k]) => !drop.has(k)));
}

function pick(s: Obj, keys: readonly string[]): Obj {
  return Object.fromEntries(Object.entries(s).filter(([k]) => keys.includes(k)));
}

/**
 * Every difference between two `$ref`-free schemas, old (`before`) to new (`after`). Pointers are
 * prefixed with `pointer` (default: the root).
 */
export function diffSchemas(before: JsonSchema | undefined, after: JsonSchema | undefined, pointer = ''): SchemaChange[] {
  const walker = new Walker();
  walker.node(before ?? true, after ?? true, pointer, 1);
  return walker.changes;
}
