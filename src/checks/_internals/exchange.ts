/** @module Reading an exchange the way every check needs: headers, JSON bodies, the input sent, the model. */
import type { ModelEntry } from '../../contract/types.js';
import type { Exchange, OpenAiEndpoint, RecordedResponse } from '../../targets/types.js';
import type { CheckContext } from '../types.js';
import { recordedText } from '../../targets/redact.js';

/** A parsed JSON body, or why there is none. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; reason: string };

type Obj = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A response header, looked up case-insensitively (targets record names as the server sent them). */
export function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The response body as text: the bytes when kept, else the recorded text (replayed exchanges drop bytes). */
export function bodyText(response: RecordedResponse): string | undefined {
  if (response.bytes.length > 0) {
    const recorded = recordedText(response.bytes); // decoded once already, when the target recorded these bytes
    if (recorded !== undefined) return recorded;
    try {
      return utf8.decode(response.bytes);
    } catch {
      return undefined;
    }
  }
  return response.body.kind === 'text' ? response.body.text : response.bytes.length === 0 ? '' : undefined;
}

/**
 * The last body `jsonBody` parsed. The checks of one exchange run one after another and each reads the
 * body, so one slot parses it once per exchange, without keeping parsed bodies alive after their turn.
 */
let lastParsed: { response: RecordedResponse; body: JsonBody } | undefined;

/**
 * Parses the response body as JSON, saying in words why when it is not JSON. The checks that share the
 * parsed value treat it as read-only.
 */
export function jsonBody(response: RecordedResponse): JsonBody {
  if (lastParsed?.response !== response) lastParsed = { response, body: parseJsonBody(response) };
  return lastParsed.body;
}

function parseJsonBody(response: RecordedResponse): JsonBody {
  const text = bodyText(response);
  const contentType = header(response.headers, 'content-type') ?? 'no Content-Type';
  if (text === undefined) return { ok: false, reason: `${response.bytes.length} bytes of ${contentType} that are not UTF-8 text` };
  if (text.trim() === '') return { ok: false, reason: `an empty body (${contentType})` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const head = text.length > 40 ? `${text.slice(0, 39)}…` : text;
    return { ok: false, reason: `${contentType} that is not JSON: ${JSON.stringify(head)}` };
  }
}

/** The JSON body when it parses, else undefined. */
export function jsonValue(response: RecordedResponse | undefined): unknown {
  if (!response) return undefined;
  const body = jsonBody(response);
  return body.ok ? body.value : undefined;
}

/** The request's JSON body as sent, when it was JSON. */
export function requestJson(exchange: Exchange): unknown {
  const body = exchange.spec.body;
  return body && 'json' in body ? body.json : undefined;
}

/** The input the harness sent: the context's when given, else the request's JSON body. */
export function inputOf(exchange: Exchange, context: CheckContext): Obj | undefined {
  const input = context.input ?? requestJson(exchange);
  return isObject(input) ? input : undefined;
}

/** The request's input to compare an answer with, or undefined when the request is not known (a captured answer). */
export function knownInput(exchange: Exchange, context: CheckContext): Obj | undefined {
  return context.requestUnknown ? undefined : inputOf(exchange, context);
}

/** True when the request asked for a server-sent event stream (`"stream": true`). */
export function streamRequested(exchange: Exchange, context: CheckContext): boolean {
  return inputOf(exchange, context)?.stream === true;
}

/** True for a 2xx status. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** True for a request to /ai/run (directly or through AI Gateway). */
export function isRun(exchange: Exchange): boolean {
  return exchange.spec.operation.kind === 'run';
}

/** The /ai/v1 endpoint of an OpenAI-compatible request, else undefined. */
export function openAiEndpoint(exchange: Exchange): OpenAiEndpoint | undefined {
  const op = exchange.spec.operation;
  return op.kind === 'openai' ? op.endpoint : undefined;
}

/** The model id a request is for: the /ai/run path, or the `model` of an /ai/v1 body, or `?model=` of models/schema. */
export function modelIdOf(exchange: Exchange): string | undefined {
  const op = exchange.spec.operation;
  if (op.kind === 'run' || op.kind === 'partner') return op.model;
  if (op.kind === 'openai') {
    const body = requestJson(exchange);
    return isObject(body) && typeof body.model === 'string' ? body.model : undefined;
  }
  return exchange.spec.query?.model;
}

/** The model an exchange is for: the context's, else the contract's entry for the id the request names. */
export function modelOf(exchange: Exchange, context: CheckContext): ModelEntry | undefined {
  if (context.model) return context.model;
  const id = modelIdOf(exchange);
  return id === undefined ? undefined : context.contract.model(id);
}

/** How a request is named in messages: `POST /ai/run/@cf/...`, `POST /ai/v1/embeddings`. */
export function operationLabel(exchange: Exchange): string {
  const op = exchange.spec.operation;
  const path = op.kind === 'run' ? `/ai/run/${op.model}` : op.kind === 'openai' ? `/ai/v1/${op.endpoint}` : op.kind === 'partner' ? `/ai/run (${op.model})` : `/ai/${op.endpoint}`;
  return `${exchange.spec.method} ${path}`;
}

/** The codes of v4 errors in a body (numbers, or all-digit strings read as numbers). */
export function errorCodes(body: unknown): number[] {
  if (!isObject(body) || !Array.isArray(body.errors)) return [];
  return body.errors.flatMap((e) => (isObject(e) && (typeof e.code === 'number' || (typeof e.code === 'string' && /^[0-9]+$/.test(e.code))) ? [Number(e.code)] : []));
}

/** The first error of a v4 error envelope, in words (`code 5007: No such model ...`), for messages. */
export function firstErrorText(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  // `errors` as a list (v4), as one object, or AI Gateway's `error` list (spec/openapi.yaml ObservedErrorBody).
  const first = Array.isArray(body.errors) ? body.errors[0] : isObject(body.errors) ? body.errors : Array.isArray(body.error) ? body.error[0] : undefined;
  if (isObject(first)) {
    const { code, message } = first;
    const text = typeof message === 'string' ? message : '';
    return code === undefined ? text : `code ${String(code)}${text ? `: ${text}` : ''}`;
  }
  if (typeof body.error === 'string') return body.error;
  if (isObject(body.error) && typeof body.error.message === 'string') return body.error.message;
  return undefined;
}

/** The request's body size and kind, for messages about binary inputs. */
export function rawRequestBytes(exchange: Exchange): Uint8Array | undefined {
  const body = exchange.spec.body;
  return body && 'raw' in body ? body.raw : undefined;
}

/**
 * True when there is something to judge about the target's answer: a response, or a failure the target
 * caused (timeout, network, too large). `budget` and `aborted` are the harness's own doing, never the target's.
 */
export function judgeable(exchange: Exchange): boolean {
  if (exchange.response || exchange.binding?.thrown) return true;
  return exchange.error !== undefined && exchange.error.kind !== 'budget' && exchange.error.kind !== 'aborted';
}

/** Describes a missing response in words (`no response (timeout after 2 attempts): ...`). */
export function noResponseText(exchange: Exchange): string {
  const error = exchange.error;
  const attempts = exchange.attempts > 1 ? ` after ${exchange.attempts} attempts` : '';
  return error ? `no response (${error.kind}${attempts}): ${error.message}` : `no response${attempts}`;
}
