import tsj from 'ts-json-schema-generator';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../../src/checks/index.js';
import { createAjv } from '../../../src/contract/ajv.js';
import type { ConformanceReport } from '../../../src/harness/report.js';
import { isConformanceReport, reportSchema, validateReport } from '../../../reporters/report-schema.js';
import { REPORT_FAULTS, realReport, syntheticReport, warningReport } from './reports.js';

type Schema = Record<string, unknown>;
const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The schema with every object closed (no property it does not list), so a report that carries a
 * field the schema does not document fails. Conditional subschemas only narrow, so they stay open.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!isObject(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'if' || key === 'then' || key === 'else' ? value : closed(value);
  if (isObject(schema.properties) && schema.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** The structure a schema gives a document (types, properties, required, enums, unions), without annotations or bounds. */
function shape(schema: unknown, root: Schema): unknown {
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Schema)[key], root);
    return shape(target, root);
  }
  if (Array.isArray(schema.enum)) return { enum: [...schema.enum].sort() };
  if ('const' in schema) return { enum: [schema.const] };
  if (isObject(schema.properties)) {
    const properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, shape(v, root)]));
    return { object: properties, required: [...((schema.required as string[]) ?? [])].sort() };
  }
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (union) return { union: union.map((s) => shape(s, root)) };
  if (schema.type === 'array') return { array: shape(schema.items, root) };
  if (schema.type === 'object') return { record: shape(schema.additionalProperties ?? {}, root) };
  if (schema.type === undefined) return { any: true };
  const types = ([] as unknown[]).concat(schema.type).map((t) => (t === 'integer' ? 'number' : t));
  return { type: types.sort() };
}

describe('reporters/conformance-report.schema.json', () => {
  it('is a valid JSON Schema 2020-12 that compiles in strict mode', () => {
    const schema = reportSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = createAjv();
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => createAjv().compile(schema)).not.toThrow();
  });

  it('accepts real reports from the emulator, clean and with failures, and documents every field they carry', async () => {
    const strict = createAjv().compile(closed(reportSchema()) as Schema);
    for (const report of [await realReport(), await realReport(REPORT_FAULTS)]) {
      expect(validateReport(report)).toEqual([]);
      expect(isConformanceReport(report)).toBe(true);
      // What the tool writes: through JSON, as conformance.json holds it.
      const written = JSON.parse(JSON.stringify(report)) as unknown;
      expect(strict(written), JSON.stringify(strict.errors?.slice(0, 3))).toBe(true);
    }
    expect((await realReport(REPORT_FAULTS)).summary.failed).toBeGreaterThan(0);
  });

  it('accepts the hard cases: binary bodies, transport errors, an API-wide row, an incomplete run', () => {
    const strict = createAjv().compile(closed(reportSchema()) as Schema);
    for (const report of [syntheticReport(), syntheticReport({ complete: false, incompleteReason: 'aborted' }), warningReport(), warningReport(true)]) {
      expect(validateReport(report)).toEqual([]);
      expect(strict(JSON.parse(JSON.stringify(report)))).toBe(true);
    }
  });

  it("requires every field DESIGN.md lists, and rejects what the result model forbids", async () => {
    const report = JSON.parse(JSON.stringify(await realReport(REPORT_FAULTS))) as ConformanceReport;
    const failed = report.results.findIndex((r) => r.status === 'failed');
    const design = [
      ['tool'], ['tool', 'name'], ['tool', 'version'], ['target'], ['target', 'kind'], ['target', 'baseUrl'], ['seed'], ['startedAt'], ['durationMs'],
      ['summary'], ...['checks', 'passed', 'failed', 'skipped', 'requests'].map((k) => ['summary', k]), ['results'],
      ...['model', 'task', 'endpoint', 'check', 'status', 'requests', 'failures'].map((k) => ['results', failed, k]),
      ...['message', 'request', 'seed', 'path'].map((k) => ['results', failed, 'failures', 0, k]),
      ...['method', 'url', 'headers', 'body'].map((k) => ['results', failed, 'failures', 0, 'request', k]),
      ...['status', 'headers', 'body'].map((k) => ['results', failed, 'failures', 0, 'response', k]),
    ] as (string | number)[][];
    for (const path of design) {
      const copy = structuredClone(report) as unknown as Schema;
      const parent = path.slice(0, -1).reduce<Schema>((node, key) => (node as Record<string | number, Schema>)[key]!, copy);
      delete parent[path.at(-1)!];
      expect(validateReport(copy), path.join('/')).not.toEqual([]);
    }
    const mutate = (change: (r: ConformanceReport) => void) => {
      const copy = structuredClone(report);
      change(copy);
      return validateReport(copy);
    };
    expect(mutate((r) => (r.results[failed]!.status = 'maybe' as never))).not.toEqual([]);
    expect(mutate((r) => (r.results[failed]!.failures = []))).not.toEqual([]);
    expect(mutate((r) => (r.results[0]!.check = 'no.such-check' as never))).not.toEqual([]);
    expect(mutate((r) => (r.target.kind = 'staging' as never))).not.toEqual([]);
    expect(mutate((r) => delete (r.results[failed]!.failures[0] as Partial<ConformanceReport['results'][0]['failures'][0]>).response)).not.toEqual([]);
    expect(mutate((r) => (r.results[failed]!.failures[0]!.request.body = { kind: 'binary', size: 3, sha256: 'nope', contentType: 'image/png' }))).not.toEqual([]);
    expect(mutate((r) => (r.startedAt = 'yesterday'))).not.toEqual([]);
  });

  it('lists the check ids of the catalogue', () => {
    const defs = reportSchema().$defs as Record<string, { enum: string[] }>;
    expect(defs.checkId!.enum).toEqual(CHECK_IDS);
  });

  it('has the structure of ConformanceReport in src/harness/report.ts (generated from the type, compared)', () => {
    const generator = tsj.createGenerator({ path: 'src/harness/report.ts', type: 'ConformanceReport', tsconfig: 'tsconfig.json', skipTypeCheck: true, expose: 'none', topRef: false, jsDoc: 'none' });
    const fromTypes = generator.createSchema('ConformanceReport') as Schema;
    const published = reportSchema();
    // `settings` is a free-form record in the type; the schema documents today's keys without closing it.
    delete ((published.properties as Schema).settings as Schema).properties;
    expect(shape(published, published)).toEqual(shape(fromTypes, fromTypes));
  });
});
