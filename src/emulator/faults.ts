/**
 * @module Fault injection: each fault makes the emulator break one part of the contract (or of the
 * transport), so the harness can prove its checks catch it. One table, {@link FAULTS}, lists them with
 * the task or area each affects; the rewrites are small pure functions (they copy, never mutate).
 *
 * Faults act at these points of a request: credentials (`no-auth`), validation (`accept-invalid-input`, `accept-unenforced-input`),
 * before inference (`rate-limit`, `server-error`), on the model's `result` / stream events / binary answer,
 * on the envelope, on the finished response (`wrong-content-type`, `malformed-json`, `missing-done`,
 * `stream-cut`), when writing (`latency`) and in the gateway cache (`cache-always-miss`).
 */
import { crc32 } from 'node:zlib';
import type { ModelEntry, TaskId } from '../contract/types.js';
import { errorResponse } from './errors.js';
import type { EmulatorResponse, StreamEvent } from './types.js';

/** A response as the server writes it: `abort` destroys the socket after the body (a cut connection). */
export type ServedResponse = EmulatorResponse & { abort?: boolean };

/** What a result or stream rewrite may know about the request. */
export interface FaultInfo {
  model: ModelEntry;
  input: Record<string, unknown>;
}

/** The areas a fault can affect besides model tasks. */
export type FaultArea = 'transport' | 'auth' | 'validation' | 'envelope' | 'output' | 'stream' | 'gateway';

/** One fault of the table. The hooks are the fault's behaviour; a fault sets only those it needs. */
export interface Fault {
  name: string;
  /** One line, shown by `wai-conformance mock --help`. */
  description: string;
  area: FaultArea;
  /** Human-readable: which task or area it affects (`text-generation`, `every /ai/run answer`, ...). */
  affects: string;
  /** Only models of these tasks are affected (all models when absent). */
  tasks?: readonly TaskId[];
  /** `NAME=VALUE` parameter, a non-negative integer. */
  param?: { name: string; default: number };
  /** Finer than `tasks`: true when the fault changes this model's answers. */
  appliesTo?(model: ModelEntry): boolean;
  /** Credentials are not checked. */
  skipAuth?: true;
  /** Input is not validated against the model's schema. */
  skipValidation?: true;
  /** Input is validated only against the rules the real API is known to enforce (spec/enforcement.yaml). */
  enforcedRulesOnly?: true;
  /** The gateway cache never answers. */
  cacheAlwaysMiss?: true;
  /** Milliseconds every answer is held back. */
  delayMs?(param: number): number;
  /** Answers an inference request (/ai/run, /ai/v1) before the model runs; `count` is the request's 0-based number. */
  intercept?(count: number, param: number): ServedResponse | undefined;
  result?(result: unknown, info: FaultInfo, param: number): unknown;
  events?(events: StreamEvent[], info: FaultInfo, param: number): StreamEvent[];
  binary?(bytes: Uint8Array, info: FaultInfo, param: number): Uint8Array;
  envelope?(envelope: Record<string, unknown>): Record<string, unknown>;
  response?(response: ServedResponse): ServedResponse;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(value: T): T => structuredClone(value);

// ---------------------------------------------------------------------------------------------
// Helpers of the rewrites
// ---------------------------------------------------------------------------------------------

/** The first object (depth-first) with a numeric `key`, or undefined. */
function findWithNumber(node: unknown, key: string): Obj | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findWithNumber(item, key);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  if (typeof node[key] === 'number') return node;
  for (const value of Object.values(node)) {
    const found = findWithNumber(value, key);
    if (found) return found;
  }
  return undefined;
}

/** Every array held under `key` (depth-first). */
function arraysNamed(node: unknown, key: string, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(node)) for (const item of node) arraysNamed(item, key, out);
  else if (isObject(node)) {
    for (const [k, value] of Object.entries(node)) {
      if (k === key && Array.isArray(value)) out.push(value);
      arraysNamed(value, key, out);
    }
  }
  return out;
}

