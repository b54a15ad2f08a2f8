/**
 * spec/openapi.yaml: parses, is valid OpenAPI 3.1, every operation is named and tagged, every documented
 * Workers AI error code is answered with its HTTP status, every example matches its own schema (SSE
 * examples event by event), and every `$ref` resolves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020Import from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { TASK_IDS } from '../../../src/contract/types.js';

// ajv and ajv-formats are CommonJS with an `exports.default`; under NodeNext typing the default import is
// the module object, at run time it may be either. Take `.default` when present.
type AjvCtor = typeof Ajv2020Import.default;
const Ajv2020: AjvCtor =
  (Ajv2020Import as unknown as { default?: AjvCtor }).default ?? (Ajv2020Import as unknown as AjvCtor);
type FormatsFn = typeof addFormatsImport.default;
const addFormats: FormatsFn =
  (addFormatsImport as unknown as { default?: FormatsFn }).default ?? (addFormatsImport as unknown as FormatsFn);

const SPEC_PATH = fileURLToPath(new URL('../../../spec/openapi.yaml', import.meta.url));
const SPEC_DIR = dirname(SPEC_PATH);
const BASE = 'https://workers-ai-conformance.invalid/spec/openapi.yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
type Path = (string | number)[];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The documented error table (envelope-and-errors.md): internal code -> HTTP status. */
const ERROR_TABLE: ReadonlyArray<[code: number, status: string]> = [
  [5007, '400'],
  [5004, '400'],
  [3039, '400'],
  [3003, '400'],
  [5018, '403'],
  [5016, '403'],
  [3023, '403'],
  [3041, '403'],
  [3042, '404'],
  [5019, '405'],
  [5005, '405'],
  [3007, '408'],
  [3008, '408'],
  [3006, '413'],
  [3036, '429'],
  [3040, '429'],
  // Authentication error: the v4 API answers it with 401 or 403; both are documented.
  [10000, '401'],
  [10000, '403'],
];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapePointer = (s: string | number): string => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const toPointer = (path: Path): string => path.map((p) => '/' + escapePointer(p)).join('');

function getPointer(doc: Json, pointer: string): Json | undefined {
  if (pointer === '' || pointer === '/') return pointer === '' ? doc : undefined;
  if (!pointer.startsWith('/')) return undefined;
  let cur: Json | undefined = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObj(cur)) cur = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
    else return undefined;
  }
  return cur;
}

/** Follows OpenAPI Reference Objects (`{$ref: '#/...'}`) until a non-reference object. */
function deref(doc: Obj, value: Json | undefined): { value: Json | undefined; pointer?: string } {
  let pointer: string | undefined;
  for (let hops = 0; isObj(value) && typeof value.$ref === 'string' && hops < 20; hops++) {
    const ref = value.$ref;
    if (!ref.startsWith('#')) return { value, pointer };
    pointer = ref.slice(1);
    value = getPointer(doc, pointer);
  }
  return { value, pointer };
}

/** Every operation of the document as [path, method, operation]. */
function operations(doc: Obj): Array<[string, string, Obj]> {
  const out: Array<[string, string, Obj]> = [];
  for (const [p, item] of Object.entries(doc.paths as Obj)) {
    if (!isObj(item)) continue;
    for (const m of HTTP_METHODS) if (isObj(item[m])) out.push([p, m, item[m] as Obj]);
  }
  return out;
}

/** Keywords whose values are subschemas (maps, arrays or single). */
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_SINGLES = [
  'items',
  'additionalProperties',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
];

/** Every schema object reachable from a schema root (not following $ref), with its path. */
function* walkSchema(schema: Json, path: Path): Generator<[Obj, Path]> {
  if (!isObj(schema)) return;
  yield [schema, path];
  for (const k of SCHEMA_MAPS) {
    const m = schema[k];
    if (isObj(m)) for (const [name, sub] of Object.entries(m)) yield* walkSchema(sub, [...path, k, name]);
  }
  for (const k of SCHEMA_ARRAYS) {
    const a = schema[k];
    if (Array.isArray(a)) for (const [i, sub] of a.entries()) yield* walkSchema(sub, [...path, k, i]);
  }
  for (const k of SCHEMA_SINGLES) if (k in schema) yield* walkSchema(schema[k] as Json, [...path, k]);
}

