/**
 * @module JSON Schema + an example value → Pact V4 matching rules, so a pact states what the contract
 * promises (types, array sizes, patterns, enums) rather than the example's exact values, and verifies
 * against any provider that keeps the contract.
 *
 * - Rules are placed on leaves and arrays: Pact compares objects key by key (extra keys in a response
 *   are allowed), so an object needs no rule of its own.
 * - Exact values are kept only where the contract fixes them (`const`, an `enum` of one).
 * - Strings: `type`, or `regex` for a `pattern` (when Pact's Rust engine can run it) and for enums
 *   (`^(a|b)$`). Integers `integer`, numbers `number` (not `decimal`, which rejects `1`), booleans `boolean`.
 * - Arrays: `type` with `min` (and `max`) from `minItems`/`maxItems`; items by the `[*]` rules.
 * - A union of primitives is an `OR` group of its branches' matchers (`integer` OR `regex ^[0-9]+$`).
 * - What Pact cannot express is left to the contract instead of guessed: a structure that may also be
 *   null becomes `null` in the example with "null, or anything" rules (Pact compares an object or array
 *   example by its shape before any rule); a value whose shape differs between union branches the
 *   provider may answer (`response` of objects, or of vectors) is left out of the example.
 *
 * {@link deriveMatching} therefore returns the example it adjusted along with the rules.
 */
import type { JsonSchema } from '../contract/types.js';
import type { PactMatcher, PactRuleGroup, PactRules } from './types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An AND group of matchers. */
export function rule(...matchers: PactMatcher[]): PactRuleGroup {
  return { combine: 'AND', matchers };
}

/** An OR group of matchers. */
export function anyRule(...matchers: PactMatcher[]): PactRuleGroup {
  return { combine: 'OR', matchers };
}

/** Matches any value Pact compares as a primitive (it matches the value's text). */
export const ANYTHING: PactMatcher = { match: 'regex', regex: '^[\\s\\S]*$' };

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Pact path one property down (`$.a.b`, `$['content-type']`). */
export function childPath(path: string, key: string): string {
  return SIMPLE_KEY.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Escapes text for use inside a regular expression. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a JSON Schema `pattern` (ECMA-262) can be handed to Pact's matcher (Rust `regex`) as is:
 * it must compile here and use nothing the Rust engine lacks (look-around, back-references, `\u` escapes).
 */
export function isPortablePattern(pattern: string): boolean {
  if (/\(\?<?[=!]|\\[1-9]|\\k<|\\c[A-Za-z]|\\u\{?[0-9A-Fa-f]|\(\?<[A-Za-z]/.test(pattern)) return false;
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function types(schema: Obj): string[] {
  const t = schema.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeAllows(allowed: string[], value: unknown): boolean {
  if (allowed.length === 0) return true;
  const actual = jsonType(value);
  return allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'));
}

const MAX_FIT_DEPTH = 8;

/** A cheap structural "could this value be an instance of this schema" (types, consts, required keys), for choosing union branches. */
export function fits(schema: unknown, value: unknown, depth = 0): boolean {
  if (schema === true || schema === undefined) return true;
  if (schema === false || !isObject(schema)) return schema !== false;
  if (depth > MAX_FIT_DEPTH) return true;
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => JSON.stringify(v) === JSON.stringify(value))) return false;
  if (!typeAllows(types(schema), value)) return false;
  if (Array.isArray(schema.allOf) && !schema.allOf.every((b) => fits(b, value, depth + 1))) return false;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && !branches.some((b) => fits(b, value, depth + 1))) return false;
  }
  if (isObject(value)) {
    if (Array.isArray(schema.required) && !(schema.required as string[]).every((k) => k in value)) return false;
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const [key, item] of Object.entries(value)) {
      if (key in properties && !fits(properties[key], item, depth + 1)) return false;
      if (!(key in properties) && schema.additionalProperties === false) return false;
    }
  }
  if (Array.isArray(value) && value.length > 0 && schema.items !== undefined && !fits(schema.items, value[0], depth + 1)) return false;
  if (typeof value === 'string' && typeof schema.pattern === 'string') {
    try {
      if (!new RegExp(schema.pattern, 'u').test(value)) return false;
    } catch {
      /* an unusable pattern does not decide the branch */
    }
  }
  return true;
}

/** Whether the schema admits null (a null type, const or enum member, or a union branch that does). */
function allowsNull(schema: unknown, depth = 0): boolean {
  if (!isObject(schema) || depth > 8) return false;
  if (types(schema).includes('null') || schema.const === null || (Array.isArray(schema.enum) && schema.enum.includes(null))) return true;
  return ['anyOf', 'oneOf'].some((k) => Array.isArray(schema[k]) && (schema[k] as unknown[]).some((b) => allowsNull(b, depth + 1)));
}

/** Whether a branch is only null. */
function isNullOnly(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const t = types(schema);
  return (t.length === 1 && t[0] === 'null') || schema.const === null || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null);
}

