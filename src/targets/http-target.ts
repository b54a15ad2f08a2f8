/** @module The one HTTP target: undici with keep-alive, budget, concurrency, timeouts, size cap, retries, redaction. */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher, Pool } from 'undici';
import { Budget } from './budget.js';
import type { CloudflareAuth } from './credentials.js';
import { buildUrl, supportsOperation, type Layout, type PathStyle } from './layout.js';
import { Limiter } from './limiter.js';
import { DEFAULT_RECORD_LIMIT, Redactor, mediaType, recordBody, recordJsonBody } from './redact.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, retryDelay, type RetryPolicy } from './retry.js';
import { EventStreamRecorder } from './sse.js';
import type {
  Exchange,
  Operation,
  RecordedRequest,
  RecordedResponse,
  RequestSpec,
  Target,
  TargetKind,
  TransportError,
} from './types.js';

/**
 * undici's Pool, from its own file: the package's index loads all of undici (fetch, WebSocket, the mock agent, caches),
 * ~100 ms of every run's start, where the Pool alone is ~27 ms. undici has no exports map, so the file is public; a test
 * (test/unit/targets/undici-pool.test.ts) checks that it is the Pool undici exports.
 */
export const UndiciPool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof Pool;

/** Default per-request timeout: 60 s, headers and the whole body or stream included. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default response size cap: 16 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Default requests in flight. */
export const DEFAULT_CONCURRENCY = 4;

/** How to build an HttpTarget. Everything but `kind` and `layout` has a default. */
export interface HttpTargetOptions {
  kind: TargetKind;
  layout: Layout;
  /** API root shown in reports; defaults to the layout's root. Never holds credentials. */
  baseUrl?: string;
  /** How model ids go into paths (default `raw`). */
  pathStyle?: PathStyle;
  /** Per request (one attempt), covering headers and the whole body or stream. */
  timeoutMs?: number;
  /** A response longer than this ends the exchange with error kind `too-large`. */
  maxResponseBytes?: number;
  /** Most bytes of a text body kept in a record. */
  recordLimit?: number;
  /** Requests in flight, and the pool's connection count. */
  concurrency?: number;
  /** A budget shared with other senders; default: a budget of `maxRequests`. */
  budget?: Budget;
  /** Used when `budget` is not given (default: no limit). */
  maxRequests?: number;
  retry?: Partial<RetryPolicy>;
  /** Sent for `auth: 'default'`. */
  auth?: CloudflareAuth;
  /** Sent as `cf-aig-authorization` (except for `auth: 'none'`). */
  gatewayToken?: string;
  /** More strings to keep out of records, besides those in `auth` and `gatewayToken`. */
  secrets?: string[];
  userAgent?: string;
  /** Runs after the pool has closed, e.g. to stop an in-process emulator. */
  onClose?: () => Promise<void>;
}

/** What one attempt produced. */
interface AttemptResult {
  response?: RecordedResponse;
  error?: TransportError;
}

/** Everything `send` works out once per logical request. */
interface PreparedRequest {
  url: string;
  path: string;
  method: RequestSpec['method'];
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  /** The JSON body's text, when the body is JSON. */
  json?: string;
  record: RecordedRequest;
}

const UTF8 = new TextEncoder();

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks, size));
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A Target over HTTP. Never throws for HTTP or network failures: they come back as an Exchange
 * with `error`. It throws only for a request its layout cannot express (see `supports`).
 */
export class HttpTarget implements Target {
  readonly kind: TargetKind;
  readonly baseUrl: string;
  readonly pathStyle: PathStyle;
  readonly timeoutMs: number;
  readonly budget: Budget;
  readonly #layout: Layout;
  readonly #pool: Pool;
  readonly #limiter: Limiter;
  readonly #redactor: Redactor;
  readonly #retry: RetryPolicy;
  readonly #maxResponseBytes: number;
  readonly #recordLimit: number;
  readonly #options: HttpTargetOptions;
  #sent = 0;
  #closing: Promise<void> | undefined;