interface ExampleCase {
  /** Where the example is written (JSON pointer into the document). */
  where: string;
  /** Pointer to the schema it must satisfy. */
  schemaPointer: string;
  value: Json;
}

/**
 * Collects every example together with the schema that governs it:
 * - media types, parameters and headers: `schema` + `example` / `examples` (Example Objects, possibly $ref);
 * - schema objects: the JSON Schema `examples` array and OpenAPI's `example`.
 * Example values are never searched for further structure.
 */
function collectExamples(doc: Obj): { cases: ExampleCase[]; usedExampleRefs: Set<string>; schemaRoots: string[] } {
  const cases: ExampleCase[] = [];
  const usedExampleRefs = new Set<string>();
  const schemaRoots: string[] = [];

  const exampleHolder = (holder: Obj, path: Path): void => {
    if (!('schema' in holder)) return;
    const schemaPointer = toPointer([...path, 'schema']);
    if ('example' in holder) cases.push({ where: toPointer([...path, 'example']), schemaPointer, value: holder.example as Json });
    if (isObj(holder.examples)) {
      for (const [name, ex] of Object.entries(holder.examples)) {
        if (isObj(ex) && typeof ex.$ref === 'string') usedExampleRefs.add(ex.$ref);
        const { value: exampleObj } = deref(doc, ex);
        if (isObj(exampleObj) && 'value' in exampleObj) {
          cases.push({ where: toPointer([...path, 'examples', name]), schemaPointer, value: exampleObj.value as Json });
        }
      }
    }
  };

  // Walk the document's structure (not example values, not schema internals).
  const SKIP = new Set(['example', 'examples', 'schema', 'x-wai-sse', 'x-wai', 'x-wai-model-path']);
  const walk = (node: Json, path: Path): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i]));
      return;
    }
    if (!isObj(node)) return;
    if ('schema' in node && (path.includes('content') || path.includes('parameters') || path.includes('headers'))) {
      exampleHolder(node, path);
      schemaRoots.push(toPointer([...path, 'schema']));
    }
    if (isObj(node['x-wai-sse']) && 'data' in node['x-wai-sse']) {
      schemaRoots.push(toPointer([...path, 'x-wai-sse', 'data']));
    }
    for (const [k, v] of Object.entries(node)) {
      if (SKIP.has(k)) continue;
      if (path.length === 2 && path[0] === 'components' && (path[1] === 'schemas' || path[1] === 'examples')) continue;
      walk(v, [...path, k]);
    }
  };
  walk(doc, []);

  for (const name of Object.keys((doc.components as Obj).schemas as Obj)) schemaRoots.push(toPointer(['components', 'schemas', name]));

  for (const root of schemaRoots) {
    const rootPath = root
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const [schema, path] of walkSchema(getPointer(doc, root) as Json, rootPath)) {
      const schemaPointer = toPointer(path);
      if (Array.isArray(schema.examples)) {
        schema.examples.forEach((value, i) => cases.push({ where: `${schemaPointer}/examples/${i}`, schemaPointer, value }));
      }
      if ('example' in schema) cases.push({ where: `${schemaPointer}/example`, schemaPointer, value: schema.example as Json });
    }
  }
  return { cases, usedExampleRefs, schemaRoots };
}

/** Splits a server-sent event stream into the `data` payload of each event. */
function sseDataPayloads(stream: string): string[] {
  const payloads: string[] = [];
  for (const block of stream.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''));
    if (data.length > 0) payloads.push(data.join('\n'));
  }
  return payloads;
}

/**
 * ajv 2020 over the whole document, so that `#/components/...` references inside any schema resolve against
 * it. Strict schema mode stays on (a misspelt keyword fails the test); the only keywords added are
 * annotations: OpenAPI 3.1's own schema keywords (`discriminator`, `xml`, `externalDocs`, `example`), the
 * catalogue's non-standard `contentType`, every `x-*` extension the document uses, and the document's top-level
 * OpenAPI fields (ajv compiles the document root when a pointer into it is resolved; they carry no schema).
 * `strictTypes` is off because OpenAPI schemas put object keywords in `allOf` parts and `if`/`then` branches
 * whose `type: object` sits on the parent, which that check does not follow; union types are allowed because
 * OpenAPI 3.1 uses them for nullability.
 */
