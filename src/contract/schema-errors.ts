/** @module ajv errors as data, and as the one-line messages users read. */
import type { ErrorObject } from 'ajv';
import type { SchemaError } from './types.js';
import { getAtPointer } from './json-pointer.js';

/** At most this many errors are explained per document: past it, the rest adds nothing a user can act on. */
export const MAX_EXPLAINED_ERRORS = 100;

/** Documents with more nodes than this are explained by their first error only (see {@link isLargerThan}). */
export const MAX_NODES_FOR_ALL_ERRORS = 10_000;

/**
 * True when `value` has more than `limit` nodes (values, at any depth). Iterative and stops at the
 * limit, so it costs O(limit) whatever the size or depth of the value.
 */
export function isLargerThan(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (++count > limit) return true;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      if (count + stack.length + node.length > limit) return true;
      for (let i = 0; i < node.length; i++) stack.push(node[i]);
    } else {
      for (const key in node) if (Object.prototype.hasOwnProperty.call(node, key)) stack.push((node as Record<string, unknown>)[key]);
      if (count + stack.length > limit) return true;
    }
  }
  return false;
}

/**
 * Renders a value as short JSON for messages. Writes at most `max` characters and stops there, so a
 * huge or deeply nested value (50,000 nested arrays) costs O(max), never a stack overflow.
 */
export function shortJson(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  const out: string[] = [];
  let length = 0;
  const write = (text: string): boolean => {
    out.push(text);
    length += text.length;
    return length <= max;
  };
  // Each level writes at least one character, so the recursion is at most `max` deep.
  const visit = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object') {
      if (typeof node === 'string') return write(JSON.stringify(node.length > max ? node.slice(0, max + 1) : node));
      if (typeof node === 'number') return write(Number.isFinite(node) ? String(node) : 'null');
      if (typeof node === 'boolean') return write(String(node));
      return write('null');
    }
    if (typeof (node as { toJSON?: unknown }).toJSON === 'function') return visit((node as { toJSON(): unknown }).toJSON());
    if (Array.isArray(node)) {
      if (!write('[')) return false;
      for (let i = 0; i < node.length; i++) {
        if (i > 0 && !write(',')) return false;
        const item = node[i];
        if (!visit(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : item)) return false;
      }
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const key in node) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
      const item = (node as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first && !write(',')) return false;
      first = false;
      if (!write(`${JSON.stringify(key.length > max ? key.slice(0, max + 1) : key)}:`) || !visit(item)) return false;
    }
    return write('}');
  };
  let text: string;
  try {
    visit(value);
    text = out.join('');
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Characters as JSON Schema counts them (code points), without copying the string. */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) count--;
    }
  }
  return count;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function expectedOf(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `property "${String(p.missingProperty)}"`;
    case 'type':
      return `type ${String(p.type)}`;
    case 'enum':
      return `one of ${shortJson(p.allowedValues)}`;
    case 'const':
      return `${shortJson(p.allowedValue)}`;
    case 'additionalProperties':
      return `no property "${String(p.additionalProperty)}"`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${String(p.comparison)} ${String(p.limit)}`;
    case 'minLength':
      return `at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `at most ${String(p.limit)} characters`;
    case 'minItems':
      return `at least ${String(p.limit)} items`;
    case 'maxItems':
      return `at most ${String(p.limit)} items`;
    case 'minProperties':
      return `at least ${String(p.limit)} properties`;
    case 'maxProperties':
      return `at most ${String(p.limit)} properties`;
    case 'pattern':
      return `a string matching /${String(p.pattern)}/`;
    case 'format':
      return `format "${String(p.format)}"`;
    case 'oneOf':
      return 'exactly one matching alternative';
    case 'anyOf':
      return 'a matching alternative';
    default:
      return error.message ?? error.keyword;
  }
}

const STRUCTURAL = new Set(['required', 'type', 'const', 'enum', 'not', 'oneOf', 'anyOf']);

/** True when `path` is `base` or a pointer below it. */
function within(path: string, base: string): boolean {
  return path === base || (path.startsWith(base) && path.charCodeAt(base.length) === 0x2f);
}

