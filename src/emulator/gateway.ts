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
}

/** An in-memory TTL cache of answers, bounded (oldest entries go first). */
export class GatewayCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): ServedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.response;
  }

  set(key: string, response: ServedResponse, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { response, expiresAt: this.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
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
