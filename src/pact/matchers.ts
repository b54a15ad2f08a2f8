/**
 * @module JSON Schema + an example value → Pact V4 matching rules, so a pact states what the contract
 * promises (types, array sizes, patterns, enums) rather than the example's exact values.
 *
 * Rules are placed on leaves and arrays only: Pact compares objects key by key (extra keys in a
 * response are allowed), so an object needs no rule of its own. Exact values are kept only where the
 * contract fixes them (`const`, an `enum` of one). Unions (`anyOf`, `oneOf`, `type: [...]`) of
 * primitives become an `OR` group of each branch's matcher (`integer` OR `regex ^[0-9]+$`, `type`
 * OR `null`); a union of structures follows the branch the example takes.
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
 * it must compile here and use nothing the Rust engine lacks (look-around, back-references).
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

/** The matcher of a primitive leaf schema (already flattened), or undefined for "exactly this value". */
function leafMatcher(schema: Obj, example: unknown): PactMatcher | undefined {
  if ('const' in schema) return { match: 'equality' };
  if (Array.isArray(schema.enum)) {
    if (schema.enum.length === 1) return { match: 'equality' };
    if (schema.enum.every((v) => typeof v === 'string') && typeof example === 'string') {
      return { match: 'regex', regex: `^(${(schema.enum as string[]).map(escapeRegex).join('|')})$` };
    }
  }
  if (typeof example === 'string' && typeof schema.pattern === 'string' && isPortablePattern(schema.pattern)) {
    return { match: 'regex', regex: schema.pattern };
  }
  const declared = types(schema);
  const actual = jsonType(example);
  if (declared.includes('number') && !declared.includes('integer') && actual === 'integer') return typeMatcher('number', example);
  return typeMatcher(declared.includes(actual) || declared.length === 0 ? actual : (declared[0] ?? actual), example);
}

