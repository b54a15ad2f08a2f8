/**
 * @module `pact export`: Pact V4 files whose interactions come from the contract. For each model: a
 * valid request (a deterministic example of its input, `stream: false`, a small `max_tokens`) answered
 * 200 with the envelope whose `result` carries matchers derived from the output schema (binary models:
 * the `Content-Type` only); a request missing a required field answered 400 with the v4 error envelope;
 * and, for one model, a request without credentials answered 401 (or 403). The files are written
 * directly (no mock server runs), in the format Pact's own V4 writer produces.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Contract } from '../contract/contract.js';
import type { JsonSchema, ModelEntry } from '../contract/types.js';
import { exampleFromSchema, ExampleError } from '../generate/example-from-schema.js';
import { mediaFamilyOfProperty, mediaForms } from '../generate/media.js';
import { validInputs } from '../generate/requests.js';
import { createRng, seedFrom } from '../emulator/rng.js';
import { globMatcher } from '../harness/options.js';
import { modelPath } from '../targets/layout.js';
import { PLACEHOLDER_TOKEN } from '../targets/url.js';
import { anyRule, deriveMatching, escapeRegex, rule } from './matchers.js';
import { PACT_METADATA_KEY, type PactBody, type PactFile, type PactInteraction, type PactRules } from './types.js';

/** Account id of exported paths when none is given (the one emulator and url targets use). */
export const PACT_PLACEHOLDER_ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const DEFAULT_CONSUMER = 'workers-ai-consumer';
export const DEFAULT_PROVIDER = 'workers-ai';
export const DEFAULT_BASE_PATH = '/client/v4';
/** `max_tokens` of exported requests: enough for an answer, cheap on a live account. */
export const PACT_MAX_TOKENS = 16;
/** The bearer token written into exported requests; the verifier replaces it with the target's. */
export const EXAMPLE_TOKEN = PLACEHOLDER_TOKEN;

export interface ExportOptions {
  /** Model ids or globs (`@cf/meta/*`); default: the first HTTP model of every task. */
  models?: readonly string[];
  consumer?: string;
  provider?: string;
  /** Path prefix before `/accounts/...` (default `/client/v4`). */
  basePath?: string;
  accountId?: string;
  /** Model of the 401 interaction (default: the first exported model; false: none). */
  authModel?: string | false;
  /** Tool version recorded in the metadata. */
  toolVersion?: string;
}