/** The answer of a queued (async) request, `{request_id}`: never the answer to the direct requests pacts make. */
function isAsyncBranch(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const required = Array.isArray(schema.required) ? schema.required : [];
  return required.length === 1 && required[0] === 'request_id';
}

/** The JSON types a branch can take ([] when it does not say). */
function branchTypes(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  const t = types(schema);
  if (t.length) return t;
  if ('const' in schema) return [jsonType(schema.const)];
  if (isObject(schema.properties) || Array.isArray(schema.required)) return ['object'];
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ['array'];
  return [];
}

/** Whether every alternative of a union is a primitive (no object or array can match it). */
function primitiveOnly(branches: unknown[]): boolean {
  return branches.every((b) => {
    if (!isObject(b) || b.anyOf || b.oneOf || b.allOf) return false;
    const t = branchTypes(b);
    return t.length > 0 && !t.includes('object') && !t.includes('array');
  });
}

/** String literals a branch allows (`const`, `enum`), or undefined when it allows others too. */
function stringLiterals(schema: Obj): string[] | undefined {
  if ('const' in schema) return typeof schema.const === 'string' ? [schema.const] : undefined;
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return schema.enum as string[];
  return undefined;
}

/** The matcher for a primitive of one JSON Schema type, given the example value at that place. */
function typeMatcher(type: string, example: unknown): PactMatcher {
  switch (type) {
    case 'null':
      return { match: 'null' };
    case 'integer':
      return { match: 'integer' };
    case 'number':
      // Not `decimal`: Pact's decimal rejects 1 and 0, which are valid numbers (and common scores).
      return { match: 'number' };
    case 'boolean':
      return { match: 'boolean' };
    case 'string':
      return typeof example === 'string' ? { match: 'type' } : { match: 'regex', regex: '^[\\s\\S]*$' };
    default:
      return { match: 'type' };
  }
}

/** The matcher of a primitive leaf schema (already flattened). */
function leafMatcher(schema: Obj, example: unknown): PactMatcher {
  if ('const' in schema) return { match: 'equality' };
  if (Array.isArray(schema.enum)) {
    if (schema.enum.length === 1) return { match: 'equality' };
    const literals = stringLiterals(schema);
    if (literals && typeof example === 'string') return { match: 'regex', regex: `^(${literals.map(escapeRegex).join('|')})$` };
  }
  if (typeof example === 'string' && typeof schema.pattern === 'string' && isPortablePattern(schema.pattern)) {
    return { match: 'regex', regex: schema.pattern };
  }
  const declared = types(schema);
  const actual = jsonType(example);
  if (declared.includes('number') && !declared.includes('integer') && actual === 'integer') return typeMatcher('number', example);
  return typeMatcher(declared.includes(actual) || declared.length === 0 ? actual : (declared[0] ?? actual), example);
}

function unique(matchers: PactMatcher[]): PactMatcher[] {
  return matchers.filter((m, i) => matchers.findIndex((o) => JSON.stringify(o) === JSON.stringify(m)) === i);
}

function group(matchers: PactMatcher[]): PactRuleGroup {
  const distinct = unique(matchers);
  return distinct.length === 1 ? rule(distinct[0]!) : anyRule(...distinct);
}

/** The schema of a property of an object schema (properties, patternProperties, additionalProperties), or true. */
function propertySchema(schema: Obj, key: string): unknown {
  if (isObject(schema.properties) && key in schema.properties) return schema.properties[key];
  if (isObject(schema.patternProperties)) {
    for (const [pattern, sub] of Object.entries(schema.patternProperties)) {
      try {
        if (new RegExp(pattern, 'u').test(key)) return sub;
      } catch {
        /* ignore unusable patterns */
      }
    }
  }
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return schema.additionalProperties;
  return true;
}

/** Returned for a value that cannot be stated for every answer the contract allows: it is left out of the example. */
const DROP = Symbol('drop');
type Walked = unknown | typeof DROP;

class RuleBuilder {
  readonly rules: PactRules = {};

  constructor(private readonly root: string) {}

