/** @module auth.required: a request without valid credentials is refused with the documented authentication error. */
import { defineCheck } from './_internals/define.js';
import { documentedResponse, observedCodeAt, statusesForCode } from './_internals/documented.js';
import { errorCodes, firstErrorText, isSuccessStatus, jsonValue, judgeable, noResponseText, operationLabel } from './_internals/exchange.js';
import { errorEnvelopeProblems } from './status.js';
import { toFindings } from './_internals/problem.js';
import type { Finding } from './types.js';

/** Cloudflare v4's "Authentication error", used when the contract's 401 response lists no codes. */
const AUTHENTICATION_ERROR = 10000;

/**
 * Observed, not documented: the live catalogue search refused a bad key 400 with 10001 "Unable to authenticate
 * request" (spec/openapi.yaml CatalogBadRequest, with its evidence). A real refusal, so a warning, never an error, at
 * a status whose response lists the code as observed for the operation; elsewhere it is judged like any other code.
 */
export const OBSERVED_AUTH_CODES: ReadonlyMap<number, string> = new Map([[10001, 'Unable to authenticate request']]);

/** auth.required: no, malformed or wrong credentials → 401/403 with the documented code; never a 2xx. */
export const authRequired = defineCheck({
  id: 'auth.required',
  description: 'no or bad credentials are refused with the documented authentication error (401/403, code 10000; 400 code 10001, seen live on the catalogue search, is a warning), never served',
  area: 'auth',
  applies: (exchange, context) => context.expectation === 'auth-error' && judgeable(exchange),
  judge(exchange, context): Finding[] {
    const check = 'auth.required';
    const sent = { none: 'no credential', invalid: 'a wrong credential', default: 'the credential under test' }[exchange.spec.auth ?? 'default'];
    const label = `${operationLabel(exchange)} with ${sent}`;
    const response = exchange.response;
    if (!response) return [{ check, message: `${label}: expected an authentication error, got ${noResponseText(exchange)}`, expected: '401 or 403', actual: exchange.error?.kind ?? 'no response' }];
    const codes = documentedResponse(context.contract, exchange, 401)?.errorCodes ?? [];
    const expectedCodes = codes.length ? codes : [AUTHENTICATION_ERROR];
    const statuses = [...new Set(expectedCodes.flatMap((code) => statusesForCode(context.contract, exchange, code)))].sort((a, b) => a - b);
    const expectedStatuses = statuses.length ? statuses : [401, 403];
    const { status } = response;
    if (isSuccessStatus(status)) return [{ check, message: `${label}: answered ${status}, expected ${expectedStatuses.join(' or ')}: the request was served without valid credentials`, expected: expectedStatuses.join(' | '), actual: String(status) }];
    const findings: Finding[] = [];
    const body = jsonValue(response);
    const found = errorCodes(body);
    const observed = observedCodeAt(context.contract, exchange, found, OBSERVED_AUTH_CODES, status);
    if (observed !== undefined && !found.some((code) => expectedCodes.includes(code))) {
      const wanted = `${expectedStatuses.join(' or ')} with code ${expectedCodes.join(' or ')}`;
      findings.push({ check, message: `${label}: answered ${status} with code ${observed} (${OBSERVED_AUTH_CODES.get(observed)}), as the live API was seen to refuse a bad credential here; the documented answer is ${wanted}`, instancePath: '/errors/0/code', expected: expectedCodes.join(' | '), actual: String(observed), severity: 'warning' });
      findings.push(...toFindings(check, errorEnvelopeProblems(body)));
      return findings;
    }
    if (!expectedStatuses.includes(status)) {
      const why = firstErrorText(body);
      findings.push({ check, message: `${label}: answered ${status}${why ? ` (${why})` : ''}, expected ${expectedStatuses.join(' or ')}`, expected: expectedStatuses.join(' | '), actual: String(status) });
    }
    if (body === undefined) {
      findings.push({ check, message: `${label}: the ${status} answer is not JSON, expected the v4 error envelope with code ${expectedCodes.join(' or ')}`, instancePath: '', expected: 'the v4 error envelope', actual: 'a body that is not JSON' });
      return findings;
    }
    const shape = errorEnvelopeProblems(body);
    findings.push(...toFindings(check, shape));
    if (found.length > 0 && !found.some((code) => expectedCodes.includes(code))) {
      findings.push({ check, message: `errors carry code ${found.join(', ')}, expected ${expectedCodes.join(' or ')} (Authentication error)`, instancePath: '/errors/0/code', expected: expectedCodes.join(' | '), actual: found.join(', ') });
    }
    return findings;
  },
});