  constructor(options: HttpTargetOptions) {
    this.#options = options;
    this.kind = options.kind;
    this.#layout = options.layout;
    this.baseUrl = options.baseUrl ?? options.layout.root;
    this.pathStyle = options.pathStyle ?? 'raw';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#recordLimit = options.recordLimit ?? DEFAULT_RECORD_LIMIT;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.budget = options.budget ?? new Budget(options.maxRequests ?? Infinity);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#limiter = new Limiter(concurrency);
    const secrets = [...(options.secrets ?? [])];
    if (options.auth?.kind === 'token') secrets.push(options.auth.token);
    if (options.auth?.kind === 'key') secrets.push(options.auth.key, options.auth.email);
    if (options.gatewayToken) secrets.push(options.gatewayToken);
    this.#redactor = new Redactor(secrets);
    // One origin per target, so a Pool; `connections` matches the limiter so a held slot
    // always has a socket, and keep-alive reuses them across requests.
    this.#pool = new UndiciPool(new URL(options.layout.root).origin, {
      connections: concurrency,
      keepAliveTimeout: 10_000,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  /** Requests sent so far, retries included. */
  get requestsSent(): number {
    return this.#sent;
  }

  /** What keeps this target's credentials out of records (cassettes redact response bodies with it, as reports do). */
  get redactor(): Redactor {
    return this.#redactor;
  }

  /** Whether this target's layout serves an operation (the AI Gateway has no catalogue). */
  supports(operation: Operation): boolean {
    return supportsOperation(this.#layout, operation);
  }

  /** The URL an operation goes to (unredacted: for planning and tests, not for records). */
  urlFor(operation: Operation, query?: Record<string, string>): string {
    return buildUrl(this.#layout, operation, this.pathStyle, query);
  }

  /**
   * Sends one logical request: waits for a slot, takes from the budget before every attempt,
   * retries 429 and 503 per the retry policy. Resolves with the exchange of the last attempt.
   */
  async send(spec: RequestSpec, options: { signal?: AbortSignal } = {}): Promise<Exchange> {
    const prepared = this.#prepare(spec);
    const { signal } = options;
    let attempts = 0;
    let startedAt: string | undefined;
    let last: AttemptResult = {};
    const done = (extra: AttemptResult = {}): Exchange => {
      // The caller's spec is recorded too; a copy only if it carries a credential.
      const exchange: Exchange = { spec: this.#recordedSpec(spec, prepared.json), request: prepared.record, attempts, ...(startedAt ? { startedAt } : {}) };
      const response = extra.response ?? last.response;
      const error = extra.error ?? last.error;
      if (response) exchange.response = response;
      if (error) exchange.error = error;
      return exchange;
    };
    const aborted = (): TransportError => ({ kind: 'aborted', message: 'the run was aborted before the exchange completed' });
    const outOfBudget = (): TransportError => ({
      kind: 'budget',
      message: `request budget of ${this.budget.limit} exhausted; nothing was sent`,
    });

    for (;;) {
      if (signal?.aborted) return done({ error: aborted() });
      // A retry the budget cannot pay for keeps the last answer (a real 429/503), without error.
      if (this.budget.exhausted) return attempts === 0 ? done({ error: outOfBudget() }) : done();
      let release: () => void;
      try {
        release = await this.#limiter.acquire(signal);
      } catch {
        return done({ error: aborted() });
      }
      try {
        // Taken after the slot, so the budget counts requests that really go out.
        if (!this.budget.tryTake()) return attempts === 0 ? done({ error: outOfBudget() }) : done();
        attempts += 1;
        this.#sent += 1;
        startedAt = new Date().toISOString();
        last = await this.#attempt(prepared, signal);
      } finally {
        release();
      }
      const { response, error } = last;
      if (error || !response || !isRetryableStatus(response.status)) return done();
      const delay = retryDelay(attempts, response.headers['retry-after'], this.#retry);
      if (delay === undefined || this.budget.exhausted) return done();
      try {
        await sleep(delay, undefined, signal ? { signal } : undefined);
      } catch {
        return done({ error: aborted() });
      }
    }
  }

  /** Closes the connection pool (after requests in flight) and then whatever `onClose` stops. */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#pool.close();
      } finally {
        await this.#options.onClose?.();
      }
    })();
    return this.#closing;
  }

  /**
   * The spec as recorded: the caller's own object unless it carries a credential. A JSON body whose text
   * (written once, to send it) holds no secret is not walked again.
   */
  #recordedSpec(spec: RequestSpec, json: string | undefined): RequestSpec {
    if (json === undefined || !spec.body || !('json' in spec.body) || !this.#redactor.absentFromJson(json)) return this.#redactor.value(spec);
    const { body, ...rest } = spec;
    const redacted = this.#redactor.value(rest);
    return redacted === rest ? spec : { ...redacted, body };
  }

  /** URL, headers and body bytes of a logical request, and its redacted record. */
  #prepare(spec: RequestSpec): PreparedRequest {
    const url = buildUrl(this.#layout, spec.operation, this.pathStyle, spec.query);
    const origin = ORIGIN.exec(url)?.[0] ?? '';
    // Sliced rather than parsed with URL, which could normalise the path we mean to test.
    const path = url.slice(origin.length) || '/';
    const headers: Record<string, string> = {};
    if (this.#options.userAgent !== '') headers['user-agent'] = this.#options.userAgent ?? 'workers-ai-conformance';
    let body: Uint8Array | undefined;
    let json: string | undefined;
    let contentType: string | undefined;
    if (spec.body && 'json' in spec.body) {
      json = JSON.stringify(spec.body.json) ?? '';
      body = UTF8.encode(json);
      contentType = 'application/json';
    } else if (spec.body) {
      body = spec.body.raw;
      contentType = spec.body.contentType;
    }
    if (contentType) headers['content-type'] = contentType;
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
    Object.assign(headers, this.#authHeaders(spec.auth ?? 'default'));
    const record: RecordedRequest = {
      method: spec.method,
      url: this.#redactor.text(url),
      headers: this.#redactor.headers(headers),
      body: !body
        ? { kind: 'none' }
        : json !== undefined && headers['content-type'] === 'application/json' && this.#redactor.absentFrom(json)
          ? recordJsonBody(json, body, this.#recordLimit)
          : recordBody(this.#redactor.bytes(body), headers['content-type'], this.#recordLimit),
    };
    return { url, path, method: spec.method, headers, body, ...(json !== undefined ? { json } : {}), record };
  }

  #authHeaders(mode: 'default' | 'none' | 'invalid'): Record<string, string> {
    if (mode === 'none') return {};
    const headers: Record<string, string> = {};
    // The gateway token stays for `invalid`, so what is tested is the Workers AI credential.
    if (this.#options.gatewayToken) headers['cf-aig-authorization'] = `Bearer ${this.#options.gatewayToken}`;
    const auth = this.#options.auth;
    if (mode === 'invalid') {
      headers.authorization = `Bearer invalid-${randomBytes(16).toString('hex')}`;
    } else if (auth?.kind === 'token') {
      headers.authorization = `Bearer ${auth.token}`;
    } else if (auth?.kind === 'key') {
      headers['x-auth-email'] = auth.email;
      headers['x-auth-key'] = auth.key;
    }
    return headers;
  }

  /**
   * One HTTP round trip: status, headers, the body read under the size cap and the clock. Dispatched to the pool
   * with a handler that takes the body chunk by chunk (no response stream, promise per chunk or AbortController).
   */
  #attempt(request: PreparedRequest, outer: AbortSignal | undefined): Promise<AttemptResult> {
    return new Promise((resolve) => {
      const attempt = new Attempt(this.timeoutMs, this.#maxResponseBytes, outer, (head, chunks, size, stream, error, start) => {
        const result: AttemptResult = {};
        if (error) result.error = this.#classify(error);
        if (head) result.response = this.#recordResponse(head, concat(chunks, size), stream, performance.now() - start);
        resolve(result);
      });
      this.#pool.dispatch(
        { path: request.path, method: request.method, headers: request.headers, body: request.body ?? null, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs },
        attempt,
      );
    });
  }

  #recordResponse(
    head: { status: number; headers: Record<string, string>; firstByteMs: number },
    received: Uint8Array,
    stream: EventStreamRecorder | undefined,
    totalMs: number,
  ): RecordedResponse {
    // The checks judge the server's own bytes (they never reach a report); what is recorded for
    // reports (body, headers, events) has every credential removed.
    const response: RecordedResponse = {
      status: head.status,
      headers: this.#redactor.headers(head.headers),
      bytes: received,
      body: recordBody(this.#redactor.bytes(received), head.headers['content-type'], this.#recordLimit),
      timing: { firstByteMs: head.firstByteMs, totalMs: round(totalMs) },
    };
    if (stream) {
      response.events = stream.events.map((event) => ({ ...event, data: this.#redactor.text(event.data) }));
      response.trailingBytes = stream.trailingBytes;
    }
    return response;
  }

  /** Which TransportError an attempt's failure means: our clock, the caller's abort, the size cap, undici's timers, or the network. */
  #classify(failure: AttemptFailure): TransportError {
    if (failure.kind === 'timeout') return { kind: 'timeout', message: `no complete response within ${this.timeoutMs} ms` };
    if (failure.kind === 'aborted') return { kind: 'aborted', message: 'the run was aborted before the exchange completed' };
    if (failure.kind === 'too-large') return { kind: 'too-large', message: `response exceeds the ${this.#maxResponseBytes}-byte cap (${failure.detail})` };
    const caught = failure.error;
    const code = errorCode(caught);
    const message = this.#redactor.text(caught instanceof Error ? caught.message : String(caught));
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
      return { kind: 'timeout', message: `${code}: ${message}` };
    }
    const cause = (caught as { cause?: unknown } | null)?.cause;
    const causeCode = errorCode(cause);
    return { kind: 'network', message: [code ?? causeCode, message].filter(Boolean).join(': ') };
  }
}

/** Why an attempt ended without a complete response. */
type AttemptFailure = { kind: 'timeout' } | { kind: 'aborted' } | { kind: 'too-large'; detail: string } | { kind: 'error'; error: unknown };

/** What an attempt hands back once it has ended, whichever way. */
type AttemptDone = (
  head: ResponseHead | undefined,
  chunks: Uint8Array[],
  size: number,
  stream: EventStreamRecorder | undefined,
  failure: AttemptFailure | undefined,
  start: number,
) => void;

/** Status, headers and time to the first byte of a response. */
interface ResponseHead {
  status: number;
  headers: Record<string, string>;
  firstByteMs: number;
}

/**
 * One attempt as undici's dispatch handler: it keeps the body's chunks under the size cap, feeds an event stream's
 * recorder as bytes arrive, and ends once (complete, failed, timed out or aborted), clearing its clock.
 */
class Attempt implements Dispatcher.DispatchHandler {
  readonly #start = performance.now();
  readonly #maxResponseBytes: number;
  readonly #outer: AbortSignal | undefined;
  readonly #done: AttemptDone;
  readonly #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  /** Set when the attempt is to end early (our clock or the caller's abort) before undici gave a controller. */
  #pending: AttemptFailure | undefined;
  #head: ResponseHead | undefined;
  readonly #chunks: Uint8Array[] = [];
  #size = 0;
  #stream: EventStreamRecorder | undefined;
  #ended = false;

  constructor(timeoutMs: number, maxResponseBytes: number, outer: AbortSignal | undefined, done: AttemptDone) {
    this.#maxResponseBytes = maxResponseBytes;
    this.#outer = outer;
    this.#done = done;
    this.#timer = setTimeout(Attempt.#onTimeout, timeoutMs, this);
    if (outer?.aborted) this.#stop({ kind: 'aborted' });
    else if (outer) outer.addEventListener('abort', (this.#onOuterAbort = () => this.#stop({ kind: 'aborted' })), { once: true });
  }

  static #onTimeout(attempt: Attempt): void {
    attempt.#stop({ kind: 'timeout' });
  }

  /** Listens to the caller's signal, when there is one. */
  #onOuterAbort: (() => void) | undefined;

  /** Ends the attempt early, keeping what arrived so far, and aborts the request (its socket is not reused). */
  #stop(failure: AttemptFailure): void {
    if (this.#ended) return;
    if (!this.#controller) {
      this.#pending ??= failure;
      return;
    }
    this.#end(failure);
    this.#controller.abort(new Error(failure.kind));
  }

  #end(failure: AttemptFailure | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    if (this.#onOuterAbort) this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    this.#done(this.#head, this.#chunks, this.#size, this.#stream, failure, this.#start);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#pending) this.#stop(this.#pending);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200 || this.#ended) return; // informational answers come before the real one
    this.#head = { status: statusCode, headers: flattenHeaders(headers), firstByteMs: round(performance.now() - this.#start) };
    const declared = Number(this.#head.headers['content-length']);
    if (declared > this.#maxResponseBytes) return this.#stop({ kind: 'too-large', detail: `content-length ${declared}` });
    if (mediaType(this.#head.headers['content-type']) === 'text/event-stream') this.#stream = new EventStreamRecorder();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#ended) return;
    const room = this.#maxResponseBytes - this.#size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length > 0) {
      this.#chunks.push(kept);
      this.#size += kept.length;
      this.#stream?.push(kept, round(performance.now() - this.#start));
    }
    if (chunk.length > room) this.#stop({ kind: 'too-large', detail: `more than ${this.#maxResponseBytes} bytes received` });
  }

  onResponseEnd(): void {
    this.#end(undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // A clock or abort that fired before undici handed over the request still says why it ended.
    this.#end(this.#pending ?? { kind: 'error', error });
  }
}

/** The transport settings every kind of target takes (the CLI's `--timeout`, `--concurrency`, ...). */
export type TransportOptions = Pick<
  HttpTargetOptions,
  'pathStyle' | 'timeoutMs' | 'maxResponseBytes' | 'recordLimit' | 'concurrency' | 'budget' | 'maxRequests' | 'retry' | 'userAgent'
>;
