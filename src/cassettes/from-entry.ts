/**
 * @module A HAR entry read back as an Exchange the checks judge: ours (with `_wai`) exactly as it was
 * recorded, and foreign ones (Chromium's devtools, mitmproxy, any HAR 1.2 writer) as well as they allow.
 */
import { recordBody, mediaType } from '../targets/redact.js';
import type { Exchange, RecordedResponse, RequestBody, RequestSpec } from '../targets/types.js';
import type { HarEntry, HarNameValue } from './har-types.js';
import { locate, type Located } from './locate.js';

/** A HAR's name/value headers as one lower-cased record (repeated headers joined as HTTP joins them). */
export function headerRecord(headers: readonly HarNameValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of headers ?? []) {
    const key = name.toLowerCase();
    // HTTP/2 pseudo-headers (`:authority`, Chromium's export) are not headers of the message.
    if (key.startsWith(':')) continue;
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  }
  return out;
}

/** Text or base64 HAR content as bytes. */
export function decodeBody(text: string | undefined, encoding: string | undefined): Uint8Array {
  if (!text) return new Uint8Array();
  return new Uint8Array(encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'));
}

/** The request body of an entry: JSON when it is JSON, else the bytes with their media type. */
function requestBody(entry: HarEntry, headers: Record<string, string>): { body?: RequestBody; bytes: Uint8Array } {
  const post = entry.request.postData;
  if (!post || post.text === undefined || post.text === '') return { bytes: new Uint8Array() };
  const bytes = decodeBody(post.text, post._encoding);
  const contentType = post.mimeType || headers['content-type'] || '';
  if (post._encoding !== 'base64' && (mediaType(contentType) === 'application/json' || contentType === '')) {
    try {
      return { body: { json: JSON.parse(post.text) as unknown }, bytes };
    } catch {
      // Not JSON (a malformed body is worth judging too): keep the bytes.
    }
  }
  return { body: { raw: bytes, contentType: contentType || 'application/octet-stream' }, bytes };
}

/** Headers the spec carries (the gateway's `cf-aig-*` controls): never credentials, never transport headers. */
function specHeaders(headers: Record<string, string>): Record<string, string> | undefined {
  const picked = Object.entries(headers).filter(([name]) => name.startsWith('cf-aig-') && name !== 'cf-aig-authorization');
  return picked.length ? Object.fromEntries(picked) : undefined;
}

/** Which credential a request carried, when the entry does not say: a foreign export may have stripped it, so "present" is assumed. */
function authOf(entry: HarEntry): NonNullable<RequestSpec['auth']> {
  return entry._wai?.auth ?? 'default';
}

/** The response of an entry, or undefined when it has none (status 0, as browsers export failures). */
function responseOf(entry: HarEntry): RecordedResponse | undefined {
  const har = entry.response;
  if (!har || har.status === 0) return undefined;
  const headers = headerRecord(har.headers);
  const contentType = headers['content-type'] ?? (har.content.mimeType || undefined);
  const bytes = decodeBody(har.content.text, har.content.encoding);
  const wai = entry._wai;
  const totalMs = Math.max(0, entry.time);
  const firstByteMs = wai?.firstByteMs ?? Math.max(0, (entry.timings.blocked ?? 0) > 0 ? entry.timings.blocked! : 0) + Math.max(0, entry.timings.send) + Math.max(0, entry.timings.wait);
  const response: RecordedResponse = {
    status: har.status,
    headers,
    bytes,
    body: recordBody(bytes, contentType),
    timing: { firstByteMs, totalMs },
  };
  // Foreign streams carry no event times: the checks parse their bytes (src/checks/stream.ts streamEvents).
  if (wai?.events) {
    response.events = wai.events;
    response.trailingBytes = wai.trailingBytes ?? 0;
  }
  return response;
}

/** An entry read back: the exchange, and where it went. */
export interface ReadEntry {
  exchange: Exchange;
  located: Located;
  /** The request input as a check context takes it: the JSON, or the raw body's bytes. */
  input: unknown;
}

/** Reads an entry; undefined when its URL is not a Workers AI operation. */
export function fromEntry(entry: HarEntry): ReadEntry | undefined {
  const located = locate(entry.request.url);
  if (!located) return undefined;
  const headers = headerRecord(entry.request.headers);
  const { body, bytes } = requestBody(entry, headers);
  const extra = specHeaders(headers);
  const json = body && 'json' in body ? (body.json as { model?: unknown } | null) : undefined;
  const operation = located.operation.kind === 'partner' ? { kind: 'partner' as const, model: typeof json?.model === 'string' ? json.model : '' } : located.operation;
  const spec: RequestSpec = {
    operation,
    method: entry.request.method.toUpperCase() === 'GET' ? 'GET' : 'POST',
    ...(Object.keys(located.query).length ? { query: located.query } : {}),
    ...(extra ? { headers: extra } : {}),
    ...(body ? { body } : {}),
    auth: authOf(entry),
  };
  const exchange: Exchange = {
    spec,
    request: { method: entry.request.method, url: entry.request.url, headers, body: bytes.byteLength ? recordBody(bytes, headers['content-type'] ?? entry.request.postData?.mimeType) : { kind: 'none' } },
    attempts: entry._wai?.attempts ?? 1,
  };
  const response = responseOf(entry);
  if (response) exchange.response = response;
  const error = entry._wai?.error ?? (!response ? { kind: 'network' as const, message: String(entry.response?._error || 'no response recorded') } : undefined);
  if (error) exchange.error = error;
  return { exchange, located, input: body ? ('json' in body ? body.json : body.raw) : undefined };
}
