/** @module Validates HAR documents against the HAR 1.2 JSON Schema of the `har-schema` package (draft-06), with ajv. */
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const schemas = require('har-schema') as Record<string, { $id: string }>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as object;

// har-schema uses a few words of its own (`optional`, `min`): not keywords, so strict mode is off.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addMetaSchema(draft06);
for (const schema of Object.values(schemas)) ajv.addSchema(schema);
const validate = ajv.getSchema('har.json#')!;

/** The HAR 1.2 schema errors of a document, as `pointer message` lines (empty when valid). */
export function harErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''}`);
}
