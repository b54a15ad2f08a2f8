/**
 * @module The emulated AI Gateway: its in-memory response cache (`cf-aig-cache-ttl`, `cf-aig-skip-cache`,
 * `cf-aig-cache-key`, with their older names `cf-cache-ttl` / `cf-skip-cache`) and its response headers
 * (`cf-aig-cache-status`, `cf-aig-log-id`, `cf-aig-event-id`).
 *
 * Like a new gateway, caching is off unless asked for: a request is cached when it sends
 * `cf-aig-cache-ttl` (seconds, clamped to the documented 60 s … one month), or a `cf-aig-cache-key`
 * (5 minutes by default, as documented), or when the emulator is started with a gateway-wide TTL.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServedResponse } from './faults.js';
import type { EmulatorApp } from './server.js';

export const MIN_CACHE_TTL_SECONDS = 60;
export const MAX_CACHE_TTL_SECONDS = 30 * 24 * 3600;
/** TTL of a request with a custom cache key when neither the request nor the gateway sets one. */
export const CACHE_KEY_DEFAULT_TTL_SECONDS = 300;

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** What a request asks of the cache. */
export interface CachePolicy {
  /** Seconds to keep the answer; 0 = do not cache. */
  ttlSeconds: number;
  /** Bypass the cache (neither read nor write). */
  skip: boolean;
  /** The custom key, when sent. */
  customKey?: string;
}

/** Reads the caching headers of a gateway request. `gatewayTtlSeconds` is the gateway-wide setting (0 = off). */
export function cachePolicy(headers: Headers, gatewayTtlSeconds = 0): CachePolicy {
  const skipValue = (header(headers, 'cf-aig-skip-cache') ?? header(headers, 'cf-skip-cache'))?.trim().toLowerCase();
  const skip = skipValue === 'true' || skipValue === '1';
  const customKey = header(headers, 'cf-aig-cache-key') || undefined;
  const ttlText = header(headers, 'cf-aig-cache-ttl') ?? header(headers, 'cf-cache-ttl');
  let ttlSeconds = gatewayTtlSeconds;
  const asked = ttlText === undefined ? NaN : Number(ttlText.trim());
  const explicit = ttlText !== undefined && ttlText.trim() !== '' && Number.isFinite(asked);
  if (explicit) {
    // 0 (or less) turns caching off for the request; other values are clamped to the documented range.
    ttlSeconds = asked <= 0 ? 0 : Math.min(MAX_CACHE_TTL_SECONDS, Math.max(MIN_CACHE_TTL_SECONDS, Math.floor(asked)));
  } else if (customKey !== undefined && ttlSeconds <= 0) {
    ttlSeconds = CACHE_KEY_DEFAULT_TTL_SECONDS;
  }
  const policy: CachePolicy = { ttlSeconds, skip };
  if (customKey !== undefined) policy.customKey = customKey;
  return policy;
}

/** The cache key of a request: per gateway, the custom key, or the endpoint (model) and the body bytes. */
export function cacheKey(accountId: string, gatewayId: string, target: string, body: Uint8Array, customKey?: string): string {
  if (customKey !== undefined) return `${accountId}/${gatewayId}\u0000key\u0000${customKey}`;
  const digest = createHash('sha256').update(body).digest('base64');
  return `${accountId}/${gatewayId}\u0000${target}\u0000${digest}`;
}

interface Entry {
  response: ServedResponse;
  expiresAt: number;
  bytes: number;
}

/** Bytes an answer's body holds (a string counted by its UTF-16 length: an upper bound's worth of accuracy). */
function bodyBytes(response: ServedResponse): number {
  const body = response.body;
  if (typeof body === 'string') return body.length;
  if (body instanceof Uint8Array) return body.byteLength;
  let total = 0;
  for (const chunk of body.chunks) total += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
  return total;
}

/** Total bytes of answers the cache holds (chosen; AI Gateway documents no figure the emulator could copy). */
export const GATEWAY_CACHE_BYTES = 64 * 1024 * 1024;

