/** @module ajv errors as data, and as the one-line messages users read. */
import type { ErrorObject } from 'ajv';
import type { SchemaError } from './types.js';
import { getAtPointer } from './json-pointer.js';

/** Renders a value as short JSON for messages. */
export function shortJson(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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

/**
 * When a oneOf/anyOf fails, ajv reports every alternative's errors, most of them noise ("missing
 * prompt" for a messages-style request). Keep the alternatives whose shape fits (no structural
 * error at the alternative's own level) and drop the rest, as jsonschema's best_match does.
 */
function pruneAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  for (const combinator of errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')) {
    const prefix = `${combinator.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of kept) {
      if (!error.schemaPath.startsWith(prefix)) continue;
      const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
      branches.set(branch, [...(branches.get(branch) ?? []), error]);
    }
    const fitting = [...branches].filter(([, branchErrors]) => !branchErrors.some((e) => e.instancePath === combinator.instancePath && STRUCTURAL.has(e.keyword)));
    if (fitting.length === 0 || fitting.length === branches.size) continue;
    const dropped = new Set([...branches].filter(([branch]) => !fitting.some(([f]) => f === branch)).flatMap(([, branchErrors]) => branchErrors));
    dropped.add(combinator);
    kept = kept.filter((e) => !dropped.has(e));
  }
  return kept;
}

/** Converts ajv errors to SchemaErrors, describing what was found in `data`; repeated lines are merged. */
export function toSchemaErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown, prefix = ''): SchemaError[] {
  if (!errors) return [];
  const seen = new Set<string>();
  return pruneAlternatives(errors).filter((error) => {
    const key = `${error.instancePath} ${error.keyword} ${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((error) => {
    const found = getAtPointer(data, error.instancePath);
    let actual: string;
    if (error.keyword === 'required') actual = 'no such property';
    else if (error.keyword === 'additionalProperties') actual = shortJson((found as Record<string, unknown>)?.[String((error.params as Record<string, unknown>).additionalProperty)]);
    else if (error.keyword === 'type') actual = `${typeName(found)} ${shortJson(found, 40)}`;
    else if (error.keyword === 'minLength' || error.keyword === 'maxLength') actual = `${typeof found === 'string' ? [...found].length : '?'} characters`;
    else if (error.keyword === 'minItems' || error.keyword === 'maxItems') actual = `${Array.isArray(found) ? found.length : '?'} items`;
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
