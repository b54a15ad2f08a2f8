/** @module What openapi.yaml documents for an exchange's operation: statuses, media types, schemas, error codes. */
import { SPEC_BASE_URI } from '../../contract/ajv.js';
import type { Contract } from '../../contract/contract.js';
import { followLocalRefs } from '../../contract/json-pointer.js';
import type { Exchange } from '../../targets/types.js';
import type { CheckId, Finding } from '../types.js';
import { isObject } from './exchange.js';

/** The `x-wai-sse` extension of an event-stream media type: the schema of each event's data, and the literal last event. */
export interface DocumentedSse {
  /** Schema URI every JSON `data` payload must match, when documented. */
  dataUri?: string;
  /** The literal last `data` (`[DONE]`), or null when the stream ends without one. */
  terminator: string | null;
}

/** One documented media type of a response. */
export interface DocumentedMedia {
  /** URI of the body schema, when it is a `$ref` the contract registered. */
  schemaUri?: string;
  /** The schema's component name (`ErrorEnvelope`), for messages. */
  schemaName?: string;
  sse?: DocumentedSse;
}

/** One documented response of an operation. */
export interface DocumentedResponse {
  status: number;
  /** Media type → what is documented for it. */
  media: Map<string, DocumentedMedia>;
  /** The v4 error codes documented for this status (`x-wai-error-codes`). */
  errorCodes: number[];
  /** Codes only seen in real answers at this status (`x-wai-observed-error-codes`): known, but not documented. */
  observedErrorCodes: number[];
  /** Response header names documented for this status, lower-cased. */
  headers: string[];
}

type Obj = Record<string, unknown>;

/** The openapi.yaml path template of an exchange's operation. Gateway requests share the account paths' responses. */
export function operationPath(exchange: Exchange): string {
  const op = exchange.spec.operation;
  if (op.kind === 'run') return '/accounts/{account_id}/ai/run/{model}';
  if (op.kind === 'openai') return `/accounts/{account_id}/ai/v1/${op.endpoint}`;
  if (op.kind === 'partner') return '/accounts/{account_id}/ai/run';
  return `/accounts/{account_id}/ai/${op.endpoint}`;
}

function resolveLocal(openapi: Obj, value: unknown): unknown {
  return followLocalRefs(openapi, value);
}

