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

/** Converts ajv errors to SchemaErrors, describing what was found in `data`. */
export function toSchemaErrors(errors: readonly ErrorObject[] | null | undefined, data: unknown, prefix = ''): SchemaError[] {
  if (!errors) return [];
  return errors.map((error) => {
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
