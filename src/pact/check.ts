/**
 * @module `pact check`: a consumer's own pact file judged against the contract offline, interaction by
 * interaction (the bi-directional check): requests the API would reject (an unknown model, a body its
 * input schema refuses, a raw body of a type the model does not take) and responses it never gives (a
 * status the operation does not document, a body the envelope or the model's output schema refuses, a
 * field the API does not have, the wrong media type of a binary answer).
 *
 * Response examples are judged as Pact reads them: a consumer lists only the fields it relies on, so a
 * missing field is never a finding; a field the API does not answer is. Pact V2, V3 and V4 files are read.
 */
import type { ValidateFunction } from 'ajv';
import { PARTNER_RUN_PATH, type Contract } from '../contract/contract.js';
import { createAjv, SPEC_BASE_URI } from '../contract/ajv.js';
import { inlineRefs } from '../contract/dereference.js';
import { toSchemaErrors } from '../contract/schema-errors.js';
import { followLocalRefs, parsePointer, toPointer } from '../contract/json-pointer.js';
import type { JsonSchema, ModelEntry, SchemaError } from '../contract/types.js';
import { documentedResponses } from '../checks/_internals/documented.js';
import type { Exchange, Operation } from '../targets/types.js';
import { fits } from './matchers.js';
import { parseApiPath, type ApiPath } from './paths.js';

/** One way an interaction disagrees with the contract. */
export interface PactFinding {
  /** The interaction's description. */
  interaction: string;
  /** Which side of the interaction: what the consumer sends, or what it expects back. */
  part: 'request' | 'response';
  /** JSON pointer into that side's body ("" for the body itself), when the finding is about the body. */
  pointer?: string;
  /** What is wrong, e.g. `expected >= 1, found 0`. */
  message: string;
  /** The JSON Schema keyword (or `status`, `content-type`, `model`, `undeclared`, ...) the finding is about. */
  keyword: string;
}

/** The verdict on a pact file. */
export interface PactCheckResult {
  consumer: string;
  provider: string;
  /** Interactions judged. */
  checked: number;
  findings: PactFinding[];
  /** Interactions not judged (not HTTP, or not a Workers AI operation), and why. */
  skipped: { interaction: string; reason: string }[];
}

