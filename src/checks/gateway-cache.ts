/**
 * @module gateway.cache: AI Gateway caching as documented: an identical request sent with `cf-aig-cache-ttl` is a
 * `HIT` once an answer is cached, a HIT returns the cached bytes, and `cf-aig-skip-cache` is always a `MISS`.
 */
import { createHash } from 'node:crypto';
import type { Exchange } from '../targets/types.js';
import { defineMultiCheck } from './_internals/define.js';
import { header, isSuccessStatus, operationLabel } from './_internals/exchange.js';
import type { Finding } from './types.js';

/** The documented values of `cf-aig-cache-status`. */
const STATUSES = new Set(['HIT', 'MISS']);

/** A boolean-or-string header is on unless it says false (the gateway types it `boolean | string`). */
function on(value: string | undefined): boolean {
  return value !== undefined && !/^(false|0|no)$/i.test(value.trim());
}

/** The caching headers a request was sent with. */
function cacheRequest(exchange: Exchange): { ttl?: string; skip: boolean; key?: string } {
  const headers = exchange.spec.headers;
  const ttl = header(headers, 'cf-aig-cache-ttl');
  const key = header(headers, 'cf-aig-cache-key');
  return { ...(ttl !== undefined ? { ttl } : {}), skip: on(header(headers, 'cf-aig-skip-cache')), ...(key !== undefined ? { key } : {}) };
}

/** What makes two requests identical to the cache: a custom cache key, else operation, query and body. */
export function cacheKey(exchange: Exchange): string {
  const custom = header(exchange.spec.headers, 'cf-aig-cache-key');
  if (custom !== undefined) return `key:${custom}`;
  const { operation, method, query, body } = exchange.spec;
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ operation, method, query: query ?? {} }));
  if (body && 'json' in body) hash.update(JSON.stringify(body.json));
  else if (body) hash.update(body.contentType).update(body.raw);
  return hash.digest('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/** gateway.cache: judges exchanges in the order they were sent (the harness sends cache probes one after another). */
export const gatewayCache = defineMultiCheck({
  id: 'gateway.cache',
  description: 'AI Gateway: an identical request with cf-aig-cache-ttl is a HIT the second time (same bytes), cf-aig-skip-cache is a MISS',
  area: 'gateway',
  applies: (exchanges) => exchanges.some((e) => e.response && (cacheRequest(e).ttl !== undefined || cacheRequest(e).skip)),
  judge(exchanges): Finding[] {
    const check = 'gateway.cache';
    const findings: Finding[] = [];
    const cached = new Map<string, { index: number; exchange: Exchange }>();
    exchanges.forEach((exchange, index) => {
      const response = exchange.response;
      const request = cacheRequest(exchange);
      if (!response || !isSuccessStatus(response.status) || (request.ttl === undefined && !request.skip)) return;
      const status = header(response.headers, 'cf-aig-cache-status');
      const label = `request #${index + 1} (${operationLabel(exchange)})`;
      if (status === undefined || !STATUSES.has(status.toUpperCase())) {
        findings.push({ check, message: `${label}: cf-aig-cache-status is ${status === undefined ? 'missing' : `"${status}"`}, expected HIT or MISS on an answer sent with caching headers`, expected: 'HIT | MISS', actual: status ?? 'no header' });
        return;
      }
      const verdict = status.toUpperCase();
      if (request.skip) {
        if (verdict !== 'MISS') findings.push({ check, message: `${label}: sent with cf-aig-skip-cache, answered cf-aig-cache-status ${verdict}, expected MISS`, expected: 'MISS', actual: verdict });
        return;
      }
      const key = cacheKey(exchange);
      const first = cached.get(key);
      if (!first) {
        cached.set(key, { index, exchange });
        return;
      }
      const repeat = `${label} repeats request #${first.index + 1} with cf-aig-cache-ttl ${request.ttl}`;
      // Warnings: caching.mdx documents HIT for a repeat within the TTL, but nothing documents or shows how
      // soon a cache write is visible, so an immediate repeat that MISSes on a live gateway is no proof.
      if (verdict !== 'HIT') findings.push({ check, message: `${repeat}: cf-aig-cache-status is ${verdict}, expected HIT`, expected: 'HIT', actual: verdict, severity: 'warning' });
      else if (!sameBytes(response.bytes, first.exchange.response!.bytes)) {
        findings.push({ check, message: `${repeat}: a HIT whose ${response.bytes.length}-byte body differs from the ${first.exchange.response!.bytes.length}-byte answer it cached, expected the same bytes`, expected: 'the cached bytes', actual: 'different bytes' });
      }
    });
    return findings;
  },
});