  private add(path: string, added: PactRuleGroup): void {
    const existing = this.rules[path];
    if (!existing) {
      this.rules[path] = { combine: added.combine, matchers: [...added.matchers] };
      return;
    }
    if (existing.combine !== added.combine) return; // the first group at a path wins over a conflicting one
    existing.matchers = unique([...existing.matchers, ...added.matchers]);
  }

  /** Removes the rules at and below a path (its value left the example). */
  private dropBelow(path: string): void {
    for (const key of Object.keys(this.rules)) if (key === path || key.startsWith(`${path}.`) || key.startsWith(`${path}[`)) delete this.rules[key];
  }

  walk(schema: unknown, example: unknown, path: string, depth: number): Walked {
    if (depth > 64) return example;
    if (example !== null && typeof example === 'object' && allowsNull(schema)) {
      // Pact compares an object or array example by shape before any rule, so "this shape or null" is
      // stated as a null example that any value matches; the contract judges the shape.
      this.dropBelow(path);
      this.add(path, anyRule({ match: 'null' }, ANYTHING));
      return null;
    }
    return this.structure(schema, example, path, depth);
  }

  private structure(schema: unknown, example: unknown, path: string, depth: number): Walked {
    if (schema === true || schema === undefined || !isObject(schema) || Object.keys(schema).length === 0) {
      if (example !== null && typeof example === 'object') return this.unconstrainedStructure(example, path, depth);
      if (example !== undefined) this.add(path, rule(typeMatcher(jsonType(example), example)));
      return example;
    }
    const { allOf, anyOf, oneOf, ...rest } = schema;
    if (Array.isArray(allOf)) {
      // Every branch holds: all their rules apply (AND).
      let value: Walked = example;
      for (const branch of allOf) {
        value = this.structure(branch, value, path, depth + 1);
        if (value === DROP) return DROP;
      }
      if (Object.keys(rest).some((k) => k !== 'description' && k !== 'title')) value = this.structure(rest, value, path, depth + 1);
      return value;
    }
    const union = (Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined) as unknown[] | undefined;
    if (union) return this.union(union, rest, example, path, depth);
    return this.plain(schema, example, path, depth);
  }

  /** A structure the contract says nothing about: its shape, leaves by type. */
  private unconstrainedStructure(example: object, path: string, depth: number): Walked {
    if (Array.isArray(example)) {
      this.add(path, rule({ match: 'type', min: 0 }));
      if (example.length > 0) this.structure(true, example[0], `${path}[*]`, depth + 1);
      return example;
    }
    for (const [key, value] of Object.entries(example)) this.structure(true, value, childPath(path, key), depth + 1);
    return example;
  }

  private union(branches: unknown[], siblings: Obj, example: unknown, path: string, depth: number): Walked {
    const merged = branches.filter((b) => b !== false).map((b) => (isObject(b) ? { ...siblings, ...b } : b));
    const primitive = example === null || typeof example !== 'object';
    if (primitive && primitiveOnly(merged)) {
      // Any of the primitives the contract allows, OR-ed; string literals of all branches in one regex.
      const literals: string[] = [];
      const matchers: PactMatcher[] = [];
      for (const branch of merged as Obj[]) {
        const strings = stringLiterals(branch);
        if (strings && typeof example === 'string') literals.push(...strings);
        else if (fits(branch, example)) matchers.push(leafMatcher(branch, example));
        else if ('const' in branch || Array.isArray(branch.enum)) continue; // other exact values: not expressible beside this example
        else if (typeof branch.pattern === 'string' && isPortablePattern(branch.pattern)) matchers.push({ match: 'regex', regex: branch.pattern });
        else matchers.push(typeMatcher(branchTypes(branch)[0] ?? jsonType(example), example));
      }
      if (literals.length) matchers.unshift(literals.length === 1 ? { match: 'equality' } : { match: 'regex', regex: `^(${[...new Set(literals)].map(escapeRegex).join('|')})$` });
      if (matchers.length > 0) this.add(path, group(matchers));
      return example;
    }
    // Branches the provider may answer here: not null (handled above), not the async `{request_id}`.
    const live = merged.filter((b) => !isNullOnly(b) && !(isAsyncBranch(b) && !fits(b, example)));
    const fitting = live.filter((b) => fits(b, example));
    if (live.length <= 1 || primitive) return this.structure(fitting[0] ?? live[0] ?? true, example, path, depth + 1);
    // Several shapes are possible: state only what they share.
    const shapes = new Set(live.map((b) => branchTypes(b).filter((t) => t !== 'null').join('|') || '?'));
    if (shapes.size !== 1 || shapes.has('?')) {
      // The root cannot be left out: it follows the branch the example takes.
      return path === this.root ? this.structure(fitting[0] ?? live[0] ?? true, example, path, depth + 1) : DROP;
    }
    if (isObject(example)) {
      const shared: Obj = {};
      for (const key of Object.keys(example)) {
        const schemas = live.map((b) => (isObject(b) && isObject(b.properties) && key in b.properties ? b.properties[key] : undefined));
        if (schemas.every((s) => s !== undefined)) shared[key] = { anyOf: schemas };
      }
      const reduced: Obj = {};
      for (const [key, value] of Object.entries(example)) if (key in shared) reduced[key] = value;
      return this.plain({ type: 'object', properties: shared }, reduced, path, depth);
    }
    if (Array.isArray(example)) {
      return this.plain({ type: 'array', items: { anyOf: live.map((b) => (isObject(b) ? (b.items ?? true) : true)) } }, example, path, depth);
    }
    return DROP;
  }