/** The file is not a pact (no interactions array, an interaction without request or response). */
export class InvalidPactError extends Error {
  override readonly name = 'InvalidPactError';
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A body as the pact has it: JSON, text or bytes, with its media type. */
type Body = { kind: 'none' } | { kind: 'json'; value: unknown; contentType?: string } | { kind: 'bytes'; bytes: Buffer; contentType?: string } | { kind: 'text'; text: string; contentType?: string };

interface Side {
  headers: Map<string, string>;
  body: Body;
}

/** One line per finding: `interaction "desc": request /max_tokens: expected >= 1, found 0`. */
export function formatFinding(finding: PactFinding): string {
  const where = finding.pointer === undefined ? finding.part : `${finding.part} ${finding.pointer || '/'}`;
  return `interaction "${finding.interaction}": ${where}: ${finding.message}`;
}

function bareType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

const isJsonType = (type: string | undefined): boolean => type !== undefined && (type === 'application/json' || type.endsWith('+json'));

function readHeaders(raw: unknown): Map<string, string> {
  const headers = new Map<string, string>();
  if (!isObject(raw)) return headers;
  for (const [name, value] of Object.entries(raw)) headers.set(name.toLowerCase(), Array.isArray(value) ? value.map(String).join(', ') : String(value));
  return headers;
}

/** Reads a body: V4 `{content, contentType, encoded}`, or (V2/V3) the value itself with the Content-Type header. */
function readBody(part: Obj, headers: Map<string, string>, v4: boolean): Body {
  const raw = part.body;
  const headerType = headers.get('content-type');
  if (raw === undefined || raw === null) return { kind: 'none' };
  if (v4 && isObject(raw) && 'content' in raw) {
    const contentType = typeof raw.contentType === 'string' ? raw.contentType : headerType;
    const bare = bareType(contentType);
    const { content, encoded } = raw;
    if (encoded === 'base64' || encoded === true) {
      const bytes = Buffer.from(String(content), 'base64');
      if (isJsonType(bare)) {
        try {
          return { kind: 'json', value: JSON.parse(bytes.toString('utf8')), ...(contentType ? { contentType } : {}) };
        } catch {
          /* not JSON after all: the bytes */
        }
      }
      return { kind: 'bytes', bytes, ...(contentType ? { contentType } : {}) };
    }
    if (typeof content === 'string' && (encoded === 'JSON' || encoded === 'json' || (isJsonType(bare) && encoded !== false))) {
      try {
        return { kind: 'json', value: JSON.parse(content), ...(contentType ? { contentType } : {}) };
      } catch {
        return { kind: 'text', text: content, ...(contentType ? { contentType } : {}) };
      }
    }
    if (typeof content === 'string' && bare !== undefined && !isJsonType(bare)) return { kind: 'text', text: content, ...(contentType ? { contentType } : {}) };
    return { kind: 'json', value: content, ...(contentType ? { contentType } : {}) };
  }
  if (typeof raw === 'string' && headerType !== undefined && !isJsonType(bareType(headerType))) return { kind: 'text', text: raw, contentType: headerType };
  return { kind: 'json', value: raw, ...(headerType ? { contentType: headerType } : {}) };
}

function schemaFinding(interaction: string, part: PactFinding['part'], error: SchemaError, prefix = ''): PactFinding {
  return { interaction, part, pointer: prefix + error.instancePath, message: `expected ${error.expected}, found ${error.actual}`, keyword: error.keyword };
}

/** Keys the v4 envelope has (success and failure): others are not part of the API's answer. */
const ENVELOPE_KEYS = new Set(['success', 'result', 'errors', 'messages', 'result_info']);

/**
 * Fields of `value` that `schema` (inlined) does not declare, as JSON pointers: objects with declared
 * `properties` and no schema for additional ones are closed for this purpose (the API never answers
 * other fields); `{type: object}` alone is open. Unions: a field counts when some branch declares it.
 */
export function undeclaredFields(schema: unknown, value: unknown, pointer = '', depth = 0): string[] {
  if (depth > 32 || !isObject(schema)) return [];
  const union = [...(Array.isArray(schema.anyOf) ? schema.anyOf : []), ...(Array.isArray(schema.oneOf) ? schema.oneOf : [])] as unknown[];
  const { anyOf: _a, oneOf: _o, allOf, ...base } = schema;
  if (Array.isArray(allOf) && allOf.length) {
    // Every branch applies: a field is declared when the base or any branch declares it.
    const merged = { ...base, properties: { ...(isObject(base.properties) ? base.properties : {}) } } as Obj;
    let open = false;
    for (const branch of allOf) {
      if (!isObject(branch)) continue;
      if (isObject(branch.properties)) Object.assign(merged.properties as Obj, branch.properties);
      else if (branch.type === 'object' || branch.additionalProperties !== undefined) open ||= branch.additionalProperties !== false && !isObject(branch.properties);
      if (branch.items !== undefined && merged.items === undefined) merged.items = branch.items;
    }
    if (open && !isObject(base.properties)) delete merged.properties;
    return undeclaredFields(union.length ? { ...merged, anyOf: union } : merged, value, pointer, depth + 1);
  }
  if (union.length) {
    const candidates = union.filter((b) => fits(isObject(b) ? { ...base, ...b } : b, value));
    const tried = (candidates.length ? candidates : union).map((b) => undeclaredFields(isObject(b) ? { ...base, ...b } : b, value, pointer, depth + 1));
    return tried.reduce((best, found) => (found.length < best.length ? found : best));
  }
  const out: string[] = [];
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    const patterns = isObject(schema.patternProperties) ? Object.keys(schema.patternProperties) : [];
    const additional = schema.additionalProperties;
    for (const [key, item] of Object.entries(value)) {
      const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (properties && key in properties) out.push(...undeclaredFields(properties[key], item, child, depth + 1));
      else if (patterns.some((p) => safeTest(p, key))) continue;
      else if (isObject(additional)) out.push(...undeclaredFields(additional, item, child, depth + 1));
      else if (properties && additional === undefined) out.push(child);
    }
  } else if (Array.isArray(value)) {
    const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as unknown[]) : [];
    value.forEach((item, i) => out.push(...undeclaredFields(i < prefix.length ? prefix[i] : schema.items, item, `${pointer}/${i}`, depth + 1)));
  }
  return out;
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    return false;
  }
}

