/**
 * @module The emulator's error answers: one table of v4 error codes, HTTP statuses and messages, and the
 * builders that turn an entry into the v4 ErrorEnvelope
 * (`{"success":false,"errors":[{"code","message"}],"messages":[],"result":null}`, or `"result":{}` for
 * the errors the inference service itself raises: see {@link ErrorKind.emptyResult}).
 *
 * Codes and statuses follow spec/openapi.yaml (components/responses and `x-wai`), which records
 * Cloudflare's documented Workers AI error table. Where the table has no entry for a case the emulator
 * must still answer, the choice and its reason are written next to the entry.
 */
import type { EmulatorResponse } from './types.js';

/** One kind of error answer. `message` may hold `{placeholders}` filled by {@link errorResponse}. */
export interface ErrorKind {
  code: number;
  status: number;
  message: string;
  /**
   * Answer `"result": {}` instead of `null`. Real failure envelopes carry both (spec/openapi.yaml
   * `ErrorEnvelope`): the v4 API layer (authentication, routing, model lookup) answers `null`; the inference
   * service's own failures (bad input, internal errors) answer `{}`, as Cloudflare's 2024 OpenAPI declares for
   * the per-model 400 (cloudflare/api-schemas openapi.json @ cca3064f, `result: object`) and as the
   * "1000 Server Error" answers users reported carry. The split is the emulator's choice, fixed per kind.
   */
  emptyResult?: boolean;
}

