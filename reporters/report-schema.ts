/** @module The published JSON Schema of reports/conformance.json, and validation of a report against it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../src/contract/ajv.js';
import { packageRoot } from '../src/contract/files.js';
import { formatSchemaError, toSchemaErrors } from '../src/contract/schema-errors.js';
import type { ConformanceReport } from '../src/harness/report.js';

/** Where the schema is published in the package (the JSON file sits next to the reporters). */
export const REPORT_SCHEMA_PATH = join('reporters', 'conformance-report.schema.json');

let cached: { schema: Record<string, unknown>; validate: ValidateFunction } | undefined;

function compiled(): NonNullable<typeof cached> {
  if (!cached) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), REPORT_SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
    cached = { schema, validate: createAjv({ allErrors: true }).compile(schema) };
  }
  return cached;
}

/** The report schema (JSON Schema 2020-12), as published. */
export function reportSchema(): Record<string, unknown> {
  return structuredClone(compiled().schema);
}

/** Why `data` is not a conformance report, one message a line (JSON pointer, expected, found); empty when it is one. */
export function validateReport(data: unknown): string[] {
  const { validate } = compiled();
  if (validate(data)) return [];
  return toSchemaErrors(validate.errors, data).map(formatSchemaError);
}

/** True when `data` is a conformance report by the schema. */
export function isConformanceReport(data: unknown): data is ConformanceReport {
  return compiled().validate(data) === true;
}