/** Where a text-generation answer (or stream event) keeps its text: a getter/setter pair, or undefined. */
function textOf(node: unknown): { get(): string; set(text: string): void } | undefined {
  if (!isObject(node)) return undefined;
  const at = (holder: Obj, key: string) =>
    typeof holder[key] === 'string' ? { get: () => holder[key] as string, set: (t: string) => void (holder[key] = t) } : undefined;
  const direct = at(node, 'response');
  if (direct) return direct;
  const choice = Array.isArray(node.choices) ? node.choices[0] : undefined;
  if (isObject(choice)) {
    if (isObject(choice.message)) return at(choice.message, 'content');
    if (isObject(choice.delta)) return at(choice.delta, 'content');
    const text = at(choice, 'text');
    if (text) return text;
  }
  if (typeof node.type === 'string' && node.type.endsWith('.delta')) return at(node, 'delta');
  if (Array.isArray(node.output)) {
    for (const item of node.output) {
      if (!isObject(item) || !Array.isArray(item.content)) continue;
      for (const part of item.content) if (isObject(part) && typeof part.text === 'string') return at(part, 'text');
    }
  }
  return undefined;
}

/** The usage object of an answer or event (classic, chat-completions and responses styles), if any. */
function usageOf(node: unknown): Obj | undefined {
  if (!isObject(node)) return undefined;
  if (isObject(node.usage)) return node.usage;
  if (isObject(node.response) && isObject(node.response.usage)) return node.response.usage;
  return undefined;
}

function addCompletionTokens(usage: Obj, extra: number): void {
  const outKey = 'completion_tokens' in usage ? 'completion_tokens' : 'output_tokens' in usage ? 'output_tokens' : 'completion_tokens';
  usage[outKey] = (typeof usage[outKey] === 'number' ? usage[outKey] : 0) + extra;
  usage.total_tokens = (typeof usage.total_tokens === 'number' ? usage.total_tokens : 0) + extra;
}

function breakTotal(usage: Obj): void {
  const prompt = Number(usage.prompt_tokens ?? usage.input_tokens ?? 0) || 0;
  const completion = Number(usage.completion_tokens ?? usage.output_tokens ?? 0) || 0;
  usage.total_tokens = prompt + completion + 7;
}

/** The token limit a text-generation request asked for (or the model's documented default). */
function tokenLimit(info: FaultInfo): number {
  const asked = info.input.max_tokens ?? info.input.max_completion_tokens ?? info.input.max_output_tokens;
  if (typeof asked === 'number' && Number.isFinite(asked) && asked >= 0) return Math.floor(asked);
  return info.model.facts.maxTokens ?? 256;
}

/** How many words past the limit `max-tokens-ignored` adds (bounded, so a huge limit stays cheap). */
function overrun(info: FaultInfo): number {
  return Math.min(tokenLimit(info) + 8, 200_000);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG whose IHDR says `width + 64` × `height + 64` (CRC fixed), or undefined when the bytes are not PNG. */
export function resizedPngHeader(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 33 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  const out = Buffer.from(bytes);
  out.writeUInt32BE(out.readUInt32BE(16) + 64, 16);
  out.writeUInt32BE(out.readUInt32BE(20) + 64, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** A JPEG whose SOF segment says `width + 64` × `height + 64`, or undefined when the bytes are not JPEG. */
export function resizedJpegHeader(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const out = Buffer.from(bytes);
      out.writeUInt16BE(Math.min(0xffff, out.readUInt16BE(at + 5) + 64), at + 5);
      out.writeUInt16BE(Math.min(0xffff, out.readUInt16BE(at + 7) + 64), at + 7);
      return out;
    }
    at += 2 + length;
  }
  return undefined;
}

/** The image with its header claiming 64 px more each way (PNG or JPEG), or undefined for other bytes. */
export function resizedImage(bytes: Uint8Array): Uint8Array | undefined {
  return resizedPngHeader(bytes) ?? resizedJpegHeader(bytes);
}

const DONE_CHUNK = /^\s*data:\s*\[DONE\]\s*$/;
const isDoneChunk = (chunk: string | Uint8Array): boolean =>
  DONE_CHUNK.test(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.byteLength, 64)).toString('latin1'));