/** The fake exchange documented.ts reads (it needs only the operation and method). */
function exchangeFor(operation: Operation, method: string): Exchange {
  return { spec: { operation, method: method.toUpperCase() as 'GET' | 'POST' }, request: { method, url: '', headers: {}, body: { kind: 'none' } }, attempts: 0 };
}

function operationOf(api: ApiPath): Operation | undefined {
  if (api.kind === 'run') return { kind: 'run', model: api.model };
  if (api.kind === 'openai') return { kind: 'openai', endpoint: api.endpoint as never };
  if (api.kind === 'catalog') return { kind: 'catalog', endpoint: api.endpoint as never };
  if (api.kind === 'partner') return { kind: 'partner', model: '' };
  return undefined;
}

function templateOf(api: ApiPath): string {
  if (api.kind === 'run') return 'POST /ai/run/{model}';
  if (api.kind === 'openai') return `/ai/v1/${api.endpoint}`;
  if (api.kind === 'catalog') return `/ai/${api.endpoint}`;
  if (api.kind === 'partner') return 'POST /ai/run';
  return '';
}

type Resolver = (value: unknown) => unknown;

/** Follows local `#/...` $refs of openapi.yaml. */
function localResolver(openapi: Obj): Resolver {
  return (value) => followLocalRefs(openapi, value);
}

/** The openapi.yaml operation object of an API path and method, or undefined. */
function operationObject(contract: Contract, api: ApiPath, method: string): { operation: Obj | undefined; pathKnown: boolean } {
  const openapi = contract.openapi as Obj;
  const paths = isObject(openapi.paths) ? openapi.paths : {};
  const template =
    api.kind === 'run'
      ? '/accounts/{account_id}/ai/run/{model}'
      : api.kind === 'openai'
        ? `/accounts/{account_id}/ai/v1/${api.endpoint}`
        : api.kind === 'catalog'
          ? `/accounts/{account_id}/ai/${api.endpoint}`
          : api.kind === 'partner'
            ? PARTNER_RUN_PATH
            : '';
  const item = paths[template];
  if (!isObject(item)) return { operation: undefined, pathKnown: false };
  const operation = item[method.toLowerCase()];
  return { operation: isObject(operation) ? operation : undefined, pathKnown: true };
}

/** The OpenAPI response range a status falls in (`5XX` for 503). */
function statusRange(status: number): string {
  return `${Math.floor(status / 100)}XX`;
}

/** An operation's response for a status: its own entry, else the range's (`5XX`), as OpenAPI reads them. */
function responseEntry(operation: Obj | undefined, status: number): unknown {
  const responses = isObject(operation?.responses) ? operation.responses : {};
  return responses[String(status)] ?? responses[statusRange(status)];
}

/** Error codes openapi.yaml lists for a status of an operation (documented and observed). */
function errorCodesFor(contract: Contract, operation: Obj | undefined, status: number): number[] {
  const resolve = localResolver(contract.openapi as Obj);
  const response = resolve(responseEntry(operation, status));
  if (!isObject(response)) return [];
  const codes = [...(Array.isArray(response['x-wai-error-codes']) ? response['x-wai-error-codes'] : []), ...(Array.isArray(response['x-wai-observed-error-codes']) ? response['x-wai-observed-error-codes'] : [])];
  return codes.filter((c): c is number => typeof c === 'number');
}

/** The component name of the JSON schema an operation documents for an error status, if it names one. */
function errorSchemaName(contract: Contract, operation: Obj | undefined, status: number): string | undefined {
  const resolve = localResolver(contract.openapi as Obj);
  const response = resolve(responseEntry(operation, status));
  const media = isObject(response) && isObject(response.content) ? resolve(response.content['application/json']) : undefined;
  const schema = isObject(media) ? media.schema : undefined;
  return isObject(schema) && typeof schema.$ref === 'string' && schema.$ref.startsWith('#/components/schemas/') ? schema.$ref.slice('#/components/schemas/'.length) : undefined;
}