function makeAjv(doc: Obj): InstanceType<AjvCtor> {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  const annotations = new Set<string>(['discriminator', 'xml', 'externalDocs', 'example', 'contentType']);
  for (const key of Object.keys(doc)) annotations.add(key);
  const collectX = (node: Json): void => {
    if (Array.isArray(node)) node.forEach(collectX);
    else if (isObj(node))
      for (const [k, v] of Object.entries(node)) {
        if (k.startsWith('x-')) annotations.add(k);
        collectX(v);
      }
  };
  collectX(doc);
  for (const keyword of annotations) if (!ajv.getKeyword(keyword)) ajv.addKeyword({ keyword, schemaType: [] });
  ajv.addSchema(doc as object, BASE);
  return ajv;
}

const specText = readFileSync(SPEC_PATH, 'utf8');

describe('spec/openapi.yaml', () => {
  let doc: Obj;
  let ajv: InstanceType<AjvCtor>;
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string): ValidateFunction => {
    let fn = compiled.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `${BASE}#${pointer.split('/').map(encodeURIComponent).join('/')}` });
      compiled.set(pointer, fn);
    }
    return fn;
  };

  beforeAll(() => {
    doc = parse(specText) as Obj;
    ajv = makeAjv(doc);
  });

  it('parses as YAML without errors or warnings (and without duplicate keys)', () => {
    const parsed = parseDocument(specText, { uniqueKeys: true });
    expect(parsed.errors.map((e) => e.message)).toEqual([]);
    expect(parsed.warnings.map((w) => w.message)).toEqual([]);
    expect(isObj(parsed.toJS())).toBe(true);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('declares the v4 and AI Gateway servers, pinning each path to its host', () => {
    const urls = (doc.servers as Obj[]).map((s) => s.url);
    expect(urls).toEqual(['https://api.cloudflare.com/client/v4', 'https://gateway.ai.cloudflare.com']);
    for (const [p, item] of Object.entries(doc.paths as Obj)) {
      const servers = ((item as Obj).servers as Obj[]).map((s) => s.url);
      expect(servers, p).toEqual([p.startsWith('/v1/') ? 'https://gateway.ai.cloudflare.com' : 'https://api.cloudflare.com/client/v4']);
    }
  });

  it('documents every endpoint, each with a unique operationId and a known tag', () => {
    const ops = operations(doc);
    const ids = ops.map(([, , op]) => op.operationId);
    for (const [p, m, op] of ops) {
      expect(typeof op.operationId, `${m} ${p}`).toBe('string');
      expect((op.operationId as string).length).toBeGreaterThan(0);
      expect(op.tags, `${m} ${p}`).toHaveLength(1);
      expect(['run', 'openai', 'catalog', 'gateway']).toContain((op.tags as string[])[0]);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ops.map(([p, m]) => `${m.toUpperCase()} ${p}`).sort()).toEqual(
      [
        'POST /accounts/{account_id}/ai/run/{model}',
        'POST /accounts/{account_id}/ai/run',
        'POST /accounts/{account_id}/ai/v1/chat/completions',
        'POST /accounts/{account_id}/ai/v1/completions',
        'POST /accounts/{account_id}/ai/v1/embeddings',
        'POST /accounts/{account_id}/ai/v1/responses',
        'POST /accounts/{account_id}/ai/v1/messages',
        'GET /accounts/{account_id}/ai/models/search',
        'GET /accounts/{account_id}/ai/models/schema',
        'GET /accounts/{account_id}/ai/tasks/search',
        'GET /accounts/{account_id}/ai/authors/search',
        'POST /v1/{account_id}/{gateway_id}/workers-ai/{model}',
        'POST /v1/{account_id}/{gateway_id}/workers-ai/run/{model}',
        'POST /v1/{account_id}/{gateway_id}/workers-ai/v1/chat/completions',
        'POST /v1/{account_id}/{gateway_id}/workers-ai/v1/embeddings',
      ].sort(),
    );
  });

  it('answers every documented error code with its HTTP status on /ai/run (and through AI Gateway)', () => {
    for (const path of ['/accounts/{account_id}/ai/run/{model}', '/v1/{account_id}/{gateway_id}/workers-ai/{model}', '/v1/{account_id}/{gateway_id}/workers-ai/run/{model}']) {
      const responses = ((doc.paths as Obj)[path] as Obj).post as Obj;
      for (const [code, status] of ERROR_TABLE) {
        const { value: response } = deref(doc, (responses.responses as Obj)[status]);
        expect(isObj(response), `${path} ${status}`).toBe(true);
        const r = response as Obj;
        expect(r['x-wai-error-codes'], `${path} ${status} x-wai-error-codes`).toContain(code);
        const media = (r.content as Obj)['application/json'] as Obj;
        expect((media.schema as Obj).$ref).toBe('#/components/schemas/ErrorEnvelope');
        const codes = Object.values(media.examples as Obj).flatMap((ex) => {
          const value = (deref(doc, ex).value as Obj).value as Obj;
          return (value.errors as Obj[]).map((e) => Number(e.code));
        });
        expect(codes, `${path} ${status} examples`).toContain(code);
      }
    }
  });

  it('lists exactly the documented codes per status in x-wai-error-codes, observed ones apart', () => {
    const run = ((doc.paths as Obj)['/accounts/{account_id}/ai/run/{model}'] as Obj).post as Obj;
    const statuses = [...new Set(ERROR_TABLE.map(([, status]) => status))];
    for (const status of statuses) {
      const response = deref(doc, (run.responses as Obj)[status]).value as Obj;
      const documented = ERROR_TABLE.filter(([, s]) => s === status).map(([code]) => code);
      expect([...(response['x-wai-error-codes'] as number[])].sort(), status).toEqual([...documented].sort());
      const observed = (response['x-wai-observed-error-codes'] as number[] | undefined) ?? [];
      for (const code of observed) expect(documented, `${status} observed ${code}`).not.toContain(code);
    }
  });

  it('lists every code live error answers of fixtures/real carry at the status they were seen with (issue 9)', () => {
    const observed = (path: string, method: string, status: string) => {
      const op = ((doc.paths as Obj)[path] as Obj)[method] as Obj;
      const response = deref(doc, (op.responses as Obj)[status]).value as Obj;
      return [...((response['x-wai-error-codes'] as number[] | undefined) ?? []), ...((response['x-wai-observed-error-codes'] as number[] | undefined) ?? [])];
    };
    const run = '/accounts/{account_id}/ai/run/{model}';
    expect(observed(run, 'post', '405')).toContain(7001); // GET /ai/v1/models, extended_openai_conversation#228
    expect(observed(run, 'post', '410')).toEqual([5028]); // a retired model, APP_Teste's log
    expect(observed(run, 'post', '5XX')).toEqual([1000, 7009]); // status not recorded: craigsdennis notebooks
    expect(observed('/v1/{account_id}/{gateway_id}/workers-ai/v1/chat/completions', 'post', '5XX')).toContain(7009); // cloudflare-docs#15116
    expect(observed('/accounts/{account_id}/ai/models/search', 'get', '400')).toEqual([10001]); // maruel/genai bad_apiKey
    for (const [path, status, name] of [
      [run, '410', 'Gone'],
      [run, '5XX', 'ServerError'],
      ['/accounts/{account_id}/ai/models/search', '400', 'CatalogBadRequest'],
    ] as const) {
      const op = ((doc.paths as Obj)[path] as Obj)[status === '400' ? 'get' : 'post'] as Obj;
      expect((op.responses as Obj)[status], `${path} ${status}`).toEqual({ $ref: `#/components/responses/${name}` });
      const media = (((doc.components as Obj).responses as Obj)[name] as Obj).content as Obj;
      expect(((media['application/json'] as Obj).schema as Obj).$ref).toBe('#/components/schemas/ErrorEnvelope');
    }
  });

  it('no longer says the reference records no /ai/v1 error body but the envelope: the single-object errors body of opencode#30381 is named', () => {
    const text = (doc['x-wai'] as Obj)['openai-errors'] as string;
    expect(text).toContain('ErrorEnvelopeSingleError');
    expect(text).not.toMatch(/records no error body/);
  });

  it('lists the JSON Schema refusals live /ai/run answers gave at 403 (5023, 5025: maruel/genai recordings) as observed', () => {
    const run = ((doc.paths as Obj)['/accounts/{account_id}/ai/run/{model}'] as Obj).post as Obj;
    const forbidden = deref(doc, (run.responses as Obj)['403']).value as Obj;
    expect(forbidden['x-wai-observed-error-codes']).toEqual(expect.arrayContaining([5023, 5025]));
  });

  it('links every catalogue task to its input and output schema in spec/tasks', () => {
    const links = (doc['x-wai'] as Obj)['task-schemas'] as Obj;
    const tasks = Object.keys(links).filter((k) => k !== 'description');
    expect(tasks.sort()).toEqual([...TASK_IDS].sort());
    for (const task of tasks) {
      for (const part of ['input', 'output']) {
        const ref = (links[task] as Obj)[part] as string;
        expect(ref, `${task} ${part}`).toBe(`./tasks/${task}.yaml#/$defs/${part}`);
        const file = resolve(SPEC_DIR, ref.split('#')[0] as string);
        expect(existsSync(file), file).toBe(true);
        // The task files' own validity is load.test.ts's concern; this only checks that the link lands.
        const target = getPointer(parseDocument(readFileSync(file, 'utf8')).toJS() as Json, `/$defs/${part}`);
        expect(isObj(target), `${ref} resolves to a schema`).toBe(true);
      }
    }
  });

  it('defines Envelope, ErrorEnvelope and Message as documented', () => {
    const schemas = (doc.components as Obj).schemas as Obj;
    for (const name of ['Envelope', 'ErrorEnvelope', 'Message', 'ErrorItem']) expect(schemas[name], name).toBeDefined();
    const errorEnvelope = validatorAt('/components/schemas/ErrorEnvelope');
    const ok = { success: false, result: null, errors: [{ code: 5007, message: 'No such model x or task' }], messages: [] };
    expect(errorEnvelope(ok)).toBe(true);
    expect(errorEnvelope({ ...ok, errors: [{ code: '5007', message: 'm' }] })).toBe(true); // string codes (2024 OpenAPI)
    expect(errorEnvelope({ ...ok, errors: [] })).toBe(false); // at least one error
    expect(errorEnvelope({ ...ok, success: true })).toBe(false);
    expect(errorEnvelope({ ...ok, errors: [{ message: 'no code' }] })).toBe(false);
    expect(errorEnvelope({ ...ok, result: {} })).toBe(true); // "result": {} as real failures carry it
    expect(errorEnvelope({ ...ok, result: { response: 'x' } })).toBe(false); // but no payload
    const envelope = validatorAt('/components/schemas/Envelope');
    expect(envelope({ success: true, result: { response: 'hi' }, errors: [], messages: [] })).toBe(true);
    expect(envelope({ success: true, errors: [], messages: [] })).toBe(false);
  });

  it('states both forms of the model path parameter, and its pattern accepts both', () => {
    const model = deref(doc, { $ref: '#/components/parameters/Model' }).value as Obj;
    expect(model.in).toBe('path');
    expect(model.required).toBe(true);
    expect(model['x-wai-model-path']).toMatchObject({ raw: true, encoded: true });
    expect(typeof (model['x-wai-model-path'] as Obj).note).toBe('string');
    const pattern = new RegExp((model.schema as Obj).pattern as string, 'u');
    for (const ok of [
      '@cf/meta/llama-3.1-8b-instruct',
      '@hf/nousresearch/hermes-2-pro-mistral-7b',
      '@cf%2Fmeta%2Fllama-3.1-8b-instruct',
      '@cf%2fmeta%2fllama-3.1-8b-instruct',
      '%40cf%2Fmeta%2Fllama-3.1-8b-instruct',
    ])
      expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ['llama-3.1-8b-instruct', '@cf/meta', '@cf/meta/llama/extra', '@xx/meta/llama', '/@cf/meta/llama'])
      expect(pattern.test(bad), bad).toBe(false);
    expect((doc['x-wai'] as Obj)['model-path']).toBeTypeOf('string');
  });

  it('declares the security schemes, the global requirement and the AI Gateway headers', () => {
    const components = doc.components as Obj;
    expect(components.securitySchemes).toMatchObject({
      api_token: { type: 'http', scheme: 'bearer' },
      api_email: { type: 'apiKey', in: 'header', name: 'X-Auth-Email' },
      api_key: { type: 'apiKey', in: 'header', name: 'X-Auth-Key' },
      cf_aig_authorization: { type: 'apiKey', in: 'header', name: 'cf-aig-authorization' },
    });
    expect(doc.security).toEqual([{ api_token: [] }, { api_email: [], api_key: [] }]);

    const gatewayRun = ((doc.paths as Obj)['/v1/{account_id}/{gateway_id}/workers-ai/{model}'] as Obj).post as Obj;
    // The `run/` form shares everything with it but the path (and its operationId and words).
    const gatewayRunRun = ((doc.paths as Obj)['/v1/{account_id}/{gateway_id}/workers-ai/run/{model}'] as Obj).post as Obj;
    for (const key of ['parameters', 'security', 'requestBody', 'responses', 'tags'] as const) expect(gatewayRunRun[key], key).toEqual(gatewayRun[key]);
    const headers = new Map(
      (gatewayRun.parameters as Json[]).map((p) => {
        const param = deref(doc, p).value as Obj;
        expect(param.in).toBe('header');
        return [param.name as string, param] as const;
      }),
    );
    for (const name of [
      'cf-aig-cache-ttl',
      'cf-aig-skip-cache',
      'cf-aig-cache-key',
      'cf-aig-metadata',
      'cf-aig-event-id',
      'cf-aig-request-timeout',
      'cf-aig-max-attempts',
      'cf-aig-retry-delay',
      'cf-aig-backoff',
      'cf-aig-collect-log',
    ])
      expect(headers.has(name), name).toBe(true);
    expect(headers.get('cf-aig-cache-ttl')?.schema).toMatchObject({ type: 'integer', minimum: 60, maximum: 2592000 });
    expect(headers.get('cf-aig-skip-cache')?.schema).toMatchObject({ type: 'boolean' });
    expect(headers.get('cf-aig-max-attempts')?.schema).toMatchObject({ maximum: 5 });
    expect(headers.get('cf-aig-retry-delay')?.schema).toMatchObject({ maximum: 5000 });
    expect((headers.get('cf-aig-backoff')?.schema as Obj).enum).toEqual(['constant', 'linear', 'exponential']);

    const ok = deref(doc, (gatewayRun.responses as Obj)['200']).value as Obj;
    const responseHeaders = ok.headers as Obj;
    expect(Object.keys(responseHeaders)).toEqual(expect.arrayContaining(['cf-aig-cache-status', 'cf-aig-log-id', 'cf-aig-event-id']));
    expect((deref(doc, responseHeaders['cf-aig-cache-status']).value as Obj).schema).toMatchObject({ enum: ['HIT', 'MISS'] });
  });

  it('gives /ai/run JSON, raw binary request bodies and JSON, SSE and binary answers', () => {
    const run = ((doc.paths as Obj)['/accounts/{account_id}/ai/run/{model}'] as Obj).post as Obj;
    const body = deref(doc, run.requestBody).value as Obj;
    expect(Object.keys(body.content as Obj)).toEqual(['application/json', 'application/octet-stream', 'audio/*', 'image/*']);
    const ok = deref(doc, (run.responses as Obj)['200']).value as Obj;
    expect(Object.keys(ok.content as Obj)).toEqual(
      expect.arrayContaining(['application/json', 'text/event-stream', 'image/png', 'image/jpeg', 'audio/mpeg', 'audio/wav']),
    );
  });

  it('validates every example against its own schema', () => {
    const { cases } = collectExamples(doc);
    expect(cases.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const c of cases) {
      const validate = validatorAt(c.schemaPointer);
      if (!validate(c.value)) failures.push(`${c.where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
  });

  it('validates every data payload of every SSE example against the media type x-wai-sse schema', () => {
    let checked = 0;
    const failures: string[] = [];
    const visit = (node: Json, path: Path): void => {
      if (Array.isArray(node)) return node.forEach((v, i) => visit(v, [...path, i]));
      if (!isObj(node)) return;
      const sse = node['x-wai-sse'];
      if (path.at(-1) === 'text/event-stream' && path.at(-2) === 'content') {
        expect(isObj(sse), `${toPointer(path)} has x-wai-sse`).toBe(true);
        const { data, terminator } = sse as Obj;
        const validate = validatorAt(toPointer([...path, 'x-wai-sse', 'data']));
        expect(isObj(data)).toBe(true);
        const streams: Array<[string, Json]> = [];
        if ('example' in node) streams.push(['example', node.example as Json]);
        for (const [name, ex] of Object.entries((node.examples as Obj | undefined) ?? {}))
          streams.push([name, (deref(doc, ex).value as Obj).value as Json]);
        expect(streams.length, `${toPointer(path)} has an example`).toBeGreaterThan(0);
        for (const [name, stream] of streams) {
          expect(typeof stream).toBe('string');
          const payloads = sseDataPayloads(stream as string);
          expect(payloads.length).toBeGreaterThan(1);
          payloads.forEach((payload, i) => {
            const where = `${toPointer(path)} ${name} event ${i}`;
            if (terminator !== null && payload === terminator) {
              if (i !== payloads.length - 1) failures.push(`${where}: ${terminator} is not the last event`);
              return;
            }
            let json: unknown;
            try {
              json = JSON.parse(payload);
            } catch {
              failures.push(`${where}: not JSON: ${payload}`);
              return;
            }
            checked++;
            if (!validate(json)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
          });
          if (terminator !== null) expect(payloads.at(-1), `${toPointer(path)} ${name} ends with terminator`).toBe(terminator);
        }
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'example' && k !== 'examples') visit(v, [...path, k]);
    };
    visit(doc.paths as Json, ['paths']);
    visit((doc.components as Obj).responses as Json, ['components', 'responses']);
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });

  it('gives every JSON and SSE media type an example, and uses every example component', () => {
    const { usedExampleRefs } = collectExamples(doc);
    for (const name of Object.keys((doc.components as Obj).examples as Obj))
      expect(usedExampleRefs.has(`#/components/examples/${name}`), name).toBe(true);
    const visit = (node: Json, path: Path): void => {
      if (Array.isArray(node)) return node.forEach((v, i) => visit(v, [...path, i]));
      if (!isObj(node)) return;
      if (path.at(-2) === 'content' && ['application/json', 'text/event-stream'].includes(String(path.at(-1)))) {
        expect('example' in node || isObj(node.examples), toPointer(path)).toBe(true);
      }
      for (const [k, v] of Object.entries(node)) if (k !== 'example' && k !== 'examples' && k !== 'schema') visit(v, [...path, k]);
    };
    visit(doc.paths as Json, ['paths']);
    visit(doc.components as Json, ['components']);
  });

  it('resolves every $ref (internal pointers, and relative files if any)', () => {
    const failures: string[] = [];
    let count = 0;
    const fileCache = new Map<string, Json>();
    // Values that are data, not document structure: never searched for $ref.
    const DATA_KEYS = new Set(['example', 'default', 'const', 'enum']);
    const visit = (node: Json, path: Path): void => {
      if (Array.isArray(node)) return node.forEach((v, i) => visit(v, [...path, i]));
      if (!isObj(node)) return;
      if (typeof node.$ref === 'string') {
        count++;
        const ref = node.$ref;
        const [file, fragment = ''] = ref.split('#', 2) as [string, string?];
        let target: Json | undefined;
        if (file === '') target = getPointer(doc, fragment);
        else {
          const abs = resolve(SPEC_DIR, file);
          if (!existsSync(abs)) failures.push(`${toPointer(path)}: ${ref}: no file ${abs}`);
          else {
            if (!fileCache.has(abs)) fileCache.set(abs, parse(readFileSync(abs, 'utf8')) as Json);
            target = getPointer(fileCache.get(abs) as Json, fragment);
          }
        }
        if (target === undefined) failures.push(`${toPointer(path)}: ${ref} does not resolve`);
      }
      for (const [k, v] of Object.entries(node)) {
        if (DATA_KEYS.has(k)) continue;
        if (k === 'examples' && Array.isArray(v)) continue; // JSON Schema examples are data
        if (k === 'value' && path.at(-2) === 'examples') continue; // Example Object values are data
        visit(v, [...path, k]);
      }
    };
    visit(doc, []);
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(100);
  });
});
