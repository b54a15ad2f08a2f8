/**
 * @module The `/ai/run/{model}` handler: find the model, read its input (JSON, or the raw audio/image bytes
 * for models with a `rawInput` fact), validate it with the contract's compiled validator, run the task's
 * output maker with a request-seeded rng, and build the answer (v4 envelope, binary bytes, or SSE chunks).
 * Synchronous: everything here is CPU work, so the hot path has no extra awaits.
 */
import type { Contract } from '../contract/contract.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import type { ModelEntry, TaskId } from '../contract/types.js';
import { bareMediaType, mediaTypeMatches, sniffMediaType } from '../media/sniff.js';
import { keepsEnforcedRules } from './enforced-input.js';
import { refusedInputErrors } from './contradicted-input.js';
import { polledId, wantsQueue, type BatchQueue } from './batch.js';
import { errorResponse, errorsResponse } from './errors.js';
import { hex32 } from './hex.js';
import { limitViolation } from './limits.js';
import type { ActiveFaults, FaultInfo, ServedResponse } from './faults.js';
import { createRng, requestSeed } from './rng.js';
import type { EmulatorRequest, OutputContext, OutputMaker, OutputResult, StreamEvent } from './types.js';

/** Default pause between two streamed chunks. */
export const DEFAULT_STREAM_DELAY_MS = 2;

export interface RunDeps {
  contract: Contract;
  makers: Partial<Record<TaskId, OutputMaker>>;
  faults: ActiveFaults;
  streamDelayMs: number;
  /** The queued batches of the asynchronous Batch API (models with the `batch` fact). */
  batch?: BatchQueue;
  /** Reports an emulator bug (the client gets a 500 envelope). */
  onError(error: unknown): void;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Content types read as JSON (curl's `-d` sends form-urlencoded; no type at all is read as JSON too). */
function isJsonish(mediaType: string): boolean {
  return (
    mediaType === '' ||
    mediaType === 'application/json' ||
    mediaType.endsWith('+json') ||
    mediaType === 'text/plain' ||
    mediaType === 'application/x-www-form-urlencoded'
  );
}

/** Media types that announce a binary body. */
function isBinaryType(mediaType: string): boolean {
  return (
    mediaType === 'application/octet-stream' ||
    mediaType === 'multipart/form-data' ||
    mediaType.startsWith('audio/') ||
    mediaType.startsWith('image/') ||
    mediaType.startsWith('video/')
  );
}

interface RawShape {
  key: string;
  /** The property wants `{ body, contentType }` (the binding's stream form) rather than an array of bytes. */
  wrapped: boolean;
}
const rawShapeCache = new WeakMap<ModelEntry, Map<string, RawShape>>();

/** Top-level input properties of a schema (its own and those of its oneOf/anyOf/allOf branches). */
function inputProperties(schema: unknown, out = new Map<string, unknown>()): Map<string, unknown> {
  if (!isObject(schema)) return out;
  if (isObject(schema.properties)) for (const [name, property] of Object.entries(schema.properties)) if (!out.has(name)) out.set(name, property);
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) for (const branch of branches) inputProperties(branch, out);
  }
  return out;
}

/**
 * Which input property a raw body becomes, from the model's input schema: `multipart` for a form,
 * else `audio` or `image` (by the schema, then by the media type).
 */
export function rawInputShape(model: ModelEntry, mediaType: string): RawShape {
  let perType = rawShapeCache.get(model);
  if (!perType) rawShapeCache.set(model, (perType = new Map()));
  const cached = perType.get(mediaType);
  if (cached) return cached;
  const properties = inputProperties(model.input);
  let key: string;
  if (mediaType.startsWith('multipart/') && properties.has('multipart')) key = 'multipart';
  else if (properties.has('audio') && !properties.has('image')) key = 'audio';
  else if (properties.has('image') && !properties.has('audio')) key = 'image';
  else key = mediaType.startsWith('image/') ? 'image' : 'audio';
  const property = properties.get(key);
  const wrapped = isObject(property) && isObject(property.properties) && 'body' in property.properties;
  const shape = { key, wrapped };
  perType.set(mediaType, shape);
  return shape;
}

/** True when the model takes a raw body of this media type (`application/octet-stream` counts for audio and image models). */
function acceptsRaw(model: ModelEntry, mediaType: string): boolean {
  const accepted = model.facts.rawInput;
  if (!accepted || accepted.length === 0) return false;
  if (mediaType === 'application/octet-stream') return accepted.some((t) => t === mediaType || t.startsWith('audio/') || t.startsWith('image/'));
  return accepted.some((expected) => mediaTypeMatches(expected, mediaType));
}

type ParsedInput = { ok: true; input: Obj; raw?: Uint8Array } | { ok: false; response: ServedResponse };

/** The input a raw body stands for: `{audio|image: [bytes]}`, or `{audio|multipart: {body: [bytes], contentType}}`. */
function rawInput(model: ModelEntry, mediaType: string, body: Uint8Array, contentType = mediaType): ParsedInput {
  if (body.length === 0) return { ok: false, response: errorResponse('incomplete', { what: 'body' }) };
  const { key, wrapped } = rawInputShape(model, mediaType);
  const bytes = Array.from(body);
  return { ok: true, input: { [key]: wrapped ? { body: bytes, contentType } : bytes }, raw: body };
}