/** The `$ref` URI of an operation's JSON request body schema, if openapi.yaml gives one. */
function requestSchemaUri(contract: Contract, operation: Obj | undefined): string | undefined {
  const resolve = localResolver(contract.openapi as Obj);
  const body = resolve(operation?.requestBody);
  const media = isObject(body) && isObject(body.content) ? resolve(body.content['application/json']) : undefined;
  const schema = isObject(media) ? media.schema : undefined;
  if (!isObject(schema) || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/components/schemas/')) return undefined;
  return contract.componentUri(schema.$ref.split('/').pop()!);
}

/**
 * A schema as a consumer's response example is judged by: no `required` (a consumer lists only the
 * fields it relies on), `oneOf` read as `anyOf` (a partial example may fit several branches).
 */
export function relaxSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(relaxSchema);
  if (!isObject(schema)) return schema;
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' || key === 'minProperties' || key === 'dependentRequired') continue;
    if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples' || key === 'example') out[key] = value;
    else if (key === 'oneOf') out.anyOf = relaxSchema(value);
    else out[key] = relaxSchema(value);
  }
  return out;
}

const relaxedAjv = { instance: undefined as ReturnType<typeof createAjv> | undefined };
const relaxedCache = new WeakMap<object, ValidateFunction | null>();

/** Errors of `data` against the relaxed form of an inlined schema; undefined when it cannot be compiled alone. */
function relaxedErrors(schema: JsonSchema, data: unknown, prefix: string): SchemaError[] | undefined {
  if (typeof schema !== 'object') return schema ? [] : undefined;
  let validate = relaxedCache.get(schema);
  if (validate === undefined) {
    try {
      relaxedAjv.instance ??= createAjv({ allErrors: true });
      validate = relaxedAjv.instance.compile(relaxSchema(schema) as object);
    } catch {
      validate = null; // e.g. a recursive $ref left by inlining: judged by the contract's own validator instead
    }
    relaxedCache.set(schema, validate);
  }
  if (validate === null) return undefined;
  return validate(data) ? [] : toSchemaErrors(validate.errors, data, prefix);
}

/** Inlined openapi.yaml schemas by URI (the contract's documents do not change). */
const inlinedComponents = new Map<string, JsonSchema>();

const OPENAI_FACT: Record<string, 'chat' | 'completions' | 'embeddings' | 'responses'> = { 'chat/completions': 'chat', completions: 'completions', embeddings: 'embeddings', responses: 'responses' };

class InteractionChecker {
  readonly findings: PactFinding[] = [];

  constructor(
    private readonly contract: Contract,
    private readonly name: string,
  ) {}

  private add(part: PactFinding['part'], message: string, keyword: string, pointer?: string): void {
    this.findings.push({ interaction: this.name, part, message, keyword, ...(pointer !== undefined ? { pointer } : {}) });
  }

  private schemaErrors(part: PactFinding['part'], errors: SchemaError[], options: { ignoreRequired?: boolean } = {}): void {
    for (const error of errors) {
      // A consumer's response example lists only the fields it relies on: an absent one is no disagreement.
      if (options.ignoreRequired && error.keyword === 'required') continue;
      this.findings.push(schemaFinding(this.name, part, error));
    }
  }

  /** A response body (part) judged by a schema with what Pact leaves out allowed to be missing. */
  private responseErrors(schema: JsonSchema, data: unknown, prefix: string, fallback: () => SchemaError[]): void {
    const errors = relaxedErrors(schema, data, prefix);
    this.schemaErrors('response', errors ?? fallback(), { ignoreRequired: true });
  }

  /** An openapi.yaml component schema with its $refs inlined. */
  private component(name: string): JsonSchema {
    return this.inlined(this.contract.componentUri(name));
  }

  private inlined(uri: string): JsonSchema {
    let schema = inlinedComponents.get(uri);
    if (!schema) {
      schema = inlineRefs({ $ref: uri }, `${SPEC_BASE_URI}openapi.yaml`, (u) => this.contract.document(u));
      inlinedComponents.set(uri, schema);
    }
    return schema;
  }