const isJsonResponse = (response: EmulatorResponse): boolean => (response.headers['content-type'] ?? '').startsWith('application/json');

const streamsOnly = (model: ModelEntry): boolean => model.facts.streams;
const enveloped = (model: ModelEntry): boolean => model.facts.response.envelope;

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

export const FAULTS: readonly Fault[] = [
  {
    name: 'latency',
    description: 'hold every answer back by MS milliseconds (default 200)',
    area: 'transport',
    affects: 'every answer',
    param: { name: 'ms', default: 200 },
    delayMs: (ms) => ms,
  },
  {
    name: 'server-error',
    description: 'answer every inference request (/ai/run, /ai/v1) with a 500 error envelope',
    area: 'transport',
    affects: 'every inference request',
    intercept: () => errorResponse('internal'),
  },
  {
    name: 'rate-limit',
    description: 'answer 429 (code 3040, Retry-After: 1) to the 1st and then every EVERY-th inference request (default 2)',
    area: 'transport',
    affects: 'every inference request',
    param: { name: 'every', default: 2 },
    intercept: (count, every) => (count % Math.max(1, every) === 0 ? errorResponse('capacity', undefined, { 'retry-after': '1' }) : undefined),
  },
  {
    name: 'stream-cut',
    description: 'streams stop half-way, without data: [DONE], and the connection is closed',
    area: 'stream',
    affects: 'streamed answers: models with the streams fact, /ai/v1 streams',
    appliesTo: streamsOnly,
    response: (response) => {
      const body = response.body;
      if (typeof body === 'string' || body instanceof Uint8Array) return response;
      const events = body.chunks.filter((c) => !isDoneChunk(c));
      return { ...response, body: { ...body, chunks: events.slice(0, Math.max(1, Math.floor(events.length / 2))) }, abort: true };
    },
  },
  {
    name: 'malformed-json',
    description: 'JSON answers are cut in half (not parseable)',
    area: 'transport',
    affects: 'every JSON answer',
    appliesTo: enveloped,
    response: (response) => {
      if (!isJsonResponse(response) || response.status !== 200) return response;
      const text = typeof response.body === 'string' ? response.body : response.body instanceof Uint8Array ? Buffer.from(response.body).toString('utf8') : undefined;
      if (text === undefined) return response;
      return { ...response, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
    },
  },
  {
    name: 'envelope-shape',
    description: 'success envelopes lack "success" and "messages"',
    area: 'envelope',
    affects: 'every enveloped /ai/run answer',
    appliesTo: enveloped,
    envelope: (envelope) => {
      const { success: _success, messages: _messages, ...rest } = envelope;
      return rest;
    },
  },
  {
    name: 'envelope-inconsistent',
    description: 'success envelopes carry a non-empty "errors" while success is true',
    area: 'envelope',
    affects: 'every enveloped /ai/run answer',
    appliesTo: enveloped,
    envelope: (envelope) => ({ ...envelope, success: true, errors: [{ code: 3043, message: 'Internal server error' }] }),
  },
  {
    name: 'score-out-of-range',
    description: 'a classification or detection score is 1.7',
    area: 'output',
    affects: 'text-classification, image-classification, object-detection',
    tasks: ['text-classification', 'image-classification', 'object-detection'],
    result: (result, info) => {
      const out = clone(result);
      const holder = findWithNumber(out, 'score');
      if (holder) {
        holder.score = 1.7;
        return out;
      }
      const item = { label: info.model.facts.labels?.[0] ?? 'LABEL_0', score: 1.7 };
      return Array.isArray(out) ? [item, ...out] : out;
    },
  },
  {
    name: 'embedding-shape-mismatch',
    description: 'text-embeddings "shape" disagrees with "data"',
    area: 'output',
    affects: 'text-embeddings',
    tasks: ['text-embeddings'],
    result: (result) => {
      if (!isObject(result)) return result;
      // The vectors: `data`, or bge-m3's `response` when it embeds contexts. Async answers (a request_id)
      // and rankings have no vectors for a shape to contradict.
      const matrix = Array.isArray(result.data) ? result.data : Array.isArray(result.response) && result.response.every(Array.isArray) ? result.response : undefined;
      if (!matrix) return result;
      const first = Array.isArray(matrix[0]) ? matrix[0].length : 0;
      return { ...clone(result), shape: [matrix.length + 1, first] };
    },
  },
  {
    name: 'missing-done',
    description: 'streams end without the data: [DONE] event',
    area: 'stream',
    affects: 'streamed answers: models with the streams fact, /ai/v1 streams',
    appliesTo: streamsOnly,
    response: (response) => {
      const body = response.body;
      if (typeof body === 'string' || body instanceof Uint8Array) return response;
      return { ...response, body: { ...body, chunks: body.chunks.filter((c) => !isDoneChunk(c)) } };
    },
  },
  {
    name: 'accept-invalid-input',
    description: 'input is not validated: invalid input is answered 200',
    area: 'validation',
    affects: 'every /ai/run model',
    skipValidation: true,
  },
  {
    name: 'accept-unenforced-input',
    description: 'only rules the real API is known to enforce are validated: input breaking a documented-only rule is answered 200',
    area: 'validation',
    affects: 'every /ai/run model',
    enforcedRulesOnly: true,
  },
  {
    name: 'wrong-content-type',
    description: 'JSON answers are served as text/plain',
    area: 'transport',
    affects: 'every JSON answer',
    appliesTo: enveloped,
    response: (response) =>
      isJsonResponse(response) ? { ...response, headers: { ...response.headers, 'content-type': 'text/plain; charset=utf-8' } } : response,
  },
  {
    name: 'no-auth',
    description: 'requests without credentials are accepted',
    area: 'auth',
    affects: 'every endpoint',
    skipAuth: true,
  },
  {
    name: 'max-tokens-ignored',
    description: 'text generation answers more tokens than max_tokens',
    area: 'output',
    affects: 'text-generation',
    tasks: ['text-generation'],
    result: (result, info) => {
      const out = clone(result);
      const extra = overrun(info);
      const text = textOf(out);
      if (text) text.set(text.get() + ' lorem'.repeat(extra));
      const usage = usageOf(out);
      if (usage) addCompletionTokens(usage, extra);
      else if (isObject(out)) out.usage = { prompt_tokens: 1, completion_tokens: extra, total_tokens: extra + 1 };
      return out;
    },
    events: (events, info) => {
      const out = clone(events);
      const extra = overrun(info);
      const at = out.findIndex((e) => 'done' in e || usageOf(e.data) !== undefined);
      const insertAt = at === -1 ? out.length : at;
      const template = out.find((e): e is { data: unknown } => 'data' in e && textOf(e.data) !== undefined);
      if (!template) return out;
      // One word per event up to 512 events, then several words per event.
      const perEvent = Math.ceil(extra / 512);
      const added: StreamEvent[] = [];
      for (let words = 0; words < extra; words += perEvent) {
        const event = clone(template);
        textOf(event.data)!.set(' lorem'.repeat(Math.min(perEvent, extra - words)));
        const usage = usageOf(event.data);
        if (usage && isObject(event.data)) delete event.data.usage;
        added.push(event);
      }
      out.splice(insertAt, 0, ...added);
      for (const e of out) {
        const usage = 'data' in e ? usageOf(e.data) : undefined;
        if (usage) addCompletionTokens(usage, extra);
      }
      return out;
    },
  },
  {
    name: 'usage-mismatch',
    description: 'usage.total_tokens is not prompt_tokens + completion_tokens',
    area: 'output',
    affects: 'text-generation',
    tasks: ['text-generation'],
    result: (result) => {
      const out = clone(result);
      const usage = usageOf(out);
      if (usage) breakTotal(usage);
      else if (isObject(out)) out.usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 15 };
      return out;
    },
    events: (events) => {
      const out = clone(events);
      let found = false;
      for (const e of out) {
        const usage = 'data' in e ? usageOf(e.data) : undefined;
        if (usage) {
          breakTotal(usage);
          found = true;
        }
      }
      if (!found) {
        const doneAt = out.findIndex((e) => 'done' in e);
        out.splice(doneAt === -1 ? out.length : doneAt, 0, { data: { response: '', usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 15 } } });
      }
      return out;
    },
  },
  {
    name: 'asr-words-unordered',
    description: 'speech recognition word timings go backwards',
    area: 'output',
    affects: 'automatic-speech-recognition',
    tasks: ['automatic-speech-recognition'],
    result: (result) => {
      const out = clone(result);
      const lists = arraysNamed(out, 'words').filter((words) => words.some((w) => isObject(w) && typeof w.start === 'number'));
      if (lists.length === 0) {
        if (isObject(out)) out.words = [{ word: 'world', start: 1, end: 1.5 }, { word: 'hello', start: 0, end: 0.5 }];
        return out;
      }
      for (const words of lists) {
        if (words.length >= 2) words.reverse();
        const first = words[0];
        // A single word (or equal timings): make its own interval go backwards.
        if (isObject(first) && typeof first.start === 'number') first.end = first.start - 0.25;
      }
      return out;
    },
  },
  {
    name: 'boxes-unordered',
    description: 'object-detection boxes have xmin > xmax and ymin > ymax',
    area: 'output',
    affects: 'object-detection',
    tasks: ['object-detection'],
    result: (result) => {
      const out = clone(result);
      const items = Array.isArray(out) ? out : [];
      let swapped = false;
      for (const item of items) {
        if (!isObject(item) || !isObject(item.box)) continue;
        const box = item.box;
        const [xmin, xmax, ymin, ymax] = [box.xmin, box.xmax, box.ymin, box.ymax].map(Number) as [number, number, number, number];
        box.xmin = Math.max(xmin, xmax) + 1;
        box.xmax = Math.min(xmin, xmax);
        box.ymin = Math.max(ymin, ymax) + 1;
        box.ymax = Math.min(ymin, ymax);
        swapped = true;
      }
      if (!swapped && Array.isArray(out)) out.push({ label: 'object', score: 0.5, box: { xmin: 10, ymin: 10, xmax: 2, ymax: 2 } });
      return out;
    },
  },
  {
    name: 'wrong-image-size',
    description: 'text-to-image answers are 64 px wider and taller than asked',
    area: 'output',
    affects: 'text-to-image',
    tasks: ['text-to-image'],
    binary: (bytes) => resizedImage(bytes) ?? bytes,
    result: (result) => {
      if (!isObject(result) || typeof result.image !== 'string') return result;
      const image = resizedImage(Buffer.from(result.image, 'base64'));
      return image ? { ...result, image: Buffer.from(image).toString('base64') } : result;
    },
  },
  {
    name: 'cache-always-miss',
    description: 'the AI Gateway cache never answers (cf-aig-cache-status is always MISS)',
    area: 'gateway',
    affects: 'AI Gateway caching',
    cacheAlwaysMiss: true,
  },
];

