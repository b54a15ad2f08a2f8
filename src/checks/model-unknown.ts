/** @module model.unknown: a model id the catalogue does not have is refused with the documented "no such model" error. */
import { defineCheck } from './_internals/define.js';
import { observedCodeAt, statusesForCode } from './_internals/documented.js';
import { errorCodes, firstErrorText, isSuccessStatus, jsonValue, judgeable, modelIdOf, noResponseText, operationLabel } from './_internals/exchange.js';
import { toFindings } from './_internals/problem.js';
import { errorEnvelopeProblems } from './status.js';
import { BINDING_ERROR_NAME, bindingCallLabel, returnedText, thrownByBinding, thrownText } from './_internals/binding.js';
import type { Exchange } from '../targets/types.js';
import type { Finding } from './types.js';

/** The documented errors for a model that does not exist: 5007 "No such model" and 3042 "Invalid model ID". */
export const UNKNOWN_MODEL_CODES: ReadonlyMap<number, string> = new Map([
  [5007, 'No such model'],
  [3042, 'Invalid model ID'],
]);

/**
 * Observed, not documented: the live /ai/run answered an unknown model 400 with the v4 routing code 7000 "No route
 * for that URI" (spec/openapi.yaml BadRequest, `x-wai-observed-error-codes`, with its evidence). A real answer, so a
 * warning, never an error, at a status whose response lists it as observed; elsewhere it is judged like any other code.
 */
export const OBSERVED_UNKNOWN_MODEL_CODES: ReadonlyMap<number, string> = new Map([[7000, 'No route for that URI']]);

/** model.unknown: unknown model → the status the contract documents for code 5007 (400) or 3042 (404), with that code. */
export const modelUnknown = defineCheck({
  id: 'model.unknown',
  description: 'an unknown model id is refused with the documented error (400 code 5007 or 404 code 3042; 400 code 7000, seen live, is a warning), never 2xx or 5xx',
  area: 'model',
  applies: (exchange, context) => context.expectation === 'unknown-model' && judgeable(exchange),
  judge(exchange, context): Finding[] {
    const check = 'model.unknown';
    const label = `${operationLabel(exchange)} for unknown model ${JSON.stringify(modelIdOf(exchange) ?? '?')}`;
    if (exchange.binding) return bindingUnknownModel(exchange);
    const response = exchange.response;
    if (!response) return [{ check, message: `${label}: expected a "no such model" error, got ${noResponseText(exchange)}`, expected: '4xx', actual: exchange.error?.kind ?? 'no response' }];
    const { status } = response;
    const body = jsonValue(response);
    const why = firstErrorText(body);
    const op = exchange.spec.operation;
    // models/schema documents only 400 with message-only errors for an unknown model.
    const catalog = op.kind === 'catalog';
    const byCode = new Map([...UNKNOWN_MODEL_CODES.keys()].map((code) => [code, statusesForCode(context.contract, exchange, code)]));
    const documentedStatuses = catalog ? [400] : [...new Set([...byCode.values()].flat())].sort((a, b) => a - b);
    const expectedStatuses = documentedStatuses.length ? documentedStatuses : [400, 404];
    if (isSuccessStatus(status) || status >= 500 || status < 400) {
      const what = isSuccessStatus(status) ? 'the unknown model was served' : status >= 500 ? 'a server error instead of a client error' : 'not an error';
      return [{ check, message: `${label}: answered ${status}${why ? ` (${why})` : ''}, expected ${expectedStatuses.join(' or ')}: ${what}`, expected: expectedStatuses.join(' | '), actual: String(status) }];
    }
    const findings: Finding[] = [];
    if (!expectedStatuses.includes(status)) findings.push({ check, message: `${label}: answered ${status}${why ? ` (${why})` : ''}, expected ${expectedStatuses.join(' or ')}`, expected: expectedStatuses.join(' | '), actual: String(status) });
    if (body === undefined) {
      findings.push({ check, message: `${label}: the ${status} answer is not JSON, expected the v4 error envelope`, instancePath: '', expected: 'the v4 error envelope', actual: 'a body that is not JSON' });
      return findings;
    }
    findings.push(...toFindings(check, errorEnvelopeProblems(body, !catalog)));
    if (catalog) return findings;
    const codes = errorCodes(body);
    const known = codes.filter((code) => UNKNOWN_MODEL_CODES.has(code));
    const wanted = [...UNKNOWN_MODEL_CODES].map(([code, name]) => `${code} (${name})`).join(' or ');
    const observed = observedCodeAt(context.contract, exchange, codes, OBSERVED_UNKNOWN_MODEL_CODES, status);
    if (known.length === 0 && observed !== undefined) {
      const name = OBSERVED_UNKNOWN_MODEL_CODES.get(observed)!;
      findings.push({ check, message: `errors carry code ${observed} (${name}), as the live API was seen to answer an unknown model at ${status}; the documented answer is ${wanted}`, instancePath: '/errors/0/code', expected: [...UNKNOWN_MODEL_CODES.keys()].join(' | '), actual: String(observed), severity: 'warning' });
    } else if (codes.length > 0 && known.length === 0) {
      findings.push({ check, message: `errors carry code ${codes.join(', ')}, expected ${wanted}`, instancePath: '/errors/0/code', expected: [...UNKNOWN_MODEL_CODES.keys()].join(' | '), actual: codes.join(', ') });
    }
    for (const code of known) {
      const statuses = byCode.get(code) ?? [];
      if (statuses.length > 0 && !statuses.includes(status)) {
        findings.push({ check, message: `${label}: code ${code} (${UNKNOWN_MODEL_CODES.get(code)}) came with status ${status}, expected ${statuses.join(' or ')} as documented for that code`, expected: statuses.join(' | '), actual: String(status) });
      }
    }
    return findings;
  },
});

/** model.unknown for a binding call: `run` must throw InferenceUpstreamError "5007: ..." (or 3042). */
function bindingUnknownModel(exchange: Exchange): Finding[] {
  const check = 'model.unknown';
  const label = `${bindingCallLabel(exchange)} for an unknown model`;
  const wanted = [...UNKNOWN_MODEL_CODES].map(([code, name]) => `${code} (${name})`).join(' or ');
  const thrown = thrownByBinding(exchange);
  if (!thrown) return [{ check, message: `${label}: resolved to ${returnedText(exchange)}, expected it to throw ${BINDING_ERROR_NAME} with code ${wanted}: the unknown model was served`, expected: BINDING_ERROR_NAME, actual: 'resolved' }];
  const findings: Finding[] = [];
  if (thrown.name !== BINDING_ERROR_NAME) findings.push({ check, message: `${label}: threw ${thrownText(thrown)}, expected ${BINDING_ERROR_NAME}`, expected: BINDING_ERROR_NAME, actual: thrown.name });
  if (thrown.code === undefined || !UNKNOWN_MODEL_CODES.has(thrown.code)) {
    findings.push({ check, message: `${label}: threw "${thrown.message}", expected "<code>: ..." with code ${wanted}`, expected: [...UNKNOWN_MODEL_CODES.keys()].join(' | '), actual: thrown.code === undefined ? thrown.message : String(thrown.code) });
  }
  return findings;
}