  check(api: ApiPath, method: string, request: Side, response: { status: number } & Side): void {
    const { operation, pathKnown } = operationObject(this.contract, api, method);
    if (!pathKnown) {
      this.add('request', `${templateOf(api)} is not an operation of the API`, 'path');
      return;
    }
    if (!operation) {
      this.add('request', `${templateOf(api).replace(/^POST /, '')} does not take ${method.toUpperCase()} (the API answers 405 or 404)`, 'method');
      return;
    }
    // A request the API refuses is a finding only where the consumer expects it served: expecting a
    // 4xx for it is testing the API's error handling, which is what the API does.
    const expectsSuccess = response.status >= 200 && response.status < 300;
    const model = api.kind === 'run' ? this.contract.model(api.model) : undefined;
    if (api.kind === 'run') {
      if (!model) {
        if (expectsSuccess) this.add('request', `unknown model "${api.model}": not in the catalogue (the API answers 400, code 5007)`, 'model');
        this.responseStatus(api, method, response.status);
        return;
      }
      if (expectsSuccess && model.facts.transport === 'websocket') this.add('request', `${model.id} runs over WebSocket only; a plain HTTP request is refused (400, code 3003)`, 'transport');
      if (expectsSuccess) this.runRequest(model, request);
    } else if (expectsSuccess) {
      this.operationRequest(api, operation, request);
    }
    this.responseStatus(api, method, response.status);
    if (response.status >= 200 && response.status < 300) {
      if (api.kind === 'run' && model) this.runResponse(model, request, response);
      else this.operationResponse(api, method, response);
      if (api.kind === 'partner') this.partnerResult(request, response);
    } else {
      this.errorResponse(operation, response);
    }
  }

  private runRequest(model: ModelEntry, request: Side): void {
    const { body } = request;
    if (body.kind === 'none') {
      this.add('request', 'no body: the API answers 400 (code 3003, request is missing a body)', 'body');
      return;
    }
    if (body.kind === 'json') {
      this.schemaErrors('request', this.contract.validateModel(model, 'input', body.value));
      if (isObject(body.value) && body.value.stream === true && !model.facts.streams) this.add('request', `"stream": true, but ${model.id} does not stream (the API answers 400)`, 'stream', '/stream');
      return;
    }
    const type = bareType(body.contentType);
    const takes = model.facts.rawInput ?? [];
    if (!type || !takes.some((t) => t === type || t === 'application/octet-stream')) {
      this.add('request', `a raw ${type ?? 'untyped'} body, but ${model.id} takes ${takes.length ? `JSON or raw ${takes.join(', ')}` : 'JSON only'}`, 'content-type');
    }
  }

  private operationRequest(api: ApiPath, operation: Obj, request: Side): void {
    const uri = requestSchemaUri(this.contract, operation);
    if (request.body.kind === 'json' && uri) this.schemaErrors('request', this.contract.validate(uri, request.body.value));
    if (api.kind === 'partner') return this.partnerRequest(request);
    if (api.kind !== 'openai' || request.body.kind !== 'json' || !isObject(request.body.value) || typeof request.body.value.model !== 'string') return;
    const id = request.body.value.model;
    if (api.endpoint === 'messages') {
      // /ai/v1/messages serves the Anthropic models openapi.yaml lists, not the Workers AI catalogue (which it refuses).
      if (!this.contract.messagesModels().includes(id)) this.add('request', `${id} is not served by /ai/v1/messages (it serves ${this.contract.messagesModels().join(', ')})`, 'model', '/model');
      return;
    }
    const model = this.contract.model(id);
    const fact = OPENAI_FACT[api.endpoint];
    if (!model) this.add('request', `unknown model "${id}": not in the catalogue`, 'model', '/model');
    else if (fact && !model.facts.openai?.[fact]) this.add('request', `${model.id} is not served by /ai/v1/${api.endpoint}`, 'model', '/model');
  }

  /** The partner model a `POST /ai/run` body names, and its `input` by that model's published schema. */
  private partnerRequest(request: Side): void {
    if (request.body.kind !== 'json' || !isObject(request.body.value) || typeof request.body.value.model !== 'string') return;
    const partner = this.contract.partnerModel(request.body.value.model);
    if (!partner) {
      this.add('request', `"${request.body.value.model}" is not a partner model the contract knows (POST /ai/run with {model, input} serves ${[...this.contract.partnerModels().keys()].join(', ')}; the API answers 400, code 5007, for an unknown id)`, 'model', '/model');
      return;
    }
    this.schemaErrors('request', this.contract.validate(this.contract.componentUri(partner.input), request.body.value.input, '/input'));
  }

