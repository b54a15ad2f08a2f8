/** @module Hand-built exchanges for the check tests: a request, and the response as a target would record it. */
import { createHash } from 'node:crypto';
import type { Contract } from '../../../src/contract/contract.js';
import { loadContract } from '../../../src/contract/load.js';
import type { CatalogEndpoint, Exchange, OpenAiEndpoint, ReceivedEvent, RecordedResponse, RequestSpec, TransportError } from '../../../src/targets/types.js';
import type { CheckContext, Expectation, Finding } from '../../../src/checks/types.js';

let contract: Contract | undefined;

/** The real contract in spec/, loaded once per test file. */
export function testContract(): Contract {
  return (contract ??= loadContract());
}

/** How a test describes a response. */
export interface ResponseInit {
  status?: number;
  /** A JSON body (serialised; Content-Type application/json unless `contentType` says otherwise). */
  json?: unknown;
  /** A text body as is. */
  text?: string;
  /** A binary body. */
  bytes?: Uint8Array;
  /** The Content-Type header; null sends none. */
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Server-sent events: objects are JSON-encoded, strings sent as is (`'[DONE]'`). Sets text/event-stream. */
  events?: unknown[];
  /** Record the events on the response (as the target does); false leaves them to be parsed from the bytes. */
  recordEvents?: boolean;
  /** Extra raw text after the last event (a stream cut mid-event). */
  tail?: string;
}

const encoder = new TextEncoder();

/** SSE events as the target records them, 10 ms apart from 100 ms. */
export function sseEvents(items: unknown[], startMs = 100, stepMs = 10): ReceivedEvent[] {
  return items.map((item, i) => ({ data: typeof item === 'string' ? item : JSON.stringify(item), atMs: startMs + i * stepMs }));
}

/** The wire form of events: `data: ...` and a blank line each. */
export function sseText(items: unknown[]): string {
  return items.map((item) => `data: ${typeof item === 'string' ? item : JSON.stringify(item)}\n\n`).join('');
}

/** Builds a recorded response. */
export function response(init: ResponseInit = {}): RecordedResponse {
  let bytes = init.bytes ?? new Uint8Array(0);
  let type: string | null | undefined = init.contentType;
  let events: ReceivedEvent[] | undefined;
  let trailingBytes: number | undefined;
  if (init.json !== undefined) {
    bytes = encoder.encode(JSON.stringify(init.json));
    type = type === undefined ? 'application/json' : type;
  } else if (init.text !== undefined) {
    bytes = encoder.encode(init.text);
  } else if (init.events !== undefined) {
    bytes = encoder.encode(sseText(init.events) + (init.tail ?? ''));
    type = type === undefined ? 'text/event-stream' : type;
    if (init.recordEvents !== false) {
      events = sseEvents(init.events);
      trailingBytes = init.tail ? encoder.encode(init.tail).length : 0;
    }
  }
  const headers: Record<string, string> = { ...(type ? { 'Content-Type': type } : {}), ...init.headers };
  const text = init.json !== undefined || init.text !== undefined || init.events !== undefined;
  return {
    status: init.status ?? 200,
    headers,
    bytes,
    body: text
      ? { kind: 'text', text: new TextDecoder().decode(bytes), truncated: false, size: bytes.length }
      : { kind: 'binary', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: type ?? '' },
    ...(events ? { events, trailingBytes } : {}),
    timing: { firstByteMs: 90, totalMs: 250 },
  };
}

function exchange(spec: RequestSpec, init: ResponseInit | TransportError | undefined): Exchange {
  const recorded: Exchange = {
    spec,
    request: { method: spec.method, url: 'http://127.0.0.1:8787/client/v4/accounts/acc/ai', headers: { ...spec.headers }, body: { kind: 'none' } },
    attempts: 1,
  };
  if (init && 'kind' in init && 'message' in init) recorded.error = init as TransportError;
  else recorded.response = response(init as ResponseInit | undefined);
  return recorded;
}

/** A POST /ai/run/{model} exchange; `input` is JSON, or `{ raw, contentType }` for a binary body. */
export function runExchange(model: string, input: unknown, init?: ResponseInit | TransportError, extra: Partial<RequestSpec> = {}): Exchange {
  const body = input !== null && typeof input === 'object' && 'raw' in input ? (input as { raw: Uint8Array; contentType: string }) : { json: input };
  return exchange({ operation: { kind: 'run', model }, method: 'POST', body, ...extra }, init);
}

/** A POST /ai/run exchange with `{model, input}` in the body (a partner model of the unified catalogue). */
export function partnerExchange(model: string, input: unknown, init?: ResponseInit | TransportError): Exchange {
  return exchange({ operation: { kind: 'partner', model }, method: 'POST', body: { json: { model, input } } }, init);
}

/** A POST /ai/v1/{endpoint} exchange. */
export function openAiExchange(endpoint: OpenAiEndpoint, body: unknown, init?: ResponseInit | TransportError, extra: Partial<RequestSpec> = {}): Exchange {
  return exchange({ operation: { kind: 'openai', endpoint }, method: 'POST', body: { json: body }, ...extra }, init);
}

/** A GET /ai/{endpoint} catalogue exchange. */
export function catalogExchange(endpoint: CatalogEndpoint, query: Record<string, string>, init?: ResponseInit | TransportError): Exchange {
  return exchange({ operation: { kind: 'catalog', endpoint }, method: 'GET', query }, init);
}

/** The v4 success envelope around `result`. */
export function envelope(result: unknown): Record<string, unknown> {
  return { success: true, result, errors: [], messages: [] };
}

/** The v4 error envelope with one error. */
export function errorEnvelope(code: number | string, message: string): Record<string, unknown> {
  return { success: false, result: null, errors: [{ code, message }], messages: [] };
}

/** A check context for an exchange: the real contract, the model the request names (when the contract has it). */
export function contextFor(exchange: Exchange, expectation: Expectation = 'success', extra: Partial<CheckContext> = {}): CheckContext {
  const c = testContract();
  const op = exchange.spec.operation;
  const body = exchange.spec.body && 'json' in exchange.spec.body ? (exchange.spec.body.json as Record<string, unknown> | undefined) : undefined;
  const id = op.kind === 'run' ? op.model : op.kind === 'openai' && typeof body?.model === 'string' ? body.model : undefined;
  const model = id === undefined ? undefined : c.model(id);
  return { contract: c, expectation, ...(model ? { model } : {}), ...extra };
}

/** The findings' messages, for readable assertions. */
export function messages(findings: Finding[]): string[] {
  return findings.map((f) => f.message);
}