const BY_NAME = new Map(FAULTS.map((f) => [f.name, f]));

/** The fault with this name, or undefined. */
export function faultByName(name: string): Fault | undefined {
  return BY_NAME.get(name);
}

/** True when the fault changes the answers of this model (transport and auth faults affect every model). */
export function faultAppliesTo(fault: Fault, model: ModelEntry): boolean {
  if (fault.tasks && !fault.tasks.includes(model.task)) return false;
  return fault.appliesTo ? fault.appliesTo(model) : true;
}

/** An unknown fault name or a bad `NAME=VALUE`. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

/** A fault switched on, with its parameter. */
export interface ActiveFault {
  fault: Fault;
  param: number;
}

/**
 * The faults of one emulator, parsed from `NAME` / `NAME=VALUE` specs (also comma-separated), with the
 * per-server state some need (the request counter of `rate-limit`).
 */
export class ActiveFaults {
  readonly list: readonly ActiveFault[];
  readonly skipAuth: boolean;
  readonly skipValidation: boolean;
  readonly enforcedRulesOnly: boolean;
  readonly cacheAlwaysMiss: boolean;
  readonly delayMs: number;
  /** True when no fault rewrites answers (the fast path skips every hook). */
  readonly none: boolean;
  private inferenceCount = 0;
  private readonly intercepts: ActiveFault[];
  private readonly results: ActiveFault[];
  private readonly events: ActiveFault[];
  private readonly binaries: ActiveFault[];
  private readonly envelopes: ActiveFault[];
  private readonly responses: ActiveFault[];

