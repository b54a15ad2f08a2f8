/** @module status.success and status.client-error: the HTTP status says what happened to the request. */
import { documentedClientErrors, jsonSchemaFor, observedErrorFinding, observedErrorForm, statusesForCode, statusesForObservedCode } from './_internals/documented.js';
import { defineCheck } from './_internals/define.js';
import { errorCodes, firstErrorText, isObject, isSuccessStatus, jsonValue, judgeable, modelOf, noResponseText, openAiEndpoint, operationLabel } from './_internals/exchange.js';
import { modelStatus } from '../contract/types.js';
import { at, problem, schemaProblems, toFindings, type Problem } from './_internals/problem.js';
import { BINDING_ERROR_NAME, bindingCallLabel, returnedText, thrownByBinding, thrownText } from './_internals/binding.js';
import type { Exchange } from '../targets/types.js';
import type { CheckContext, Finding } from './types.js';

/** status.success: a request the harness built to be valid is answered 2xx. */
export const statusSuccess = defineCheck({
  id: 'status.success',
  description: 'a valid request is answered with a 2xx status (a deprecated model refused 410 code 5028, as retired models were seen answering, is a warning)',
  area: 'status',
  applies: (exchange, context) => context.expectation === 'success' && judgeable(exchange),
  judge(exchange, context): Finding[] {
    const thrown = thrownByBinding(exchange);
    if (thrown) {
      const finding: Finding = { check: 'status.success', message: `${bindingCallLabel(exchange)}: expected a valid input to be answered, it threw ${thrownText(thrown)}`, expected: 'an answer', actual: thrown.name };
      return [retiredRefusal(exchange, context, thrown.code === undefined ? [] : [thrown.code], finding)];
    }
    const response = exchange.response;
    if (!response) return [{ check: 'status.success', message: `${operationLabel(exchange)}: expected a 2xx answer to a valid request, got ${noResponseText(exchange)}`, expected: '2xx', actual: exchange.error?.kind ?? 'no response' }];
    if (isSuccessStatus(response.status)) return [];
    const body = jsonValue(response);
    const why = firstErrorText(body);
    const retried = exchange.attempts > 1 ? ` after ${exchange.attempts} attempts` : '';
    const finding: Finding = {
      check: 'status.success',
      message: `${operationLabel(exchange)}: expected a 2xx answer to a valid request, got ${response.status}${retried}${why ? ` (${why})` : ''}`,
      expected: '2xx',
      actual: String(response.status),
    };
    return [response.status === GONE ? retiredRefusal(exchange, context, errorCodes(body), finding) : finding];
  },
});

/** HTTP 410: what the live API answered a retired model with (spec/openapi.yaml `Gone`). */
const GONE = 410;

/**
 * A deprecated model (spec/models/lifecycle.yaml) refused with a code the contract lists for 410 (5028, seen live for
 * models past their retirement date, by REST and by the binding) was retired, not wrongly refused: `run` sends such
 * models only when asked for them, so the refusal is a warning. Any other refusal stays as it is.
 */
function retiredRefusal(exchange: Exchange, context: CheckContext, codes: number[], finding: Finding): Finding {
  const model = modelOf(exchange, context);
  if (!model || modelStatus(model) !== 'deprecated') return finding;
  const code = codes.find((c) => [...statusesForCode(context.contract, exchange, c), ...statusesForObservedCode(context.contract, exchange, c)].includes(GONE));
  if (code === undefined) return finding;
  const date = model.lifecycle?.deprecationDate ? ` on ${model.lifecycle.deprecationDate}` : '';
  return { ...finding, severity: 'warning', message: `${finding.message}: ${model.id} was deprecated${date} (spec/models/lifecycle.yaml), and code ${code} at ${GONE} is how the live API refuses a retired model` };
}

/** True for an all-digit string or an integer: the contract's `ErrorCode`. */
function isNumericCode(code: unknown): boolean {
  return (typeof code === 'number' && Number.isInteger(code)) || (typeof code === 'string' && /^[0-9]+$/.test(code));
}

/** Problems reported for one envelope's errors, at most. */
const MAX_ERROR_PROBLEMS = 100;

/**
 * The error-envelope rules every failure answer shares: `success: false` and at least one error with a numeric
 * `code` and a non-empty `message`. `requireCode` is false where the contract documents message-only errors.
 */
