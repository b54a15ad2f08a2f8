/** @module Validating against schemas that come from data (a JSON-mode request, a catalogue answer), not from spec/. */
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { toSchemaErrors } from '../../contract/schema-errors.js';
import { selfContainedValidator, type Validator } from '../../contract/validator-cache.js';
import type { SchemaError } from '../../contract/types.js';

/**
 * Lenient on purpose: these schemas are someone else's (a user's JSON-mode schema, Cloudflare's catalogue with its
 * `contentType` keyword), so unknown keywords and formats are ignored rather than fatal. `strictNumbers` (NaN and
 * Infinity are not numbers) changes no verdict on JSON, which has neither, and makes a schema's code the same as the
 * contract's validator of the same schema, so a process loads it once (the catalogue publishes the contract's schemas).
 */
let lenient: Ajv2020 | undefined;
const LENIENT_OPTIONS = { allErrors: true, strict: false, strictNumbers: true, validateFormats: true, validateSchema: false, code: { source: true } } as const;
/** Names the lenient configuration in the disk cache's keys (never shared with the contract's validators). */
export const LENIENT_FLAVOUR = `lenient ad-hoc ${JSON.stringify(LENIENT_OPTIONS)} + ajv-formats`;

/** The lenient ajv, made on first use: most runs and every `validate` of a contract document never need it. */
function ajv(): Ajv2020 {
  if (!lenient) {
    const require = createRequire(import.meta.url);
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    const addFormats = require('ajv-formats') as { default: (ajv: Ajv2020) => unknown };
    lenient = new Ajv2020(LENIENT_OPTIONS);
    addFormats.default(lenient);
  }
  return lenient;
}

/** Compiled validators by schema text; bounded so a long run with many distinct schemas cannot grow without end. */
const compiled = new Map<string, Validator | Error>();
const MAX_CACHED = 500;

/** The outcome of validating against an ad-hoc schema. */
export type AdHocResult = { ok: true; errors: SchemaError[] } | { ok: false; reason: string };

/**
 * Validates `data` against `schema`; `ok: false` when the schema itself does not compile. `persist` keeps the
 * compiled validator on disk as standalone code (see validator-cache.ts): for schemas that come back run after run
 * (the catalogue's, which compiling cost a default run most of a second), not for one-off ones (a drawn JSON mode).
 */
export function validateAdHoc(schema: unknown, data: unknown, pointerPrefix = '', persist = false): AdHocResult {
  if (typeof schema !== 'object' || schema === null) return { ok: false, reason: 'the schema is not an object' };
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      const copy = structuredClone(schema) as Record<string, unknown>;
      // A catalogue schema may carry its own $id or draft; validate it as a 2020-12 schema without registering ids.
      delete copy.$id;
      delete copy.$schema;
      validate = persist ? selfContainedValidator(copy, true, ajv, LENIENT_FLAVOUR) : (ajv().compile(copy) as Validator);
    } catch (cause) {
      validate = cause as Error;
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  if (validate instanceof Error) return { ok: false, reason: validate.message };
  return { ok: true, errors: validate(data) ? [] : toSchemaErrors(validate.errors, data, pointerPrefix) };
}