  /** A partner answer's `result` by the output schema of the model the request names. */
  private partnerResult(request: Side, response: Side): void {
    const id = request.body.kind === 'json' && isObject(request.body.value) ? request.body.value.model : undefined;
    const partner = typeof id === 'string' ? this.contract.partnerModel(id) : undefined;
    if (!partner || response.body.kind !== 'json' || !isObject(response.body.value) || !('result' in response.body.value)) return;
    const result = response.body.value.result;
    this.responseErrors(this.component(partner.output), result, '/result', () => this.contract.validate(this.contract.componentUri(partner.output), result, '/result'));
  }

  private responseStatus(api: ApiPath, method: string, status: number): void {
    const operation = operationOf(api);
    if (!operation) return;
    const documented = [...documentedResponses(this.contract, exchangeFor(operation, method)).keys()].sort((a, b) => a - b);
    // A range the operation declares (`5XX`: failures seen without their exact status) covers its statuses.
    const declared = operationObject(this.contract, api, method).operation?.responses;
    const ranges = Object.keys(isObject(declared) ? declared : {}).filter((key) => /^[1-5]XX$/.test(key));
    if (documented.length && !documented.includes(status) && !ranges.includes(statusRange(status))) {
      this.add('response', `status ${status} is not one the API documents for ${templateOf(api).replace(/^POST /, `${method.toUpperCase()} `)} (documented: ${[...documented, ...ranges].join(', ')})`, 'status');
    }
  }

  private runResponse(model: ModelEntry, request: Side, response: Side): void {
    const { contentType, envelope } = model.facts.response;
    const streamed = request.body.kind === 'json' && isObject(request.body.value) && request.body.value.stream === true;
    const declared = bareType(response.headers.get('content-type') ?? (response.body.kind !== 'none' ? response.body.contentType : undefined));
    if (streamed) {
      if (declared && declared !== 'text/event-stream') this.add('response', `Content-Type ${declared}, but a streamed answer is text/event-stream`, 'content-type');
      return;
    }
    if (!envelope) {
      if (declared && declared !== bareType(contentType)) this.add('response', `Content-Type ${declared}, but ${model.id} answers ${contentType} bytes`, 'content-type');
      if (response.body.kind === 'json') this.add('response', `a JSON body, but ${model.id} answers raw ${contentType} bytes (no envelope)`, 'content-type', '');
      return;
    }
    if (declared && !isJsonType(declared)) this.add('response', `Content-Type ${declared}, but ${model.id} answers application/json (the v4 envelope)`, 'content-type');
    if (response.body.kind === 'bytes' || response.body.kind === 'text') {
      this.add('response', `a ${declared ?? 'non-JSON'} body, but ${model.id} answers the JSON v4 envelope`, 'content-type', '');
      return;
    }
    if (response.body.kind !== 'json') return;
    const value = response.body.value;
    // The success envelope (a 2xx answer is one even where the consumer leaves `success` out), then `result`.
    this.responseErrors(this.component('Envelope'), value, '', () => this.contract.validate(this.contract.componentUri('Envelope'), value));
    if (!isObject(value)) return;
    if ('result' in value) this.responseErrors(this.contract.inlinedSchema(model, 'output'), value.result, '/result', () => this.contract.validateModel(model, 'output', value.result).map((e) => ({ ...e, instancePath: `/result${e.instancePath}` })));
    for (const key of Object.keys(value)) if (!ENVELOPE_KEYS.has(key)) this.add('response', `the API's answer has no field "${key}"`, 'undeclared', toPointer([key]));
    if ('result' in value) {
      for (const pointer of undeclaredFields(this.contract.inlinedSchema(model, 'output'), value.result, '/result')) {
        const field = parsePointer(pointer).pop() ?? '';
        this.add('response', `${model.id} never answers this field ("${field}" is not in its output schema)`, 'undeclared', pointer);
      }
    }
  }

  private operationResponse(api: ApiPath, method: string, response: Side): void {
    const operation = operationOf(api);
    if (!operation || response.body.kind !== 'json') return;
    const media = documentedResponses(this.contract, exchangeFor(operation, method)).get(200)?.media.get('application/json');
    const value = response.body.value;
    if (media?.schemaUri) this.responseErrors(this.inlined(media.schemaUri), value, '', () => this.contract.validate(media.schemaUri!, value));
  }