  constructor(specs: readonly string[] = []) {
    const list: ActiveFault[] = [];
    for (const spec of specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
      const eq = spec.indexOf('=');
      const name = eq === -1 ? spec : spec.slice(0, eq);
      const fault = BY_NAME.get(name);
      if (!fault) throw new FaultSpecError(`unknown fault "${name}" (known: ${FAULTS.map((f) => f.name).join(', ')})`);
      let param = fault.param?.default ?? 0;
      if (eq !== -1) {
        if (!fault.param) throw new FaultSpecError(`fault "${name}" takes no value`);
        const text = spec.slice(eq + 1);
        param = Number(text);
        if (text === '' || !Number.isInteger(param) || param < 0) throw new FaultSpecError(`fault "${name}": ${fault.param.name} must be a non-negative integer, got "${text}"`);
      }
      const existing = list.findIndex((a) => a.fault === fault);
      if (existing !== -1) list.splice(existing, 1);
      list.push({ fault, param });
    }
    this.list = list;
    this.skipAuth = list.some((a) => a.fault.skipAuth);
    this.skipValidation = list.some((a) => a.fault.skipValidation);
    this.enforcedRulesOnly = list.some((a) => a.fault.enforcedRulesOnly);
    this.cacheAlwaysMiss = list.some((a) => a.fault.cacheAlwaysMiss);
    this.delayMs = list.reduce((sum, a) => sum + (a.fault.delayMs?.(a.param) ?? 0), 0);
    this.intercepts = list.filter((a) => a.fault.intercept);
    this.results = list.filter((a) => a.fault.result);
    this.events = list.filter((a) => a.fault.events);
    this.binaries = list.filter((a) => a.fault.binary);
    this.envelopes = list.filter((a) => a.fault.envelope);
    this.responses = list.filter((a) => a.fault.response);
    this.none = list.length === 0;
  }

