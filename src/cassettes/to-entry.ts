/** @module One judged exchange as a HAR 1.2 entry: headers and whole bodies, credentials redacted as in reports. */
import { STATUS_CODES } from 'node:http';
import type { CheckOutcome } from '../checks/index.js';
import type { CheckContext, Expectation } from '../checks/types.js';
import { mediaType, type Redactor } from '../targets/redact.js';
import type { Exchange } from '../targets/types.js';
import type { HarEntry, HarNameValue, HarPostData, WaiEntryExtension } from './har-types.js';

/** Media types whose bodies a cassette keeps as text; every other body is base64 with its media type. */
export function isTextMedia(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type.startsWith('text/') || type === 'application/json' || type.endsWith('+json') || type === 'application/x-ndjson' || type === 'application/xml';
}

/** Bytes as HAR content text: UTF-8 text when the media type is text and the bytes are valid UTF-8 (so they read back identically), else base64. */
export function encodeBody(bytes: Uint8Array, contentType: string | undefined): { text: string; encoding?: 'base64' } {
  if (isTextMedia(contentType)) {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
    } catch {
      // Not UTF-8 after all: fall through to base64, which keeps every byte.
    }
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'), encoding: 'base64' };
}

function nameValues(headers: Record<string, string>): HarNameValue[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

function headersSize(headers: Record<string, string>): number {
  return Object.entries(headers).reduce((n, [name, value]) => n + name.length + value.length + 4, 2);
}

/** What the harness knew about an exchange besides the exchange itself. */
export interface EntryContext {
  execution: string;
  index: number;
  expectation: Expectation;
  path?: string;
  invalid?: CheckContext['invalid'];
  outcomes: readonly CheckOutcome[];
  /** When the request was sent (ISO 8601); default: now minus its duration. */
  startedAt?: string;
}

/** The request body as sent (from the redacted spec: JSON serialised as the target serialises it). */
function postData(exchange: Exchange, redactor: Redactor): { data?: HarPostData; size: number } {
  const body = exchange.spec.body;
  if (!body) return { size: 0 };
  if ('json' in body) {
    const text = JSON.stringify(body.json) ?? '';
    return { data: { mimeType: 'application/json', text }, size: Buffer.byteLength(text) };
  }
  const bytes = redactor.bytes(body.raw);
  const encoded = encodeBody(bytes, body.contentType);
  return { data: { mimeType: body.contentType, text: encoded.text, ...(encoded.encoding ? { _encoding: encoded.encoding } : {}) }, size: bytes.byteLength };
}

/**
 * A HAR entry for an exchange. Request and response headers are the redacted ones the exchange
 * records; the response bytes go through `redactor` (the target's), exactly as report bodies do.
 */
export function toEntry(exchange: Exchange, context: EntryContext, redactor: Redactor): HarEntry {
  const { request, response } = exchange;
  const url = new URL(request.url);
  const posted = postData(exchange, redactor);
  const totalMs = response?.timing.totalMs ?? 0;
  const firstByteMs = response?.timing.firstByteMs ?? 0;
  const wai: WaiEntryExtension = {
    execution: context.execution,
    index: context.index,
    expectation: context.expectation,
    auth: exchange.spec.auth ?? 'default',
    attempts: exchange.attempts,
    ...(context.path !== undefined ? { path: context.path } : {}),
    ...(context.invalid ? { invalid: context.invalid } : {}),
    ...(exchange.error ? { error: exchange.error } : {}),
    ...(response?.events ? { events: response.events } : {}),
    ...(response?.trailingBytes !== undefined ? { trailingBytes: response.trailingBytes } : {}),
    ...(response ? { firstByteMs } : {}),
    verdicts: context.outcomes.map((o) => ({ check: o.check, status: o.status, messages: o.findings.map((f) => f.message) })),
  };
  const entry: HarEntry = {
    startedDateTime: context.startedAt ?? new Date(Date.now() - totalMs).toISOString(),
    time: totalMs,
    request: {
      method: request.method,
      url: request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: nameValues(request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(posted.data ? { postData: posted.data } : {}),
      headersSize: headersSize(request.headers),
      bodySize: posted.size,
    },
    response: response
      ? (() => {
          const bytes = redactor.bytes(response.bytes);
          const contentType = response.headers['content-type'];
          const encoded = encodeBody(bytes, contentType);
          return {
            status: response.status,
            statusText: STATUS_CODES[response.status] ?? '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: nameValues(response.headers),
            content: { size: bytes.byteLength, mimeType: contentType ?? '', text: encoded.text, ...(encoded.encoding ? { encoding: encoded.encoding } : {}) },
            redirectURL: response.headers.location ?? '',
            headersSize: headersSize(response.headers),
            bodySize: bytes.byteLength,
          };
        })()
      : // HAR has no "no response": status 0 as browsers export it, the reason in `_wai.error`.
        { status: 0, statusText: '', httpVersion: '', cookies: [], headers: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {},
    timings: { send: 0, wait: Math.max(0, firstByteMs), receive: Math.max(0, totalMs - firstByteMs) },
    _wai: wai,
  };
  return entry;
}
