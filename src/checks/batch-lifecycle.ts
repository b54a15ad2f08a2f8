/**
 * @module batch.lifecycle: the asynchronous Batch API end to end (spec/openapi.yaml `BatchAnswer`). The harness
 * queues a `{requests: [...]}` batch with `?queueRequest=true`, then polls with `{request_id}` until the
 * results come. The acknowledgement carries a `request_id` (and `status: "queued"`, the model), each poll
 * answers "queued"/"running" or the results, and the results answer every request exactly once: ids unique
 * and in range, `external_reference` echoed, each successful `result` valid for the model's output schema.
 */
import { formatSchemaError } from '../contract/schema-errors.js';
import type { Exchange } from '../targets/types.js';
import { defineMultiCheck } from './_internals/define.js';
import { isObject, isSuccessStatus, jsonValue, requestJson } from './_internals/exchange.js';
import type { CheckContext, Finding } from './types.js';

const check = 'batch.lifecycle';

/** The batch a request queues (its `requests`), when it is a submission. */
function submittedItems(exchange: Exchange): unknown[] | undefined {
  const body = requestJson(exchange);
  return isObject(body) && Array.isArray(body.requests) ? body.requests : undefined;
}

/** The request id a request polls for, when it is a poll. */
function polledId(exchange: Exchange): string | undefined {
  const body = requestJson(exchange);
  return isObject(body) && !('requests' in body) && typeof body.request_id === 'string' ? body.request_id : undefined;
}

/** The envelope's `result` of a 2xx JSON answer, or a finding saying why there is none. */
function resultOf(exchange: Exchange, label: string): { result: Record<string, unknown> } | { finding: Finding } {
  const response = exchange.response;
  if (!response) return { finding: { check, message: `${label}: no answer (${exchange.error?.message ?? 'the request failed'})` } };
  if (!isSuccessStatus(response.status)) return { finding: { check, message: `${label}: answered HTTP ${response.status}, expected 2xx`, expected: '2xx', actual: String(response.status) } };
  const body = jsonValue(response);
  const result = isObject(body) ? body.result : undefined;
  if (!isObject(result)) return { finding: { check, message: `${label}: the answer has no result object`, instancePath: '/result', expected: 'an object', actual: JSON.stringify(result ?? null).slice(0, 60) } };
  return { result };
}

function judgeResults(result: Record<string, unknown>, items: unknown[], label: string, context: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const responses = result.responses as unknown[];
  const seen = new Set<number>();
  responses.forEach((entry, i) => {
    const at = `/result/responses/${i}`;
    if (!isObject(entry)) {
      findings.push({ check, message: `${label}: responses[${i}] is not an object`, instancePath: at });
      return;
    }
    const id = entry.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= items.length) {
      findings.push({ check, message: `${label}: responses[${i}].id is ${JSON.stringify(id)}, expected the index of a request (0..${items.length - 1})`, instancePath: `${at}/id`, expected: `0..${items.length - 1}`, actual: JSON.stringify(id) });
      return;
    }
    if (seen.has(id)) findings.push({ check, message: `${label}: request ${id} is answered more than once`, instancePath: `${at}/id`, expected: 'unique ids', actual: String(id) });
    seen.add(id);
    const item = items[id];
    const reference = isObject(item) && typeof item.external_reference === 'string' ? item.external_reference : undefined;
    if (reference !== undefined && entry.external_reference !== reference) {
      findings.push({ check, message: `${label}: responses[${i}].external_reference is ${JSON.stringify(entry.external_reference)}, expected the request's "${reference}"`, instancePath: `${at}/external_reference`, expected: reference, actual: JSON.stringify(entry.external_reference) });
    }
    if (entry.success !== true) return; // a failed item carries no output to judge
    if (context.model) {
      // One finding per result: an output of several forms (anyOf) explains its failure once per form.
      const [error, ...more] = context.contract.validateModel(context.model, 'output', entry.result);
      if (error) {
        const rest = more.length ? ` (and ${more.length} more)` : '';
        findings.push({ check, message: `${label}: responses[${i}].result breaks ${context.model.id}'s output schema: ${formatSchemaError(error)}${rest}`, instancePath: `${at}/result${error.instancePath}`, expected: error.expected, actual: error.actual });
      }
    }
  });
  const missing = items.map((_, index) => index).filter((index) => !seen.has(index));
  if (missing.length) findings.push({ check, message: `${label}: request${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${items.length} never answered`, instancePath: '/result/responses', expected: `${items.length} answers`, actual: `${seen.size}` });
  return findings;
}

/** batch.lifecycle: judges a submission and its polls, in the order the harness sent them. */
export const batchLifecycle = defineMultiCheck({
  id: check,
  description: 'async batch: queueRequest is acknowledged with a request_id, polls answer queued/running then the results, every request answered once with a valid result',
  area: 'batch',
  applies: (exchanges) => exchanges.some((e) => submittedItems(e) !== undefined),
  judge(exchanges, context): Finding[] {
    const findings: Finding[] = [];
    const submission = exchanges.find((e) => submittedItems(e) !== undefined)!;
    const items = submittedItems(submission)!;
    const ack = resultOf(submission, 'the queued batch');
    if ('finding' in ack) return [ack.finding];
    const requestId = ack.result.request_id;
    if (typeof requestId !== 'string' || requestId === '') return [{ check, message: `the queued batch: result.request_id is ${JSON.stringify(requestId)}, expected the id to poll with`, instancePath: '/result/request_id', expected: 'a non-empty string', actual: JSON.stringify(requestId ?? null) }];
    if (ack.result.status !== undefined && ack.result.status !== 'queued') findings.push({ check, message: `the queued batch: result.status is ${JSON.stringify(ack.result.status)}, expected "queued"`, instancePath: '/result/status', expected: 'queued', actual: JSON.stringify(ack.result.status) });
    if (context.model && ack.result.model !== undefined && ack.result.model !== context.model.id) findings.push({ check, message: `the queued batch: result.model is ${JSON.stringify(ack.result.model)}, expected "${context.model.id}"`, instancePath: '/result/model', expected: context.model.id, actual: JSON.stringify(ack.result.model) });

    const polls = exchanges.filter((e) => polledId(e) === requestId);
    let answered = false;
    polls.forEach((poll, i) => {
      if (answered) return;
      const label = `poll #${i + 1}`;
      const answer = resultOf(poll, label);
      if ('finding' in answer) {
        findings.push(answer.finding);
        return;
      }
      if (Array.isArray(answer.result.responses)) {
        answered = true;
        findings.push(...judgeResults(answer.result, items, label, context));
      } else if (answer.result.status !== 'queued' && answer.result.status !== 'running') {
        findings.push({ check, message: `${label}: the answer is neither the results (responses) nor a status queued/running: ${JSON.stringify(answer.result).slice(0, 80)}`, instancePath: '/result', expected: 'responses, or status queued | running', actual: JSON.stringify(answer.result).slice(0, 60) });
      }
    });
    if (!answered && polls.length > 0) findings.push({ check, message: `the batch ${requestId} was still not answered after ${polls.length} polls`, expected: 'the results', actual: 'queued/running' });
    return findings;
  },
});