/** An in-memory TTL cache of answers, bounded in entries and bytes (oldest entries go first). */
export class GatewayCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
    private readonly maxBytes = GATEWAY_CACHE_BYTES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): ServedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key);
      return undefined;
    }
    return entry.response;
  }

  set(key: string, response: ServedResponse, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    const bytes = bodyBytes(response);
    this.remove(key);
    if (bytes > this.maxBytes) return; // larger than the whole cache: served, never kept
    this.entries.set(key, { response, expiresAt: this.now() + ttlSeconds * 1000, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) this.remove(this.entries.keys().next().value as string);
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ULID-shaped log ids (what AI Gateway's `cf-aig-log-id` looks like), unique per emulator. */
export class LogIds {
  private counter = 0;
  private readonly prefix: string;

  constructor() {
    const random = randomBytes(6);
    this.prefix = Array.from(random, (b) => CROCKFORD[b & 31]).join('');
  }

  next(now = Date.now()): string {
    let time = '';
    let t = now;
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32]! + time;
      t = Math.floor(t / 32);
    }
    let n = this.counter++;
    let count = '';
    for (let i = 0; i < 10; i++) {
      count = CROCKFORD[n % 32]! + count;
      n = Math.floor(n / 32);
    }
    return time + this.prefix + count;
  }
}

/** The response with the gateway's headers added (a copy; cached responses are shared). */
export function withGatewayHeaders(response: ServedResponse, status: 'HIT' | 'MISS', logId: string, eventId: string | undefined): ServedResponse {
  const headers: Record<string, string> = { ...response.headers, 'cf-aig-cache-status': status, 'cf-aig-log-id': logId };
  if (eventId !== undefined) headers['cf-aig-event-id'] = eventId;
  return { ...response, headers };
}

/** The `cf-aig-event-id` a request sent, if any. */
export function eventIdOf(headers: Headers): string | undefined {
  return header(headers, 'cf-aig-event-id') || undefined;
}

/** One entry of the gateway's log, in the shape the binding's `gateway(id).getLog()` returns (`created_at` as ISO text). */
export interface GatewayLogEntry {
  id: string;
  provider: string;
  model: string;
  path: string;
  duration: number;
  status_code: number;
  success: boolean;
  cached: boolean;
  request_size: number;
  request_content_type?: string;
  request_head: string;
  request_head_complete: boolean;
  response_size: number;
  response_content_type?: string;
  response_head: string;
  response_head_complete: boolean;
  metadata?: Record<string, unknown>;
  score?: number | null;
  feedback?: -1 | 1 | null;
  created_at: string;
}


/** Bytes of the request and response kept in a log entry's `*_head`. */
const LOG_HEAD_CHARS = 1024;

function headOf(body: ServedResponse['body'] | Uint8Array): { size: number; head: string } {
  if (typeof body === 'string') return { size: Buffer.byteLength(body), head: body.slice(0, LOG_HEAD_CHARS) };
  if (body instanceof Uint8Array) return { size: body.byteLength, head: Buffer.from(body.subarray(0, LOG_HEAD_CHARS)).toString('utf8') };
  const text = body.chunks.map((c) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'))).join('');
  return { size: Buffer.byteLength(text), head: text.slice(0, LOG_HEAD_CHARS) };
}

/** The gateway's log: the last `maxEntries` calls, by log id, per gateway. */
export class GatewayLogs {
  private readonly entries = new Map<string, GatewayLogEntry>();

  constructor(private readonly maxEntries = 1000) {}

  private static key(gatewayId: string, logId: string): string {
    return `${gatewayId}\u0000${logId}`;
  }

  record(logId: string, call: GatewayCall, response: ServedResponse, cached: boolean, durationMs: number, now = Date.now()): void {
    const request = headOf(call.body);
    const answer = headOf(response.body);
    const metadata = header(call.headers, 'cf-aig-metadata');
    let parsedMetadata: Record<string, unknown> | undefined;
    try {
      const value: unknown = metadata === undefined ? undefined : JSON.parse(metadata);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsedMetadata = value as Record<string, unknown>;
    } catch {
      // Metadata that is not a JSON object is not kept (the real gateway refuses it).
    }
    const entry: GatewayLogEntry = {
      id: logId,
      provider: 'workers-ai',
      model: call.model,
      path: call.path,
      duration: durationMs,
      status_code: response.status,
      success: response.status >= 200 && response.status < 300,
      cached,
      request_size: request.size,
      request_head: request.head,
      request_head_complete: request.size <= LOG_HEAD_CHARS,
      response_size: answer.size,
      response_head: answer.head,
      response_head_complete: answer.size <= LOG_HEAD_CHARS,
      created_at: new Date(now).toISOString(),
    };
    const requestType = header(call.headers, 'content-type');
    if (requestType) entry.request_content_type = requestType;
    if (response.headers['content-type']) entry.response_content_type = response.headers['content-type'];
    if (parsedMetadata) entry.metadata = parsedMetadata;
    const key = GatewayLogs.key(call.gatewayId, logId);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  get(gatewayId: string, logId: string): GatewayLogEntry | undefined {
    return this.entries.get(GatewayLogs.key(gatewayId, logId));
  }

  /** Applies a `patchLog` (score, feedback, metadata); false when there is no such log. */
  patch(gatewayId: string, logId: string, patch: { score?: unknown; feedback?: unknown; metadata?: unknown }): boolean {
    const entry = this.get(gatewayId, logId);
    if (!entry) return false;
    if (patch.score === null || typeof patch.score === 'number') entry.score = patch.score;
    if (patch.feedback === null || patch.feedback === 1 || patch.feedback === -1) entry.feedback = patch.feedback;
    if (patch.metadata === null) delete entry.metadata;
    else if (typeof patch.metadata === 'object' && !Array.isArray(patch.metadata)) entry.metadata = patch.metadata as Record<string, unknown>;
    return true;
  }
}

/** A request as the emulated AI Gateway sees it (from the REST gateway layout or the binding's gateway option). */
export interface GatewayCall {
  /** The caching and event headers (`cf-aig-*`). */
  headers: Headers;
  accountId: string;
  gatewayId: string;
  /** What is called (`run:<model>`, `v1:<endpoint>`): part of the cache key. */
  target: string;
  /** The model, for the gateway's log. */
  model: string;
  path: string;
  body: Uint8Array;
}

/** Answers through the emulated AI Gateway: its cache, its response headers and its log. */
export async function throughGateway(app: EmulatorApp, call: GatewayCall, infer: () => Promise<ServedResponse>): Promise<ServedResponse> {
  const started = Date.now();
  const policy = cachePolicy(call.headers, app.gatewayCacheTtlSeconds);
  const useCache = policy.ttlSeconds > 0 && !policy.skip && !app.deps.faults.cacheAlwaysMiss;
  const key = useCache ? cacheKey(call.accountId, call.gatewayId, call.target, call.body, policy.customKey) : '';
  const logId = app.logIds.next();
  const eventId = eventIdOf(call.headers);
  let answer = useCache ? app.cache.get(key) : undefined;
  const cached = answer !== undefined;
  if (!answer) {
    answer = await infer();
    if (useCache && answer.status === 200 && !answer.abort) app.cache.set(key, answer, policy.ttlSeconds);
  }
  app.gatewayLogs.record(logId, call, answer, cached, Date.now() - started);
  return withGatewayHeaders(answer, cached ? 'HIT' : 'MISS', logId, eventId);
}