/** Adds a group at a path, merging (AND, deduplicated) with a group already there. */
function addRule(rules: PactRules, path: string, group: PactRuleGroup): void {
  const existing = rules[path];
  if (!existing) {
    rules[path] = { combine: group.combine, matchers: [...group.matchers] };
    return;
  }
  if (existing.combine !== group.combine) return; // the first group at a path wins over a conflicting one
  const seen = new Set(existing.matchers.map((m) => JSON.stringify(m)));
  for (const matcher of group.matchers) if (!seen.has(JSON.stringify(matcher))) existing.matchers.push(matcher);
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

/** Whether every alternative of a union is a primitive (no object or array can match it). */
function primitiveOnly(branches: unknown[]): boolean {
  return branches.every((b) => {
    if (!isObject(b)) return false;
    const t = types(b);
    return ('const' in b || Array.isArray(b.enum) || t.length > 0) && !t.includes('object') && !t.includes('array') && !b.anyOf && !b.oneOf && !b.allOf;
  });
}

class RuleBuilder {
  readonly rules: PactRules = {};

  walk(schema: unknown, example: unknown, path: string, depth: number): void {
    if (depth > 64) return;
    if (schema === true || schema === undefined || !isObject(schema) || Object.keys(schema).length === 0) {
      this.unconstrained(example, path);
      return;
    }
    const { allOf, anyOf, oneOf, ...rest } = schema;
    if (Array.isArray(allOf)) {
      // Every branch holds: their rules all apply (AND).
      for (const branch of allOf) this.walk(branch, example, path, depth + 1);
      if (Object.keys(rest).some((k) => k !== 'description' && k !== 'title')) this.walk(rest, example, path, depth + 1);
      return;
    }
    const union = (Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : undefined) as unknown[] | undefined;
    if (union) {
      this.union(union, rest, example, path, depth);
      return;
    }
    this.plain(schema, example, path, depth);
  }

  private unconstrained(example: unknown, path: string): void {
    if (example === undefined) return;
    addRule(this.rules, path, rule(typeMatcher(jsonType(example), example)));
  }

  private union(branches: unknown[], siblings: Obj, example: unknown, path: string, depth: number): void {
    const merged = branches.map((b) => (isObject(b) ? { ...siblings, ...b } : b));
    const taken = merged.filter((b) => b !== false && fits(b, example));
    const primitive = example === null || typeof example !== 'object';
    if (primitive && primitiveOnly(merged) && merged.length > 1) {
      // Any of the primitives the contract allows: one matcher per branch, OR-ed.
      const matchers: PactMatcher[] = [];
      for (const branch of merged as Obj[]) {
        let matcher: PactMatcher | undefined;
        if (fits(branch, example)) matcher = leafMatcher(branch, example);
        else if ('const' in branch || (Array.isArray(branch.enum) && branch.enum.length === 1)) continue; // an exact other value cannot be expressed beside the example
        else matcher = typeMatcher(types(branch)[0] ?? jsonType(example), example);
        if (matcher && !matchers.some((m) => JSON.stringify(m) === JSON.stringify(matcher))) matchers.push(matcher);
      }
      if (matchers.length > 0) addRule(this.rules, path, matchers.length === 1 ? rule(matchers[0]!) : anyRule(...matchers));
      return;
    }
    const branch = taken[0] ?? merged.find((b) => isObject(b) && typeAllows(types(b), example)) ?? true;
    this.walk(branch, example, path, depth + 1);
  }

  private plain(schema: Obj, example: unknown, path: string, depth: number): void {
    const declared = types(schema);
    if (Array.isArray(example)) {
      this.array(schema, example, path, depth);
      return;
    }
    if (isObject(example)) {
      for (const [key, value] of Object.entries(example)) this.walk(propertySchema(schema, key), value, childPath(path, key), depth + 1);
      return;
    }
    if (declared.length > 1 && !('const' in schema) && !Array.isArray(schema.enum)) {
      // `type: [string, null]` and the like: any of the listed primitive types.
      const matchers = declared
        .filter((t) => t !== 'object' && t !== 'array')
        .map((t) => (typeAllows([t], example) ? (leafMatcher({ ...schema, type: t }, example) ?? typeMatcher(t, example)) : typeMatcher(t, example)));
      const unique = matchers.filter((m, i) => matchers.findIndex((o) => JSON.stringify(o) === JSON.stringify(m)) === i);
      if (unique.length > 0) addRule(this.rules, path, unique.length === 1 ? rule(unique[0]!) : anyRule(...unique));
      return;
    }
    const matcher = leafMatcher(schema, example);
    if (matcher) addRule(this.rules, path, rule(matcher));
  }

  private array(schema: Obj, example: unknown[], path: string, depth: number): void {
    if (('const' in schema) || (Array.isArray(schema.enum) && schema.enum.length === 1) || schema.maxItems === 0) {
      addRule(this.rules, path, rule({ match: 'equality' }));
      return;
    }
    const matcher: PactMatcher = { match: 'type', min: typeof schema.minItems === 'number' ? schema.minItems : 0 };
    if (typeof schema.maxItems === 'number') matcher.max = schema.maxItems;
    addRule(this.rules, path, rule(matcher));
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as unknown[]) : [];
    prefix.forEach((itemSchema, i) => {
      if (i < example.length) this.walk(itemSchema, example[i], `${path}[${i}]`, depth + 1);
    });
    // Pact compares every element with the first example element, under the `[*]` rules.
    if (example.length > prefix.length) this.walk(schema.items ?? true, example[prefix.length], `${path}[*]`, depth + 1);
  }
}

/**
 * Body matching rules for `example` (an instance of `schema`) placed at Pact path `root` (`$` for a
 * whole body, `$.result` for an envelope's payload). `schema` must be $ref-free (`contract.inlinedSchema`).
 */
export function matchingRulesFor(schema: JsonSchema, example: unknown, root = '$'): PactRules {
  const builder = new RuleBuilder();
  builder.walk(schema, example, root, 0);
  return builder.rules;
}