/** Reads the request body as the model's input. */
export function parseInput(model: ModelEntry, contentType: string | undefined, body: Uint8Array): ParsedInput {
  const mediaType = contentType === 'application/json' ? contentType : bareMediaType(contentType);
  if (!isJsonish(mediaType) && acceptsRaw(model, mediaType)) return rawInput(model, mediaType, body, contentType);
  if (!isJsonish(mediaType) && isBinaryType(mediaType)) {
    const accepted = model.facts.rawInput?.length ? ` or a raw body of ${model.facts.rawInput.join(', ')}` : '';
    return { ok: false, response: errorResponse('incomplete', { what: `Content-Type application/json${accepted} (got ${mediaType})` }) };
  }
  if (body.length === 0) return { ok: false, response: errorResponse('incomplete', { what: 'body' }) };
  let parsed: unknown;
  try {
    parsed = JSON.parse((Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)).toString('utf8'));
  } catch (error) {
    // A raw file sent without its media type (curl --data-binary): accept it when the bytes say what it is.
    const sniffed = sniffMediaType(body);
    if (sniffed && sniffed !== 'application/json' && acceptsRaw(model, sniffed)) return rawInput(model, sniffed, body);
    return { ok: false, response: errorResponse('incomplete', { what: `a valid JSON body (${(error as Error).message})` }) };
  }
  return { ok: true, input: parsed as Obj };
}

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;

let reqCounter = 0;

/**
 * The head of a live /ai/run answer (spec/openapi.yaml RunSuccess, evidence at components/headers/AiNeurons): its
 * content type, `cf-ai-req-id`, a UUID, and `cf-ai-neurons`, the cost with two decimals, "0" on a stream. The emulator
 * bills nothing: its figure is a deterministic stand-in from the answer's token usage (prompt + 3 x completion tokens,
 * in hundredths), "0.00" for answers without usage, as a free answer reads. One object, built whole: every answer
 * pays for it.
 */
function aiHeaders(contentType: string, result: unknown, stream: boolean): Record<string, string> {
  return { 'content-type': contentType, 'cf-ai-req-id': `00000000-0000-4000-8000-0000${hex32(reqCounter++ >>> 0)}`, 'cf-ai-neurons': stream ? '0' : neurons(result) };
}

/** A usage count: a finite number, negatives as 0, anything else 0. */
const usageCount = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0);