function schemaRef(schema: unknown): { uri: string; name: string } | undefined {
  if (!isObject(schema) || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/components/')) return undefined;
  return { uri: `${SPEC_BASE_URI}openapi.yaml${schema.$ref}`, name: schema.$ref.split('/').pop() ?? schema.$ref };
}

function readMedia(openapi: Obj, content: unknown): Map<string, DocumentedMedia> {
  const media = new Map<string, DocumentedMedia>();
  if (!isObject(content)) return media;
  for (const [type, raw] of Object.entries(content)) {
    const entry = resolveLocal(openapi, raw);
    if (!isObject(entry)) continue;
    const ref = schemaRef(entry.schema);
    const documented: DocumentedMedia = ref ? { schemaUri: ref.uri, schemaName: ref.name } : {};
    const sse = entry['x-wai-sse'];
    if (isObject(sse)) {
      const data = schemaRef(sse.data);
      documented.sse = { ...(data ? { dataUri: data.uri } : {}), terminator: typeof sse.terminator === 'string' ? sse.terminator : null };
    }
    media.set(type.toLowerCase(), documented);
  }
  return media;
}

const cache = new WeakMap<Contract, Map<string, Map<number, DocumentedResponse>>>();

/** Every documented response of the exchange's operation, by status (empty when openapi.yaml lacks the path). */
export function documentedResponses(contract: Contract, exchange: Exchange): Map<number, DocumentedResponse> {
  const path = operationPath(exchange);
  const method = exchange.spec.method.toLowerCase();
  const key = `${method} ${path}`;
  let perContract = cache.get(contract);
  if (!perContract) cache.set(contract, (perContract = new Map()));
  const cached = perContract.get(key);
  if (cached) return cached;

  const openapi = contract.openapi as Obj;
  const responses = new Map<number, DocumentedResponse>();
  const paths = isObject(openapi.paths) ? openapi.paths : {};
  const operation = isObject(paths[path]) ? (paths[path] as Obj)[method] : undefined;
  if (isObject(operation) && isObject(operation.responses)) {
    for (const [code, raw] of Object.entries(operation.responses)) {
      const status = Number(code);
      const response = resolveLocal(openapi, raw);
      if (!Number.isInteger(status) || !isObject(response)) continue;
      const codes = (key: string) => (Array.isArray(response[key]) ? response[key].filter((c): c is number => typeof c === 'number') : []);
      responses.set(status, {
        status,
        media: readMedia(openapi, response.content),
        errorCodes: codes('x-wai-error-codes'),
        observedErrorCodes: codes('x-wai-observed-error-codes'),
        headers: isObject(response.headers) ? Object.keys(response.headers).map((h) => h.toLowerCase()) : [],
      });
    }
  }
  perContract.set(key, responses);
  return responses;
}

/** The documented response for one status, if any. */
export function documentedResponse(contract: Contract, exchange: Exchange, status: number): DocumentedResponse | undefined {
  return documentedResponses(contract, exchange).get(status);
}

/** The documented 4xx statuses of the exchange's operation, ascending. */
export function documentedClientErrors(contract: Contract, exchange: Exchange): number[] {
  return [...documentedResponses(contract, exchange).keys()].filter((s) => s >= 400 && s < 500).sort((a, b) => a - b);
}

/** The statuses whose documented error codes include `code`. */
export function statusesForCode(contract: Contract, exchange: Exchange, code: number): number[] {
  return [...documentedResponses(contract, exchange).values()].filter((r) => r.errorCodes.includes(code)).map((r) => r.status);
}

/** The statuses at which the real API was seen answering `code`, undocumented (`x-wai-observed-error-codes`). */
export function statusesForObservedCode(contract: Contract, exchange: Exchange, code: number): number[] {
  return [...documentedResponses(contract, exchange).values()].filter((r) => r.observedErrorCodes.includes(code)).map((r) => r.status);
}

/**
 * The first of `codes` that a check knows as observed (`known`) and the contract lists as observed at `status` for this
 * exchange's operation (`x-wai-observed-error-codes`): a real answer, judged a warning by the checks that ask.
 */
export function observedCodeAt(contract: Contract, exchange: Exchange, codes: readonly number[], known: ReadonlyMap<number, unknown>, status: number): number | undefined {
  return codes.find((code) => known.has(code) && statusesForObservedCode(contract, exchange, code).includes(status));
}

/** URI and name of an openapi.yaml component schema. */
export function component(contract: Contract, name: string): { uri: string; name: string } {
  return { uri: contract.componentUri(name), name };
}

/**
 * The schema a JSON body of this status must match: the documented `application/json` schema, else the v4
 * convention (`Envelope` for 2xx, `ErrorEnvelope` otherwise) for statuses openapi.yaml does not list.
 */
export function jsonSchemaFor(contract: Contract, exchange: Exchange, status: number): { uri: string; name: string } {
  const media = documentedResponse(contract, exchange, status)?.media.get('application/json');
  if (media?.schemaUri) return { uri: media.schemaUri, name: media.schemaName ?? 'the documented schema' };
  return component(contract, status >= 200 && status < 300 ? 'Envelope' : 'ErrorEnvelope');
}

/** The error-body forms seen from the real API beside the documented v4 ErrorEnvelope (openapi.yaml ObservedErrorBody). */
export const OBSERVED_ERROR_FORMS = ['ErrorEnvelopeSingleError', 'AiErrorBody', 'GatewayErrorEnvelope'] as const;

/**
 * The observed error form a failure body is in, when it is not the v4 ErrorEnvelope but one of the forms the
 * real API was seen sending; else undefined. Such a body is a real answer, so it weighs a warning, not an error.
 */
export function observedErrorForm(contract: Contract, body: unknown): (typeof OBSERVED_ERROR_FORMS)[number] | undefined {
  if (!isObject(body)) return undefined;
  return OBSERVED_ERROR_FORMS.find((name) => contract.validate(contract.componentUri(name), body).length === 0);
}

/** The warning for a failure answered in an observed, undocumented error form; `lead` says what answered how. */
export function observedErrorFinding(check: CheckId, lead: string, form: string): Finding {
  const message = `${lead} an error body in the form ${form} (seen from the real API, spec/openapi.yaml ObservedErrorBody), not the documented v4 ErrorEnvelope`;
  return { check, message, instancePath: '', expected: 'ErrorEnvelope', actual: form, severity: 'warning' };
}