  private errorResponse(operation: Obj, response: { status: number } & Side): void {
    if (response.body.kind !== 'json') return;
    const value = response.body.value;
    // A partner model's refusal {state: "Failed", error} (spec/openapi.yaml PartnerRunBadRequest), beside the v4 envelope.
    if (isObject(value) && 'state' in value && !('errors' in value)) {
      this.responseErrors(this.component('PartnerRunFailure'), value, '', () => this.contract.validate(this.contract.componentUri('PartnerRunFailure'), value));
      return;
    }
    // An operation whose errors are not the v4 envelope (/ai/v1/messages: Anthropic's) is judged by what it documents.
    const own = errorSchemaName(this.contract, operation, response.status);
    if (own && own !== 'ErrorEnvelope') {
      this.responseErrors(this.component(own), value, '', () => this.contract.validate(this.contract.componentUri(own), value));
      for (const pointer of undeclaredFields(this.component(own), value)) this.add('response', `the API's error answer has no field "${parsePointer(pointer).pop() ?? ''}" (it is ${own})`, 'undeclared', pointer);
      return;
    }
    this.responseErrors(this.component('ErrorEnvelope'), value, '', () => this.contract.validate(this.contract.componentUri('ErrorEnvelope'), value));
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) if (!ENVELOPE_KEYS.has(key)) this.add('response', `the API's error answer has no field "${key}" (it is the v4 error envelope)`, 'undeclared', toPointer([key]));
    const codes = errorCodesFor(this.contract, operation, response.status);
    if (!codes.length || !Array.isArray(value.errors)) return;
    value.errors.forEach((error, i) => {
      const code = isObject(error) ? Number(error.code) : NaN;
      if (Number.isInteger(code) && !codes.includes(code)) this.add('response', `error code ${code} is not one the API gives with status ${response.status} (documented: ${codes.join(', ')})`, 'error-code', `/errors/${i}/code`);
    });
  }
}

/**
 * Checks every HTTP interaction of a pact (parsed JSON) against the contract. Throws InvalidPactError
 * when the document is not a pact file.
 */
export function checkPact(pact: unknown, contract: Contract): PactCheckResult {
  if (!isObject(pact) || !Array.isArray(pact.interactions)) throw new InvalidPactError('not a pact file: no "interactions" array');
  const metadata = isObject(pact.metadata) ? pact.metadata : {};
  const spec = isObject(metadata.pactSpecification) ? metadata.pactSpecification.version : isObject(metadata['pact-specification']) ? metadata['pact-specification'].version : metadata.pactSpecificationVersion;
  const fileV4 = typeof spec === 'string' && spec.startsWith('4');
  const result: PactCheckResult = {
    consumer: isObject(pact.consumer) && typeof pact.consumer.name === 'string' ? pact.consumer.name : 'consumer',
    provider: isObject(pact.provider) && typeof pact.provider.name === 'string' ? pact.provider.name : 'provider',
    checked: 0,
    findings: [],
    skipped: [],
  };
  pact.interactions.forEach((raw, index) => {
    if (!isObject(raw)) throw new InvalidPactError(`interaction ${index} is not an object`);
    const name = typeof raw.description === 'string' ? raw.description : `#${index}`;
    if (typeof raw.type === 'string' && raw.type !== 'Synchronous/HTTP') {
      result.skipped.push({ interaction: name, reason: `a ${raw.type} interaction, not HTTP` });
      return;
    }
    if (!isObject(raw.request) || !isObject(raw.response)) throw new InvalidPactError(`interaction "${name}" has no request or no response`);
    const request = raw.request;
    const response = raw.response;
    if (typeof request.path !== 'string') throw new InvalidPactError(`interaction "${name}": request has no path`);
    const v4 = fileV4 || raw.type === 'Synchronous/HTTP';
    const api = parseApiPath(request.path);
    if (api.kind === 'other') {
      result.skipped.push({ interaction: name, reason: `${request.path} is not a Workers AI path` });
      return;
    }
    const method = typeof request.method === 'string' ? request.method : 'GET';
    const requestHeaders = readHeaders(request.headers);
    const responseHeaders = readHeaders(response.headers);
    const status = typeof response.status === 'number' ? response.status : 200;
    const checker = new InteractionChecker(contract, name);
    checker.check(api, method, { headers: requestHeaders, body: readBody(request, requestHeaders, v4) }, { status, headers: responseHeaders, body: readBody(response, responseHeaders, v4) });
    result.checked++;
    result.findings.push(...checker.findings);
  });
  return result;
}