/** Every error the emulator answers, by case. */
export const ERRORS = {
  /** No credential at all: v4 code 10000; `x-wai.authentication` says the emulator answers 401 for it. */
  authMissing: { code: 10000, status: 401, message: 'Authentication error' },
  /** A credential was sent but is malformed or not accepted: same code, 403 (`x-wai.authentication`). */
  authRejected: { code: 10000, status: 403, message: 'Authentication error' },
  /**
   * Authenticated AI Gateway without (or with a wrong) `cf-aig-authorization`: 401, code 2009
   * (publicly reported; spec/openapi.yaml `Unauthorized`).
   */
  gatewayUnauthorized: { code: 2009, status: 401, message: 'Unauthorized' },
  /** A path nothing routes (and a known path with the wrong method): 404 / 7003 as observed on /ai/v1. */
  noRoute: { code: 7003, status: 404, message: 'Could not route to {path}, perhaps your object identifier is invalid?' },
  /** Documented: 5007 / 400 "No such model ${model} or task" (a well-formed id the catalogue does not have). */
  noSuchModel: { code: 5007, status: 400, message: 'No such model {model} or task' },
  /** Documented: 3042 / 404 "The model name is invalid" (the id is not `@cf|@hf/<author>/<name>`, or undecodable). */
  invalidModelId: { code: 3042, status: 404, message: 'The model name is invalid' },
  /** Documented: 3006 / 413 "Request is too large". */
  tooLarge: { code: 3006, status: 413, message: 'Request is too large' },
  /**
   * Documented: 3003 / 400 "Request is missing headers or body: {what}". Used for an empty body, a body
   * that is not JSON (malformed or truncated JSON: the JSON body the model needs is missing; 5004 is about
   * the data type of a base64 input field, not the body), a body of a media type the model does not take,
   * and a plain HTTP request to a WebSocket-only model (the missing header is `Upgrade: websocket`).
   */
  incomplete: { code: 3003, status: 400, message: 'Request is missing headers or body: {what}' },
  /**
   * Input that does not match the model's schema: 400 with code 5006 and an "AiError: Bad input" message,
   * as publicly seen (spec/openapi.yaml `BadRequest`); the documented table has no entry for it. Also used
   * for `"stream": true` sent to a model that does not stream.
   */
  badInput: { code: 5006, status: 400, message: 'AiError: Bad input: Error: {detail}', emptyResult: true },
  /**
   * A body in a Content-Encoding the emulator does not decode (it decodes gzip, deflate and br): 415, as
   * RFC 9110 15.5.16 says for an unsupported content coding. The documented table has no entry for it;
   * the code is the "missing headers or body" one (3003), as the body the API can read is missing.
   */
  unsupportedEncoding: { code: 3003, status: 415, message: 'Request is missing headers or body: a body in a supported Content-Encoding (gzip, deflate, br or identity; got {coding})' },
  /** Documented: 3040 / 429, with the message of the reject-if-busy page. */
  capacity: { code: 3040, status: 429, message: 'Capacity temporarily exceeded, please try again.' },
  /**
   * A failure of the emulator itself (a bug, or the `server-error` fault). Cloudflare's table documents no
   * 5xx code; 3043 "Internal server error" is what community reports show for Workers AI internal errors.
   */
  internal: { code: 3043, status: 500, message: 'Internal server error', emptyResult: true },
  /**
   * `mock --replay --replay-mode strict`: a request no recorded exchange matches. Not an API error: 404 with the
   * no-route code, and a message that names the nearest recorded request and how it differs.
   */
  replayUnmatched: { code: 7003, status: 404, message: 'wai-conformance mock --replay (strict): {detail}' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorName = keyof typeof ERRORS;

const JSON_HEADERS = 'application/json';

function fill(template: string, params: Record<string, string> | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** The v4 ErrorEnvelope body for one or more errors, its `result` `{}` or `null` (see {@link ErrorKind.emptyResult}). */
export function errorEnvelope(errors: { code: number; message: string }[], emptyResult = false): string {
  return JSON.stringify({ success: false, errors, messages: [], result: emptyResult ? {} : null });
}

/** A complete error answer of one kind, its message's placeholders filled from `params`. */
export function errorResponse(name: ErrorName, params?: Record<string, string>, extraHeaders?: Record<string, string>): EmulatorResponse {
  const kind: ErrorKind = ERRORS[name];
  return {
    status: kind.status,
    headers: { 'content-type': JSON_HEADERS, ...extraHeaders },
    body: errorEnvelope([{ code: kind.code, message: fill(kind.message, params) }], kind.emptyResult),
  };
}

/** An error answer carrying several errors of one kind (e.g. every schema error of an input), at most `max`. */
export function errorsResponse(name: ErrorName, details: Record<string, string>[], max = 10): EmulatorResponse {
  const kind: ErrorKind = ERRORS[name];
  const errors = details.slice(0, max).map((params) => ({ code: kind.code, message: fill(kind.message, params) }));
  return { status: kind.status, headers: { 'content-type': JSON_HEADERS }, body: errorEnvelope(errors, kind.emptyResult) };
}

/** The catalogue searches' 404 body, which is not the v4 ErrorEnvelope (spec/openapi.yaml `CatalogNotFound`). */
export function catalogNotFound(): EmulatorResponse {
  return { status: 404, headers: { 'content-type': JSON_HEADERS }, body: '{"success":false,"error":"Not Found"}' };
}

/** OpenAI's `error.type` for a status: the emulator's choice among the types OpenAI's API uses. */
function openAiErrorType(status: number): string {
  if (status === 401 || status === 403) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * Adds an OpenAI-style `error: {message, type, code}` member beside the v4 envelope of an /ai/v1 error
 * answer. OpenAI clients read only `error` (the `openai` SDK reports "400 status code (no body)" without
 * it); v4 readers keep `errors`, and ErrorEnvelope allows the extra member (spec/openapi.yaml
 * `x-wai.openai-errors`). `code` is the first v4 code as a string, as OpenAI's codes are strings.
 * Anything but a JSON v4 failure envelope (a fault's broken body, a stream) is returned unchanged.
 */
export function withOpenAiError<R extends EmulatorResponse>(response: R): R {
  if (response.status < 400 || typeof response.body !== 'string' || !response.headers['content-type']?.startsWith(JSON_HEADERS)) return response;
  let envelope: unknown;
  try {
    envelope = JSON.parse(response.body);
  } catch {
    return response;
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return response;
  const { errors } = envelope as { errors?: unknown };
  if (!Array.isArray(errors) || errors.length === 0 || 'error' in envelope) return response;
  const items = errors.filter((e): e is { code?: unknown; message: string } => typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string');
  if (items.length === 0) return response;
  const code = items[0]!.code;
  const error = {
    message: items.map((e) => e.message).join('; '),
    type: openAiErrorType(response.status),
    code: code === undefined || code === null ? null : String(code),
  };
  return { ...response, body: JSON.stringify({ ...envelope, error }) };
}