export function errorEnvelopeProblems(body: unknown, requireCode = true): Problem[] {
  if (!isObject(body)) return [problem('', 'is not a JSON object, expected the v4 error envelope {success: false, errors: [...]}')];
  const problems: Problem[] = [];
  if (body.success !== false) problems.push(problem('/success', `is ${JSON.stringify(body.success) ?? 'missing'}, expected false in an error answer`, 'false', JSON.stringify(body.success) ?? 'nothing'));
  if (!Array.isArray(body.errors) || body.errors.length === 0) {
    problems.push(problem('/errors', `is ${Array.isArray(body.errors) ? 'empty' : (JSON.stringify(body.errors) ?? 'missing')}, expected at least one error`, 'a non-empty array', Array.isArray(body.errors) ? '[]' : (JSON.stringify(body.errors) ?? 'nothing')));
    return problems;
  }
  body.errors.forEach((error, i) => {
    if (problems.length >= MAX_ERROR_PROBLEMS) return; // 100,000s of bad errors say no more than the first ones
    const item = isObject(error) ? error : {};
    if ((requireCode || item.code !== undefined) && !isNumericCode(item.code)) {
      problems.push(problem(at('/errors', i, 'code'), `is ${JSON.stringify(item.code) ?? 'missing'}, expected a numeric error code`, 'an integer (or all-digit string)', JSON.stringify(item.code) ?? 'nothing'));
    }
    if (typeof item.message !== 'string' || item.message.trim() === '') {
      problems.push(problem(at('/errors', i, 'message'), `is ${JSON.stringify(item.message) ?? 'missing'}, expected a non-empty message`, 'a non-empty string', JSON.stringify(item.message) ?? 'nothing'));
    }
  });
  return problems;
}

/**
 * Documented 4xx statuses that are about the credentials, the clock or the rate, never about the input: a request
 * with valid credentials and invalid input answered with one of them was not judged on its input.
 */
const NOT_ABOUT_INPUT: ReadonlyMap<number, string> = new Map([
  [401, 'an authentication error'],
  [403, 'a permission error'],
  [408, 'a timeout'],
  [410, 'a retired model'],
  [429, 'a rate or capacity limit'],
]);

/** status.client-error: invalid input is answered with a documented 4xx and the error envelope; never 2xx, never 5xx. */
export const statusClientError = defineCheck({
  id: 'status.client-error',
  description: 'invalid input is answered with a documented 4xx and the v4 error envelope (not 2xx, not 5xx)',
  area: 'status',
  applies: (exchange, context) => context.expectation === 'client-error' && judgeable(exchange),
  judge(exchange, context): Finding[] {
    return withInputSeverity(exchange.binding ? bindingClientError(exchange, context) : judgeClientError(exchange, context), context);
  },
});

/**
 * How a target answers an input that breaks a rule weighs as much as the evidence that the real API
 * enforces that rule (spec/enforcement.yaml): an error where enforcement is established, a warning
 * where it rests on documentation alone. Without a known broken rule every finding stays an error.
 */
function withInputSeverity(findings: Finding[], context: CheckContext): Finding[] {
  const severity = context.invalid?.enforcement.severity;
  // Findings that already carry a severity (the error envelope's shape) do not depend on the broken rule.
  return severity === 'warning' ? findings.map((f) => (f.severity ? f : { ...f, severity, message: `${f.message} [rule ${context.invalid!.rule} at ${context.invalid!.pointer || '/'}: ${context.invalid!.enforcement.class}]` })) : findings;
}