/** `cf-ai-neurons` of a whole answer: (prompt + 3 x completion tokens) / 100, with two decimals. */
function neurons(result: unknown): string {
  const usage = isObject(result) && isObject(result.usage) ? result.usage : undefined;
  const hundredths = usage ? usageCount(usage.prompt_tokens) + 3 * usageCount(usage.completion_tokens) : 0;
  if (!Number.isSafeInteger(hundredths)) return (hundredths / 100).toFixed(2);
  // Integer counts (every answer the emulator makes): the digits without toFixed's float formatting.
  const cents = hundredths % 100;
  return `${(hundredths - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

/** One server-sent event (`data: <json>` and a blank line; `data: [DONE]` for the terminator). */
export function sseChunk(event: StreamEvent): string {
  return 'done' in event ? 'data: [DONE]\n\n' : `data: ${JSON.stringify(event.data)}\n\n`;
}

function internalError(deps: RunDeps, error: unknown): ServedResponse {
  deps.onError(error);
  return errorResponse('internal');
}

function envelopeOf(result: unknown): ServedResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: `{"result":${JSON.stringify(result)},"success":true,"errors":[],"messages":[]}` };
}

/**
 * The asynchronous Batch API (src/emulator/batch.ts): queue a `{requests}` batch, or answer a `{request_id}` poll.
 * Each queued item is answered as the same input sent alone would be (validated alone, the maker seeded by the
 * item's own bytes); an item the model cannot take is answered `success: false`.
 */
function runBatch(deps: RunDeps, queue: BatchQueue, model: ModelEntry, request: EmulatorRequest, input: unknown): ServedResponse {
  if (!model.facts.batch) return errorResponse('badInput', { detail: `queueRequest: ${model.id} does not serve the asynchronous Batch API` });
  const requestId = polledId(input);
  if (requestId !== undefined) {
    const answer = queue.poll(model.id, requestId);
    return answer ? envelopeOf(answer) : errorResponse('badInput', { detail: `/request_id: no queued batch ${requestId} for ${model.id}` });
  }
  const requests = isObject(input) ? input.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) return errorResponse('badInput', { detail: '/requests: a queued request carries a non-empty `requests` array' });
  const errors = refusedInputErrors(deps.contract, model, input, deps.contract.validateModel(model, 'input', input));
  if (errors.length > 0 && !deps.faults.skipValidation) return errorsResponse('badInput', errors.map((e) => ({ detail: formatSchemaError(e) })));
  const maker = deps.makers[model.task];
  if (!maker) return internalError(deps, new Error(`no output maker for task ${model.task}`));
  const ack = queue.enqueue(model, request.body, requests, (item) => {
    const { external_reference: _reference, ...single } = item;
    if (refusedInputErrors(deps.contract, model, single, deps.contract.validateModel(model, 'input', single)).length > 0) return new Error('invalid item');
    const bytes = Buffer.from(JSON.stringify(single));
    try {
      const output = maker.make({ contract: deps.contract, model, input: single, rng: createRng(requestSeed(model.id, bytes)) });
      return output.kind === 'json' ? output.result : new Error('binary answer');
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  });
  return envelopeOf(ack);
}

/** Runs a model for one request. `wellFormed` says whether the id has the `@cf|@hf/<author>/<name>` form. */
export function runModel(deps: RunDeps, request: EmulatorRequest, modelId: string, wellFormed: boolean): ServedResponse {
  const { contract, faults } = deps;
  const model = contract.model(modelId);
  if (!model) return wellFormed ? errorResponse('noSuchModel', { model: modelId }) : errorResponse('invalidModelId');
  if (model.facts.transport === 'websocket') {
    return errorResponse('incomplete', { what: `Upgrade: websocket (${model.id} is served over WebSocket only, not plain HTTP)` });
  }

  const parsed = parseInput(model, request.headers['content-type'], request.body);
  if (!parsed.ok) return parsed.response;
  const input = parsed.raw && request.extraInputs ? { ...request.extraInputs, ...parsed.input } : parsed.input;
  if (!parsed.raw && deps.batch && (wantsQueue(request.query, input) || (model.facts.batch && polledId(input) !== undefined))) {
    return runBatch(deps, deps.batch, model, request, input);
  }

  let invalid = false;
  if (!parsed.raw) {
    const errors = refusedInputErrors(contract, model, input, contract.validateModel(model, 'input', input));
    if (errors.length > 0) {
      const accepted = faults.skipValidation || (faults.enforcedRulesOnly && keepsEnforcedRules(contract, model, input) === true);
      if (!accepted) return errorsResponse('badInput', errors.map((e) => ({ detail: formatSchemaError(e) })));
      invalid = true;
    }
  }
  const stream = isObject(input) && input.stream === true;
  if (stream && !model.facts.streams) {
    return errorResponse('badInput', { detail: `/stream: ${model.id} does not stream; send "stream": false or leave it out` });
  }

  const maker = deps.makers[model.task];
  if (!maker) return internalError(deps, new Error(`no output maker for task ${model.task}`));
  const context: OutputContext = { contract, model, input: isObject(input) ? input : {}, rng: createRng(requestSeed(model.id, request.body)) };
  if (parsed.raw) context.rawBody = parsed.raw;
  if (!invalid && model.facts.limits) {
    const over = limitViolation(model, context);
    if (over) return errorResponse('badInput', { detail: over });
  }
  const info: FaultInfo | undefined = faults.none ? undefined : { model, input: context.input };

  if (stream) {
    if (!maker.stream) return internalError(deps, new Error(`the ${model.task} maker cannot stream, but ${model.id} has the streams fact`));
    let events: StreamEvent[];
    try {
      events = maker.stream(context);
    } catch (error) {
      return internalError(deps, error);
    }
    if (info) events = faults.rewriteEvents(events, info);
    const response: ServedResponse = {
      status: 200,
      headers: { ...aiHeaders(SSE_HEADERS['content-type'], undefined, true), 'cache-control': SSE_HEADERS['cache-control'] },
      body: { chunks: events.map(sseChunk), chunkDelayMs: deps.streamDelayMs },
    };
    return faults.none ? response : faults.rewriteResponse(response, model);
  }

  let output: OutputResult;
  try {
    output = maker.make(context);
  } catch (error) {
    // With accept-invalid-input the maker may meet input it was never meant to see: still answer 200.
    if (invalid) output = { kind: 'json', result: {} };
    else return internalError(deps, error);
  }

  let response: ServedResponse;
  if (output.kind === 'binary') {
    const bytes = info ? faults.rewriteBinary(output.bytes, info) : output.bytes;
    response = { status: 200, headers: aiHeaders(output.contentType, undefined, false), body: bytes };
  } else {
    const result = info ? faults.rewriteResult(output.result, info) : output.result;
    let body: string;
    let ascii = false;
    if (!faults.none && faults.rewritesEnvelope(model)) {
      body = JSON.stringify(faults.rewriteEnvelope({ result, success: true, errors: [], messages: [] }, model));
    } else {
      const made = result === output.result && output.json !== undefined;
      ascii = made && output.ascii === true;
      body = `{"result":${(made ? output.json : JSON.stringify(result)) ?? 'null'},"success":true,"errors":[],"messages":[]}`;
    }
    response = { status: 200, headers: aiHeaders('application/json', output.result, false), body };
    // Only an answer no fault rewrites: a fault's body is not the maker's.
    if (ascii && faults.none) response.ascii = true;
  }
  return faults.none ? response : faults.rewriteResponse(response, model);
}