  /** An answer that replaces inference (rate limit, server error), counting the request. */
  intercept(): ServedResponse | undefined {
    if (this.intercepts.length === 0) return undefined;
    const count = this.inferenceCount++;
    for (const { fault, param } of this.intercepts) {
      const response = fault.intercept!(count, param);
      if (response) return response;
    }
    return undefined;
  }

  rewriteResult(result: unknown, info: FaultInfo): unknown {
    for (const { fault, param } of this.results) if (faultAppliesTo(fault, info.model)) result = fault.result!(result, info, param);
    return result;
  }

  rewriteEvents(events: StreamEvent[], info: FaultInfo): StreamEvent[] {
    for (const { fault, param } of this.events) if (faultAppliesTo(fault, info.model)) events = fault.events!(events, info, param);
    return events;
  }

  rewriteBinary(bytes: Uint8Array, info: FaultInfo): Uint8Array {
    for (const { fault, param } of this.binaries) if (faultAppliesTo(fault, info.model)) bytes = fault.binary!(bytes, info, param);
    return bytes;
  }

  /** True when some fault rewrites the envelope of this model's answers. */
  rewritesEnvelope(model: ModelEntry): boolean {
    return this.envelopes.some((a) => faultAppliesTo(a.fault, model));
  }

  rewriteEnvelope(envelope: Record<string, unknown>, model: ModelEntry): Record<string, unknown> {
    for (const { fault } of this.envelopes) if (faultAppliesTo(fault, model)) envelope = fault.envelope!(envelope);
    return envelope;
  }

  /** Rewrites a finished answer; `model` is undefined for /ai/v1 answers (every response fault applies). */
  rewriteResponse(response: ServedResponse, model?: ModelEntry): ServedResponse {
    for (const { fault } of this.responses) if (!model || faultAppliesTo(fault, model)) response = fault.response!(response);
    return response;
  }
}