export interface ExportResult {
  pact: PactFile;
  /** Models selected but left out (or given fewer interactions), and why. */
  notes: { model: string; note: string }[];
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const JSON_TYPE = 'application/json';

/** The models an export covers: ids and globs in catalogue order, or one HTTP model per task. */
export function selectExportModels(contract: Contract, patterns: readonly string[] = []): ModelEntry[] {
  const all = [...contract.models.values()];
  if (patterns.length === 0) {
    const byTask = new Map<string, ModelEntry>();
    for (const model of all) if (model.facts.transport === 'http' && !byTask.has(model.task)) byTask.set(model.task, model);
    return [...byTask.values()];
  }
  const matchers = patterns.map(globMatcher);
  return all.filter((m) => matchers.some((match) => match(m.id)));
}

/** Whether an (inlined) object schema or one of its union branches declares a property. */
function declares(schema: unknown, name: string, depth = 0): boolean {
  if (!isObject(schema) || depth > 4) return false;
  if (isObject(schema.properties) && name in schema.properties) return true;
  return ['allOf', 'anyOf', 'oneOf'].some((k) => Array.isArray(schema[k]) && (schema[k] as unknown[]).some((b) => declares(b, name, depth + 1)));
}

/** The schema a union or object gives a property (first declaration found), or undefined. */
function declaredSchema(schema: unknown, name: string, depth = 0): JsonSchema | undefined {
  if (!isObject(schema) || depth > 4) return undefined;
  if (isObject(schema.properties) && name in schema.properties) return schema.properties[name] as JsonSchema;
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    for (const branch of (schema[k] as unknown[] | undefined) ?? []) {
      const found = declaredSchema(branch, name, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Input properties that carry what a model works on, in the order tried when the example has none. */
const PRIMARY_INPUTS = ['prompt', 'messages', 'text', 'input', 'input_text', 'query', 'queries', 'image', 'audio'];

/** Inputs that only tune generation. */
const TUNING_INPUTS = new Set(['max_tokens', 'stream', 'temperature', 'raw']);

/** The request body of the valid interaction: JSON (required fields, real media, tuned) or the raw bytes a model takes. */
export function exampleRequest(contract: Contract, model: ModelEntry): { json: unknown } | { raw: Uint8Array; contentType: string } | undefined {
  const schema = contract.inlinedSchema(model, 'input');
  const valid = (value: unknown): boolean => contract.validateModel(model, 'input', value).length === 0;
  const candidates: unknown[] = [];
  // The schema's own example first, then one per top-level union branch (the first branch may be the raw-file string).
  const { anyOf, oneOf, ...siblings } = isObject(schema) ? schema : ({} as Obj);
  const branches = ((Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : []) as unknown[]).map((b) => (isObject(b) ? { ...siblings, ...b } : b));
  for (const source of [schema, ...branches] as JsonSchema[]) {
    try {
      candidates.push(exampleFromSchema(source, createRng(seedFrom('pact-input', model.id)), { optional: false }));
    } catch (error) {
      if (!(error instanceof ExampleError)) throw error;
    }
  }
  try {
    // Last resort: the property generator's inputs (valid by construction, but less readable).
    candidates.push(...fc.sample(validInputs(contract, model, { maxTokens: PACT_MAX_TOKENS }), { seed: seedFrom('pact-input', model.id) | 0, numRuns: 5 }));
  } catch {
    /* no JSON input can be drawn: the raw forms below */
  }
  const forms = mediaForms(model, contract);
  const jsonForms = forms.filter((f) => f.kind !== 'raw');
  const raw = forms.find((f) => f.kind === 'raw');
  const rawBody = raw && raw.kind === 'raw' ? { raw: raw.bytes, contentType: raw.contentType } : undefined;
  const rng = createRng(seedFrom('pact-primary', model.id));
  for (const base of candidates) {
    // A top-level string is the raw file (format: binary), which JSON cannot carry: the raw form is sent instead.
    if (!isObject(base)) continue;
    let body = JSON.parse(JSON.stringify(base)) as Obj;
    // A model's main input even where its schema leaves it optional (a classic prompt), so a real model has something to work on.
    if (Object.keys(body).every((key) => TUNING_INPUTS.has(key))) {
      for (const name of PRIMARY_INPUTS) {
        const sub = declaredSchema(schema, name);
        if (sub === undefined) continue;
        try {
          const withPrimary = { ...body, [name]: exampleFromSchema(sub, rng, { optional: false }) };
          if (valid(withPrimary)) {
            body = withPrimary;
            break;
          }
        } catch (error) {
          if (!(error instanceof ExampleError)) throw error;
        }
      }
    }
    // Real media where the input takes media, so a live model can decode it.
    let media = false;
    for (const form of jsonForms) {
      const withMedia = { ...body, [form.property]: form.value };
      if (valid(withMedia)) {
        body = withMedia;
        media = true;
        break;
      }
    }
    if (!media && rawBody && Object.keys(body).some((key) => mediaFamilyOfProperty(key) !== undefined)) return rawBody;
    const tuned: Obj = { ...body };
    if (declares(schema, 'max_tokens')) tuned.max_tokens = PACT_MAX_TOKENS;
    if (declares(schema, 'stream')) tuned.stream = false;
    if (valid(tuned)) body = tuned;
    if (valid(body)) return { json: body };
  }
  return rawBody;
}

/** An input the API rejects: the valid one without a required field (or, failing that, with a field of the wrong type). */
export function invalidExampleRequest(contract: Contract, model: ModelEntry, input: unknown): { json: Obj; broken: string } | undefined {
  if (!isObject(input)) return undefined;
  const invalid = (value: unknown): boolean => contract.validateModel(model, 'input', value).length > 0;
  for (const key of Object.keys(input)) {
    const { [key]: _dropped, ...rest } = input;
    if (invalid(rest) && contract.validateModel(model, 'input', rest).some((e) => e.keyword === 'required')) return { json: rest, broken: `without "${key}"` };
  }
  for (const key of Object.keys(input)) {
    const value = input[key];
    const wrong = typeof value === 'string' ? 12345 : 'not-a-valid-value';
    const changed = { ...input, [key]: wrong };
    if (invalid(changed)) return { json: changed, broken: `with "${key}" of the wrong type` };
  }
  return undefined;
}

/** Output properties a task always answers though its schema leaves them optional (a classic text answer's `response`). */
const ALWAYS_ANSWERED: Partial<Record<string, string[]>> = { 'text-generation': ['response'] };

/** The `result` example of a model: required fields (and the task's always-answered ones), valid against the output schema. */
export function exampleOutput(contract: Contract, model: ModelEntry): unknown {
  const schema = contract.inlinedSchema(model, 'output');
  const valid = (value: unknown): boolean => contract.validateModel(model, 'output', value).length === 0;
  const rng = createRng(seedFrom('pact-output', model.id));
  let example: unknown;
  for (const optional of [false, true]) {
    try {
      example = exampleFromSchema(schema, rng, { optional });
    } catch (error) {
      if (!(error instanceof ExampleError)) throw error;
      continue;
    }
    if (valid(example)) break;
  }
  if (example === undefined || !valid(example)) return undefined;
  if (isObject(example) && (model.task !== 'text-generation' || (model.facts.outputStyle ?? 'classic') === 'classic')) {
    let object: Obj = example;
    for (const name of ALWAYS_ANSWERED[model.task] ?? []) {
      const sub = declaredSchema(schema, name);
      if (name in object || sub === undefined) continue;
      try {
        const added = { ...object, [name]: exampleFromSchema(sub, rng, { optional: false }) };
        if (valid(added)) object = added;
      } catch (error) {
        if (!(error instanceof ExampleError)) throw error;
      }
    }
    return object;
  }
  return example;
}

function jsonBody(content: unknown): PactBody {
  return { content, contentType: JSON_TYPE, encoded: false };
}

const JSON_HEADER_RULES: PactRules = { 'Content-Type': rule({ match: 'regex', regex: '^application/json' }) };

/** Rules of a v4 error envelope at `$`: `success: false`, at least one `{code, message}`. */
function errorEnvelopeRules(code?: number): PactRules {
  const rules: PactRules = {
    '$.success': rule({ match: 'equality' }),
    '$.errors': rule({ match: 'type', min: 1 }),
    // Codes are numbers in practice; an all-digit string is accepted too (openapi.yaml ErrorCode).
    '$.errors[*].code': anyRule({ match: 'integer' }, { match: 'regex', regex: '^[0-9]+$' }),
    '$.errors[*].message': rule({ match: 'type' }),
  };
  if (code !== undefined) rules['$.errors[0].code'] = anyRule({ match: 'equality' }, { match: 'regex', regex: `^${code}$` });
  return rules;
}

function requestPath(options: Required<Pick<ExportOptions, 'basePath' | 'accountId'>>, model: ModelEntry): string {
  const base = options.basePath.replace(/\/+$/, '');
  return `${base}/accounts/${encodeURIComponent(options.accountId)}/ai/run/${modelPath(model.id, 'raw')}`;
}

function requestOf(path: string, body: { json: unknown } | { raw: Uint8Array; contentType: string }, auth: boolean): PactInteraction['request'] {
  const headers: Record<string, string[]> = {};
  if (auth) headers.Authorization = [`Bearer ${EXAMPLE_TOKEN}`];
  let pactBody: PactBody;
  if ('json' in body) {
    headers['Content-Type'] = [JSON_TYPE];
    pactBody = jsonBody(body.json);
  } else {
    headers['Content-Type'] = [body.contentType];
    pactBody = { content: Buffer.from(body.raw).toString('base64'), contentType: body.contentType, encoded: 'base64' };
  }
  return {
    method: 'POST',
    path,
    headers,
    body: pactBody,
    ...(auth ? { matchingRules: { header: { Authorization: rule({ match: 'regex', regex: '^Bearer .+$' }) } } } : {}),
  };
}

/** The interactions of one model (valid → 200, invalid → 400, and the 401 one when asked). */
function modelInteractions(contract: Contract, model: ModelEntry, options: Required<Pick<ExportOptions, 'basePath' | 'accountId'>>, withAuth: boolean, notes: ExportResult['notes']): PactInteraction[] {
  if (model.facts.transport !== 'http') {
    notes.push({ model: model.id, note: 'left out: runs over WebSocket only, not HTTP /ai/run' });
    return [];
  }
  const input = exampleRequest(contract, model);
  if (!input) {
    notes.push({ model: model.id, note: 'left out: no valid example input could be made from its input schema' });
    return [];
  }
  const path = requestPath(options, model);
  const interactions: PactInteraction[] = [];
  const { contentType, envelope } = model.facts.response;
  if (envelope) {
    const result = exampleOutput(contract, model);
    if (result === undefined) {
      notes.push({ model: model.id, note: 'no valid example output: the 200 interaction is left out' });
    } else {
      // The example as Pact can state it for every answer the contract allows (see matchers.ts).
      const derived = deriveMatching(contract.inlinedSchema(model, 'output'), result, '$.result');
      const body = { success: true, result: derived.example };
      interactions.push({
        type: 'Synchronous/HTTP',
        description: `${model.id}: a valid request is answered with the model's output`,
        request: requestOf(path, input, true),
        response: {
          status: 200,
          headers: { 'Content-Type': [JSON_TYPE] },
          body: jsonBody(body),
          matchingRules: { header: JSON_HEADER_RULES, body: { '$.success': rule({ match: 'equality' }), ...derived.rules } },
        },
      });
    }
  } else {
    // A binary answer: its media type is the contract; the bytes are not compared.
    interactions.push({
      type: 'Synchronous/HTTP',
      description: `${model.id}: a valid request is answered with ${contentType} bytes`,
      request: requestOf(path, input, true),
      response: {
        status: 200,
        headers: { 'Content-Type': [contentType] },
        matchingRules: { header: { 'Content-Type': rule({ match: 'regex', regex: `^${escapeRegex(contentType)}` }) } },
      },
    });
  }
  const invalid = 'json' in input ? invalidExampleRequest(contract, model, input.json) : undefined;
  if (invalid) {
    interactions.push({
      type: 'Synchronous/HTTP',
      description: `${model.id}: a request ${invalid.broken} is refused with 400`,
      request: requestOf(path, { json: invalid.json }, true),
      response: {
        status: 400,
        headers: { 'Content-Type': [JSON_TYPE] },
        body: jsonBody({ success: false, errors: [{ code: 5006, message: 'AiError: Bad input' }] }),
        matchingRules: { header: JSON_HEADER_RULES, body: errorEnvelopeRules() },
      },
    });
  } else {
    notes.push({ model: model.id, note: 'no invalid example input (no required field to leave out): the 400 interaction is left out' });
  }
  if (withAuth) {
    interactions.push({
      type: 'Synchronous/HTTP',
      description: `${model.id}: a request without credentials is refused with 401 or 403`,
      request: requestOf(path, input, false),
      response: {
        status: 401,
        headers: { 'Content-Type': [JSON_TYPE] },
        body: jsonBody({ success: false, errors: [{ code: 10000, message: 'Authentication error' }] }),
        matchingRules: {
          // openapi.yaml x-wai.authentication: 401 or 403, code 10000.
          status: { $: rule({ match: 'statusCode', status: [401, 403] }) },
          header: JSON_HEADER_RULES,
          body: errorEnvelopeRules(10000),
        },
      },
    });
  }
  return interactions;
}

/** Builds the pact of the selected models (no files written). */
export function buildPact(contract: Contract, options: ExportOptions = {}): ExportResult {
  const models = selectExportModels(contract, options.models ?? []);
  const settings = { basePath: options.basePath ?? DEFAULT_BASE_PATH, accountId: options.accountId ?? PACT_PLACEHOLDER_ACCOUNT_ID };
  const notes: ExportResult['notes'] = [];
  const http = models.filter((m) => m.facts.transport === 'http');
  const authModel = options.authModel === false ? undefined : (options.authModel ?? http[0]?.id);
  const interactions = models.flatMap((m) => modelInteractions(contract, m, settings, m.id === authModel, notes));
  const pact: PactFile = {
    consumer: { name: options.consumer ?? DEFAULT_CONSUMER },
    provider: { name: options.provider ?? DEFAULT_PROVIDER },
    interactions,
    metadata: {
      pactSpecification: { version: '4.0' },
      [PACT_METADATA_KEY]: {
        ...(options.toolVersion ? { version: options.toolVersion } : {}),
        contract: `${contract.typesPackage.name}@${contract.typesPackage.version}`,
        basePath: settings.basePath,
        accountId: settings.accountId,
        models: models.map((m) => m.id),
      },
    },
  };
  return { pact, notes };
}

/** File name Pact uses for a consumer/provider pair. */
export function pactFileName(pact: PactFile): string {
  const safe = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(pact.consumer.name)}-${safe(pact.provider.name)}.json`;
}

/** Writes the pact into `dir` (atomically, replacing a previous export of the same pair); returns its path. */
export function writePact(pact: PactFile, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, pactFileName(pact));
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(pact, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}