function judgeClientError(exchange: Exchange, context: CheckContext): Finding[] {
  const check = 'status.client-error';
  const response = exchange.response;
  const label = operationLabel(exchange);
  if (!response) return [{ check, message: `${label}: expected a 4xx answer to invalid input, got ${noResponseText(exchange)}`, expected: '4xx', actual: exchange.error?.kind ?? 'no response' }];
  const { status } = response;
  if (isSuccessStatus(status)) return [{ check, message: `${label}: expected a 4xx answer to invalid input, got ${status}: the invalid input was accepted`, expected: '4xx', actual: String(status) }];
  if (status >= 500) {
    const why = firstErrorText(jsonValue(response));
    return [{ check, message: `${label}: expected a 4xx answer to invalid input, got ${status}: a server error instead of a client error${why ? ` (${why})` : ''}`, expected: '4xx', actual: String(status) }];
  }
  if (status < 400) return [{ check, message: `${label}: expected a 4xx answer to invalid input, got ${status}`, expected: '4xx', actual: String(status) }];
  const findings: Finding[] = [];
  const documented = documentedClientErrors(context.contract, exchange);
  const answers = documented.filter((s) => !NOT_ABOUT_INPUT.has(s));
  if (NOT_ABOUT_INPUT.has(status)) {
    findings.push({ check, message: `${label}: status ${status} says nothing about the input (${NOT_ABOUT_INPUT.get(status)}), expected it refused as invalid (${answers.join(', ') || '4xx'})`, expected: answers.join(' | ') || '4xx', actual: String(status) });
  } else if (documented.length > 0 && !documented.includes(status)) {
    findings.push({ check, message: `${label}: status ${status} is not documented for this operation (documented input errors: ${answers.join(', ')})`, expected: answers.join(' | '), actual: String(status) });
  }
  const body = jsonValue(response);
  if (body === undefined) {
    const expected = openAiEndpoint(exchange) === 'messages' ? 'an Anthropic error body' : 'the v4 error envelope';
    findings.push({ check, message: `${label}: the ${status} answer is not JSON, expected ${expected}`, instancePath: '', expected, actual: 'a body that is not JSON', severity: 'error' });
    return findings;
  }
  const op = exchange.spec.operation;
  // /ai/v1/messages refuses in Anthropic's form (spec/openapi.yaml MessagesBadRequest, MessagesNotFound), as seen.
  if (op.kind === 'openai' && op.endpoint === 'messages') {
    const schema = jsonSchemaFor(context.contract, exchange, status);
    const problems = schemaProblems(context.contract.validate(schema.uri, body), `${schema.name} (status ${status})`);
    return [...findings, ...toFindings(check, problems).map((f): Finding => ({ ...f, severity: 'error' }))];
  }
  // models/schema documents message-only errors (ModelSchemaErrorEnvelope); everywhere else a code is required.
  const requireCode = !(op.kind === 'catalog' && op.endpoint === 'models/schema');
  // The refusal's envelope is documented and observed whatever rule was broken (every pasted 5006 answer has it).
  const problems = errorEnvelopeProblems(body, requireCode);
  // A form the real API was also seen refusing with (a 5006 with `errors` as one object) is a warning.
  const form = problems.length > 0 ? observedErrorForm(context.contract, body) : undefined;
  if (form) return [...findings, observedErrorFinding(check, `${label}: refused with`, form)];
  return [...findings, ...toFindings(check, problems).map((f): Finding => ({ ...f, severity: 'error' }))];
}

/**
 * status.client-error for a binding call: invalid input must make `run` throw the binding's error
 * (`InferenceUpstreamError`, `<code>: <description>`) with a code that is not about credentials, rate or the server.
 */
function bindingClientError(exchange: Exchange, context: CheckContext): Finding[] {
  const check = 'status.client-error';
  const label = bindingCallLabel(exchange);
  const thrown = thrownByBinding(exchange);
  const expected = `${BINDING_ERROR_NAME} "<code>: <description>"`;
  if (!thrown) return [{ check, message: `${label}: expected invalid input to throw ${expected}, it resolved to ${returnedText(exchange)}: the invalid input was accepted`, expected, actual: `resolved (${returnedText(exchange)})` }];
  const findings: Finding[] = [];
  if (thrown.name !== BINDING_ERROR_NAME) findings.push({ check, message: `${label}: invalid input threw ${thrownText(thrown)}, expected ${expected} as the binding throws`, expected: BINDING_ERROR_NAME, actual: thrown.name });
  if (thrown.code === undefined) {
    findings.push({ check, message: `${label}: the error message "${thrown.message}" has no "<code>: " prefix, expected the backend's internal code (e.g. 5006: ...)`, expected: '<code>: <description>', actual: thrown.message });
    return findings;
  }
  const statuses = statusesForCode(context.contract, exchange, thrown.code);
  const wrong = statuses.filter((s) => s >= 500 || NOT_ABOUT_INPUT.has(s));
  if (wrong.length > 0 && wrong.length === statuses.length) {
    findings.push({ check, message: `${label}: invalid input threw code ${thrown.code}, which the contract documents for ${wrong.join(', ')} (not an input error)`, expected: 'a client-error code', actual: String(thrown.code) });
  }
  return findings;
}