/**
 * When a oneOf/anyOf fails, ajv reports every alternative's errors, most of them noise ("missing
 * prompt" for a messages-style request). Keep the alternatives whose shape fits (no structural
 * error at the alternative's own level) and drop the rest, as jsonschema's best_match does.
 *
 * Linear in the number of errors (times the schema's combinator nesting): ajv writes a failing
 * combinator's error right after its branches' errors, so each combinator only looks back over the
 * run of errors just before it that lie under its schema path and instance.
 */
function pruneAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Uint8Array(errors.length);
  for (let k = 0; k < errors.length; k++) {
    const combinator = errors[k]!;
    if (combinator.keyword !== 'oneOf' && combinator.keyword !== 'anyOf') continue;
    const prefix = `${combinator.schemaPath}/`;
    const branches = new Map<string, number[]>();
    const fits = new Map<string, boolean>();
    for (let i = k - 1; i >= 0; i--) {
      const error = errors[i]!;
      if (!error.schemaPath.startsWith(prefix) || !within(error.instancePath, combinator.instancePath)) break;
      if (dropped[i]) continue;
      const rest = error.schemaPath.slice(prefix.length);
      const slash = rest.indexOf('/');
      const branch = slash === -1 ? rest : rest.slice(0, slash);
      let members = branches.get(branch);
      if (!members) {
        branches.set(branch, (members = []));
        fits.set(branch, true);
      }
      members.push(i);
      if (error.instancePath === combinator.instancePath && STRUCTURAL.has(error.keyword)) fits.set(branch, false);
    }
    let fitting = 0;
    for (const fit of fits.values()) if (fit) fitting++;
    if (fitting === 0 || fitting === branches.size) continue;
    for (const [branch, members] of branches) if (!fits.get(branch)) for (const i of members) dropped[i] = 1;
    dropped[k] = 1;
  }
  return errors.filter((_, i) => !dropped[i]);
}

/**
 * Converts ajv errors to SchemaErrors, describing what was found in `data`; repeated lines are merged,
 * and at most `max` errors are explained (linear in the number of ajv errors).
 */
export function toSchemaErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown, prefix = '', max = MAX_EXPLAINED_ERRORS): SchemaError[] {
  if (!errors) return [];
  const seen = new Set<string>();
  const explained: ErrorObject[] = [];
  for (const error of pruneAlternatives(errors)) {
    const key = `${error.instancePath} ${error.keyword} ${shortJson(error.params, 200)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    explained.push(error);
    if (explained.length >= max) break;
  }
  return explained.map((error) => {
    const found = getAtPointer(data, error.instancePath);
    let actual: string;
    if (error.keyword === 'required') actual = 'no such property';
    else if (error.keyword === 'additionalProperties') actual = shortJson((found as Record<string, unknown>)?.[String((error.params as Record<string, unknown>).additionalProperty)]);
    else if (error.keyword === 'type') actual = `${typeName(found)} ${shortJson(found, 40)}`;
    else if (error.keyword === 'minLength' || error.keyword === 'maxLength') actual = `${typeof found === 'string' ? characterCount(found) : '?'} characters`;
    else if (error.keyword === 'minItems' || error.keyword === 'maxItems') actual = `${Array.isArray(found) ? found.length : '?'} items`;
    else if (error.keyword === 'minProperties' || error.keyword === 'maxProperties') actual = `${typeof found === 'object' && found !== null ? Object.keys(found).length : '?'} properties`;
    else actual = shortJson(found);
    return {
      instancePath: prefix + error.instancePath,
      schemaPath: error.schemaPath,
      keyword: error.keyword,
      expected: expectedOf(error),
      actual,
    };
  });
}

/** One error on one line: `<pointer>: expected <x>, found <y> (<keyword>)`. */
export function formatSchemaError(error: SchemaError): string {
  return `${error.instancePath || '/'}: expected ${error.expected}, found ${error.actual} (${error.keyword})`;
}

/** The one error reported for a document nested too deeply to validate (the validator ran out of stack). */
export function tooDeep(instancePath = ''): SchemaError {
  return { instancePath, schemaPath: '', keyword: 'depth', expected: 'a document the validator can walk', actual: 'nesting too deep to validate' };
}
