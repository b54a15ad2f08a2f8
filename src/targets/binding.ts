/**
 * @module Binding-shaped targets: anything with the binding's `run(model, inputs, options)` (a hand-written mock, a
 * class, `createAi()`, or the real binding inside workerd through `--target miniflare`) judged in-process. Each call is
 * recorded as an exchange the checks read: a returned object as the `result` of a v4 envelope, a ReadableStream's
 * bytes as they arrive (server-sent events parsed incrementally), a throw as `binding.thrown`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Contract } from '../contract/contract.js';
import { loadContract } from '../contract/load.js';
import { rawInputShape } from '../emulator/run-model.js';
import { sniffMediaType } from '../media/sniff.js';
import { Budget } from './budget.js';
import { ConfigurationError } from './errors.js';
import { recordBody } from './redact.js';
import { EventStreamRecorder } from './sse.js';
import type { BindingOutcome, Exchange, RecordedResponse, RequestSpec, Target } from './types.js';

/** What a binding-shaped target drives: the binding's `run`. */
export interface BindingLike {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

/** Options of a binding-shaped target. */
export interface BindingTargetOptions {
  kind: 'binding' | 'miniflare';
  /** Shown in reports: the module and export, or the backend URL. */
  baseUrl: string;
  binding: BindingLike;
  budget?: Budget;
  /** Per call, in ms (a stream counts as one call). Default 30 s. */
  timeoutMs?: number;
  contract?: Contract;
  onClose?: () => Promise<void>;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class TimeoutError extends Error {}

/** The inputs a request spec stands for, as binding code passes them (a raw body becomes a stream input, or bytes). */
function inputsOf(spec: RequestSpec, contract: Contract, model: string): Obj {
  const body = spec.body;
  if (!body) return {};
  if ('json' in body) return isObject(body.json) ? body.json : { value: body.json };
  const entry = contract.model(model);
  const { key, wrapped } = entry ? rawInputShape(entry, body.contentType) : { key: 'audio', wrapped: true };
  const bytes = body.raw;
  return { [key]: wrapped ? { body: new Blob([bytes]).stream(), contentType: body.contentType } : Array.from(bytes) };
}

/** The `input` of a partner request's body `{model, input}`. */
function partnerInputs(spec: RequestSpec): Obj {
  const json = spec.body && 'json' in spec.body ? spec.body.json : undefined;
  return isObject(json) && isObject(json.input) ? json.input : {};
}

/** Every byte of a stream, with server-sent events recorded as they arrive when asked. */
async function drain(stream: ReadableStream<Uint8Array>, started: number, recorder?: EventStreamRecorder): Promise<{ bytes: Uint8Array; firstByteMs: number }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let firstByteMs = -1;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
    const at = performance.now() - started;
    if (firstByteMs < 0) firstByteMs = at;
    recorder?.push(chunk, at);
    chunks.push(chunk);
    size += chunk.length;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, firstByteMs: Math.max(firstByteMs, 0) };
}

/** Runs `work` within `ms`. */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A JSON answer as the checks read /ai/run answers: the value as the envelope's `result`. */
function valueResponse(value: unknown, started: number, bare = false): RecordedResponse {
  // A partner model's value is its whole answer ({state, result, gatewayMetadata}), judged as it is (partner.answer).
  const text = bare ? (JSON.stringify(value) ?? 'null') : `{"result":${JSON.stringify(value) ?? 'null'},"success":true,"errors":[],"messages":[]}`;
  const bytes = new TextEncoder().encode(text);
  const ms = performance.now() - started;
  return { status: 200, headers: { 'content-type': 'application/json' }, bytes, body: recordBody(bytes, 'application/json'), timing: { firstByteMs: ms, totalMs: ms } };
}

/** A target that calls a binding-shaped object's `run` in-process. */
export class BindingTarget implements Target {
  readonly kind: 'binding' | 'miniflare';
  readonly baseUrl: string;
  readonly budget: Budget;
  #sent = 0;
  readonly #binding: BindingLike;
  readonly #timeoutMs: number;
  readonly #contract: Contract;
  readonly #onClose: () => Promise<void>;