  private plain(schema: Obj, example: unknown, path: string, depth: number): Walked {
    if (Array.isArray(example)) return this.array(schema, example, path, depth);
    if (isObject(example)) {
      const out: Obj = {};
      for (const [key, value] of Object.entries(example)) {
        const child = childPath(path, key);
        const walked = this.walk(propertySchema(schema, key), value, child, depth + 1);
        if (walked === DROP) this.dropBelow(child);
        else out[key] = walked;
      }
      return out;
    }
    const declared = types(schema);
    if (declared.length > 1 && !('const' in schema) && !Array.isArray(schema.enum)) {
      // `type: [string, null]` and the like: any of the listed primitive types.
      const matchers = declared
        .filter((t) => t !== 'object' && t !== 'array')
        .map((t) => (typeAllows([t], example) ? leafMatcher({ ...schema, type: t }, example) : typeMatcher(t, example)));
      if (matchers.length > 0) this.add(path, group(matchers));
      return example;
    }
    this.add(path, rule(leafMatcher(schema, example)));
    return example;
  }

  private array(schema: Obj, example: unknown[], path: string, depth: number): Walked {
    if ('const' in schema || (Array.isArray(schema.enum) && schema.enum.length === 1) || schema.maxItems === 0) {
      this.add(path, rule({ match: 'equality' }));
      return example;
    }
    const matcher: PactMatcher = { match: 'type', min: typeof schema.minItems === 'number' ? schema.minItems : 0 };
    if (typeof schema.maxItems === 'number') matcher.max = schema.maxItems;
    this.add(path, rule(matcher));
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as unknown[]) : [];
    const out: unknown[] = [];
    for (let i = 0; i < example.length; i++) {
      if (i < prefix.length) {
        const walked = this.walk(prefix[i], example[i], `${path}[${i}]`, depth + 1);
        if (walked === DROP) return DROP;
        out.push(walked);
      } else if (i === prefix.length) {
        // Pact compares every further element with this one, under the `[*]` rules.
        const walked = this.walk(schema.items ?? true, example[i], `${path}[*]`, depth + 1);
        if (walked === DROP) return DROP;
        out.push(walked);
      } else {
        // Later elements only need to look like the first (their own adjustments, rules discarded).
        const walked = new RuleBuilder('$').walk(schema.items ?? true, example[i], '$', depth + 1);
        out.push(walked === DROP ? example[i] : walked);
      }
    }
    return out;
  }
}

/** An example adjusted to what Pact can state for every answer the contract allows, and its matching rules. */
export interface DerivedMatching {
  example: unknown;
  rules: PactRules;
}

/**
 * Matching rules for `example` (an instance of `schema`) placed at Pact path `root` (`$` for a whole
 * body, `$.result` for an envelope's payload), and the example adjusted where Pact cannot state the
 * contract (see the module notes). `schema` must be $ref-free (`contract.inlinedSchema`).
 */
export function deriveMatching(schema: JsonSchema, example: unknown, root = '$'): DerivedMatching {
  const builder = new RuleBuilder(root);
  const walked = builder.walk(schema, example, root, 0);
  if (walked === DROP) {
    // Nothing is shared by every shape the root may take: only "some value" is stated.
    return { example: example === null || typeof example !== 'object' ? example : Array.isArray(example) ? [] : {}, rules: Array.isArray(example) ? { [root]: rule({ match: 'type', min: 0 }) } : {} };
  }
  return { example: walked, rules: builder.rules };
}

/** The matching rules alone (see {@link deriveMatching}). */
export function matchingRulesFor(schema: JsonSchema, example: unknown, root = '$'): PactRules {
  return deriveMatching(schema, example, root).rules;
}
