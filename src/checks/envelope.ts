/** @module envelope.shape and envelope.consistency: JSON answers of the v4 API are the documented envelope, and it does not contradict itself. */
import type { Exchange } from '../targets/types.js';
import { defineCheck } from './_internals/define.js';
import { jsonSchemaFor, observedErrorFinding, observedErrorForm } from './_internals/documented.js';
import { isObject, isRun, isSuccessStatus, jsonBody, jsonValue, modelOf, openAiEndpoint, operationLabel, streamRequested } from './_internals/exchange.js';
import { problem, schemaProblems, toFindings, type Problem } from './_internals/problem.js';
import type { CheckContext, Finding } from './types.js';

/**
 * True when the answer should be a v4 envelope: every catalogue answer, every failure, and /ai/run successes
 * except streams and binary models. /ai/v1 successes are OpenAI-shaped (the openai.* checks judge them).
 */
export function expectsEnvelope(exchange: Exchange, context: CheckContext): boolean {
  const response = exchange.response;
  if (!response) return false;
  if (!isSuccessStatus(response.status)) return true;
  if (openAiEndpoint(exchange)) return false;
  if (isRun(exchange)) {
    if (streamRequested(exchange, context)) return false;
    const model = modelOf(exchange, context);
    return model ? model.facts.response.envelope : true;
  }
  return true;
}

/** envelope.shape: the JSON body matches the schema openapi.yaml documents for the operation and status. */
export const envelopeShape = defineCheck({
  id: 'envelope.shape',
  description: 'JSON answers of /ai/run, the catalogue and every failure match the documented v4 envelope schema',
  area: 'envelope',
  applies: expectsEnvelope,
  judge(exchange, context): Finding[] {
    const response = exchange.response!;
    const schema = jsonSchemaFor(context.contract, exchange, response.status);
    const body = jsonBody(response);
    if (!body.ok) {
      return [{ check: 'envelope.shape', message: `${operationLabel(exchange)} answered ${response.status} with ${body.reason}, expected a JSON ${schema.name}`, instancePath: '', expected: `JSON (${schema.name})`, actual: body.reason }];
    }
    const errors = context.contract.validate(schema.uri, body.value);
    if (errors.length > 0 && schema.name === 'ErrorEnvelope') {
      const form = observedErrorForm(context.contract, body.value);
      if (form) return [observedErrorFinding('envelope.shape', `${operationLabel(exchange)} answered ${response.status} with`, form)];
    }
    return toFindings('envelope.shape', schemaProblems(errors, `${schema.name} (status ${response.status})`));
  },
});

/**
 * `result` carries nothing: absent, null, or `{}` (Cloudflare's 2024 OpenAPI declared an object there on errors), or
 * `[]` (AI Gateway's own refusals, spec/openapi.yaml GatewayErrorEnvelope).
 */
function emptyResult(body: Record<string, unknown>): boolean {
  const result = body.result;
  return result === undefined || result === null || (isObject(result) && Object.keys(result).length === 0) || (Array.isArray(result) && result.length === 0);
}

/** The consistency rules of a parsed envelope against its HTTP status. */
export function envelopeConsistencyProblems(body: Record<string, unknown>, status: number): Problem[] {
  const problems: Problem[] = [];
  const { success } = body;
  if (typeof success !== 'boolean') return problems; // not an envelope at all: envelope.shape says so
  const ok = isSuccessStatus(status);
  if (success !== ok) {
    problems.push(problem('/success', `is ${success} but the HTTP status is ${status}, expected ${ok} (2xx ⇔ success)`, String(ok), String(success)));
  }
  const errors = body.errors;
  if (success) {
    if (Array.isArray(errors) && errors.length > 0) problems.push(problem('/errors', `has ${errors.length} error(s) although success is true, expected []`, '[]', `${errors.length} error(s)`));
    if (!('result' in body) || body.result === null) problems.push(problem('/result', `is ${body.result === null ? 'null' : 'missing'} although success is true, expected the payload`, 'a result', body.result === null ? 'null' : 'nothing'));
  } else {
    // The catalogue searches' documented 404 carries a singular `error` string instead of `errors`; real answers
    // also carry `errors` as one object and AI Gateway's refusals an `error` list (spec/openapi.yaml ObservedErrorBody).
    const hasErrors =
      (Array.isArray(errors) && errors.length > 0) ||
      isObject(errors) ||
      (typeof body.error === 'string' && body.error !== '') ||
      (Array.isArray(body.error) && body.error.length > 0);
    if (!hasErrors) problems.push(problem('/errors', `is ${Array.isArray(errors) ? 'empty' : 'missing'} although success is false, expected at least one error`, 'a non-empty array', Array.isArray(errors) ? '[]' : 'nothing'));
    if (!emptyResult(body)) problems.push(problem('/result', 'carries a payload although success is false, expected null', 'null', 'a payload'));
  }
  return problems;
}

/** envelope.consistency: success ⇔ no errors ⇔ result present, and success agrees with the HTTP status. */
export const envelopeConsistency = defineCheck({
  id: 'envelope.consistency',
  description: 'success ⇔ no errors ⇔ result present, and success agrees with the HTTP status',
  area: 'envelope',
  // Only envelopes that parse and carry `success`: anything else is envelope.shape's finding, not a consistency pass.
  applies: (exchange, context) => expectsEnvelope(exchange, context) && isObject(jsonValue(exchange.response)) && 'success' in (jsonValue(exchange.response) as object),
  judge(exchange): Finding[] {
    const response = exchange.response!;
    return toFindings('envelope.consistency', envelopeConsistencyProblems(jsonValue(response) as Record<string, unknown>, response.status));
  },
});