  constructor(options: BindingTargetOptions) {
    this.kind = options.kind;
    this.baseUrl = options.baseUrl;
    this.budget = options.budget ?? new Budget();
    this.#binding = options.binding;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#contract = options.contract ?? loadContract();
    this.#onClose = options.onClose ?? (async () => {});
  }

  get requestsSent(): number {
    return this.#sent;
  }

  close(): Promise<void> {
    return this.#onClose();
  }

  async send(spec: RequestSpec): Promise<Exchange> {
    const op = spec.operation;
    const model = op.kind === 'run' || op.kind === 'partner' ? op.model : '';
    const requestBytes = spec.body && 'json' in spec.body ? new TextEncoder().encode(JSON.stringify(spec.body.json)) : (spec.body?.raw ?? new Uint8Array());
    const contentType = spec.body && 'raw' in spec.body ? spec.body.contentType : 'application/json';
    const request = { method: 'POST', url: `env.AI.run(${JSON.stringify(model)})`, headers: { 'content-type': contentType }, body: recordBody(requestBytes, contentType) };
    const exchange: Exchange = { spec, request, attempts: 0 };
    if (op.kind !== 'run' && op.kind !== 'partner') {
      exchange.error = { kind: 'aborted', message: `a binding-shaped target only runs models; ${op.kind} requests are HTTP-only` };
      return exchange;
    }
    if (!this.budget.tryTake()) {
      exchange.error = { kind: 'budget', message: 'the request budget (--max-requests) is spent' };
      return exchange;
    }
    this.#sent++;
    exchange.attempts = 1;
    // A partner model is run with its `input` (env.AI.run("author/model", input)), not the REST body {model, input}.
    const inputs = op.kind === 'partner' ? partnerInputs(spec) : inputsOf(spec, this.#contract, model);
    const streamed = inputs.stream === true;
    const started = performance.now();
    const outcome: BindingOutcome = {};
    try {
      const value = await withTimeout(
        (async () => {
          const returned = await this.#binding.run(model, inputs, {});
          if (returned instanceof ReadableStream) {
            const recorder = streamed ? new EventStreamRecorder() : undefined;
            return { kind: 'stream' as const, ...(await drain(returned as ReadableStream<Uint8Array>, started, recorder)), recorder };
          }
          return { kind: 'value' as const, returned };
        })(),
        this.#timeoutMs,
      );
      const totalMs = performance.now() - started;
      if (value.kind === 'stream') {
        outcome.returned = 'stream';
        // The binding hands over a stream when the answer is not exactly application/json: SSE when asked, else bytes.
        const type = streamed ? 'text/event-stream' : (sniffMediaType(value.bytes) ?? 'application/octet-stream');
        const response: RecordedResponse = { status: 200, headers: { 'content-type': type }, bytes: value.bytes, body: recordBody(value.bytes, type), timing: { firstByteMs: value.firstByteMs, totalMs } };
        if (value.recorder) {
          response.events = value.recorder.events;
          response.trailingBytes = value.recorder.trailingBytes;
        }
        exchange.response = response;
      } else if (value.returned instanceof Uint8Array || value.returned instanceof ArrayBuffer) {
        outcome.returned = 'bytes';
        const bytes = value.returned instanceof Uint8Array ? value.returned : new Uint8Array(value.returned);
        const type = sniffMediaType(bytes) ?? 'application/octet-stream';
        exchange.response = { status: 200, headers: { 'content-type': type }, bytes, body: recordBody(bytes, type), timing: { firstByteMs: totalMs, totalMs } };
      } else if (typeof Response !== 'undefined' && value.returned instanceof Response) {
        outcome.returned = 'response';
        exchange.response = valueResponse(`a Response object (status ${value.returned.status})`, started);
      } else {
        outcome.returned = 'value';
        exchange.response = valueResponse(value.returned, started, op.kind === 'partner');
      }
    } catch (error) {
      if (error instanceof TimeoutError) {
        exchange.error = { kind: 'timeout', message: `env.AI.run(${JSON.stringify(model)}): ${error.message}` };
        return exchange;
      }
      const name = typeof (error as Error)?.name === 'string' ? (error as Error).name : typeof error;
      const message = typeof (error as Error)?.message === 'string' ? (error as Error).message : String(error);
      outcome.thrown = { name, message };
    }
    exchange.binding = outcome;
    return exchange;
  }
}

/** `PATH#export`: a module and the export that is (or makes) the binding. */
export function parseBindingModule(spec: string): { path: string; exportName: string } {
  const hash = spec.lastIndexOf('#');
  const path = hash > 0 ? spec.slice(0, hash) : spec;
  const exportName = hash > 0 ? spec.slice(hash + 1) : 'default';
  if (!path.trim()) throw new ConfigurationError('--binding-module needs a module path, e.g. ./test/ai-mock.js or ./test/ai-mock.js#ai');
  if (!exportName) throw new ConfigurationError(`--binding-module "${spec}": the export name after # is empty`);
  return { path, exportName };
}

/**
 * Loads the binding from `PATH[#export]` (default export `default`): an object with `run`, a class whose instances
 * have `run` (constructed without arguments), or a function that returns (a promise of) such an object.
 */
export async function loadBindingModule(spec: string, cwd = process.cwd()): Promise<{ binding: BindingLike; close?: () => Promise<void> }> {
  const { path, exportName } = parseBindingModule(spec);
  const file = resolve(cwd, path);
  let module: Obj;
  try {
    module = (await import(pathToFileURL(file).href)) as Obj;
  } catch (error) {
    throw new ConfigurationError(`--binding-module: cannot import ${file}: ${(error as Error).message}`);
  }
  if (!(exportName in module)) {
    throw new ConfigurationError(`--binding-module: ${file} has no export "${exportName}" (it exports ${Object.keys(module).join(', ') || 'nothing'})`);
  }
  let value: unknown = module[exportName];
  if (typeof value === 'function') {
    const fn = value as (new () => unknown) & (() => unknown);
    value = typeof fn.prototype?.run === 'function' ? new fn() : await fn();
  }
  if (!value || typeof (value as BindingLike).run !== 'function') {
    throw new ConfigurationError(`--binding-module: the export "${exportName}" of ${file} is not a binding: expected an object with run(model, inputs, options), a class with run, or a function returning one`);
  }
  const binding = value as BindingLike & { close?: () => Promise<void> };
  return { binding, ...(typeof binding.close === 'function' ? { close: () => binding.close!() } : {}) };
}

/** What `createBindingTarget` takes: the run's target flags. */
export interface CreateBindingTargetOptions {
  kind: 'binding' | 'miniflare';
  /** `--binding-module PATH[#export]` (binding). */
  bindingModule?: string;
  /** `--base-url` (miniflare): the backend the real binding class calls; default the embedded emulator. */
  baseUrl?: string;
  /** miniflare: a driver already running (started by the run's global setup), instead of starting one here. */
  driver?: { url: string; baseUrl: string };
  timeoutMs?: number;
  maxRequests?: number;
  budget?: Budget;
  contract?: Contract;
}

/** Creates a `binding` or `miniflare` target; every option is checked first (ConfigurationError). */
export async function createBindingTarget(options: CreateBindingTargetOptions): Promise<BindingTarget> {
  const budget = options.budget ?? new Budget(options.maxRequests ?? Infinity);
  const common = { budget, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.contract ? { contract: options.contract } : {}) };
  if (options.kind === 'binding') {
    if (options.baseUrl !== undefined) throw new ConfigurationError('--base-url does not apply to --target binding (the module is the target); --target miniflare takes it');
    if (!options.bindingModule) throw new ConfigurationError('--target binding needs --binding-module PATH[#export], a module whose export has the binding\'s run()');
    const { binding, close } = await loadBindingModule(options.bindingModule);
    return new BindingTarget({ ...common, kind: 'binding', baseUrl: `binding:${options.bindingModule}`, binding, ...(close ? { onClose: close } : {}) });
  }
  if (options.bindingModule !== undefined) throw new ConfigurationError('--binding-module applies only to --target binding');
  const { driverBinding, startMiniflareBinding } = await import('./miniflare.js');
  if (options.driver) return new BindingTarget({ ...common, kind: 'miniflare', baseUrl: options.driver.baseUrl, binding: driverBinding(options.driver.url) });
  const driver = await startMiniflareBinding(options.baseUrl);
  return new BindingTarget({ ...common, kind: 'miniflare', baseUrl: driver.baseUrl, binding: driverBinding(driver.url), onClose: () => driver.close() });
}
