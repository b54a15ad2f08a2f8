/** @module Coverage of an execution's judged exchanges: each exchange read as a coverage observation, and the checks that judged nothing. */
import { thrownByBinding } from '../checks/_internals/binding.js';
import { documentedResponses, operationPath, statusesForCode } from '../checks/_internals/documented.js';
import { isObject, jsonValue } from '../checks/_internals/exchange.js';
import type { CheckId, Expectation } from '../checks/types.js';
import type { Contract } from '../contract/contract.js';
import type { Exchange } from '../targets/types.js';
import { CoverageRecorder, type CoverageObservation, type CoverageSample, type ModelFacet } from './coverage-recorder.js';
import type { JudgedExchange } from './property.js';

/** An exchange as coverage sees it: the operation, the status, the model input sent and the model output answered. */
export function observationOf(contract: Contract, exchange: Exchange, input: unknown, expectation: Expectation, rule?: string): CoverageObservation {
  const { spec, response } = exchange;
  const operation = `${spec.method} ${operationPath(exchange)}`;
  const observation: CoverageObservation = { operation, documented: [...documentedResponses(contract, exchange).keys()], expectation };
  if (response) observation.status = response.status;
  // A binding throws instead of answering: its error's code stands for the status the contract documents for it.
  const thrown = thrownByBinding(exchange);
  if (thrown) {
    observation.refused = true;
    const statuses = thrown.code !== undefined ? statusesForCode(contract, exchange, thrown.code) : [];
    if (statuses.length) observation.status = statuses[0]!;
  }
  if (spec.operation.kind !== 'run') return observation;
  observation.model = spec.operation.model;
  if (rule !== undefined) observation.rule = rule;
  if (spec.body && 'json' in spec.body) observation.input = input ?? spec.body.json;
  // The model's output schema describes a non-streamed JSON answer's `result`.
  if (response && response.status >= 200 && response.status < 300 && !response.events) {
    const body = jsonValue(response);
    if (isObject(body) && 'result' in body) observation.output = body.result;
  }
  return observation;
}

/** Why a check judged none of an execution's exchanges. */
function skipReason(judged: readonly JudgedExchange[]): string {
  if (judged.length === 0) return 'no request was sent (budget, or nothing to draw)';
  const answered = judged.filter((j) => j.exchange.response);
  if (answered.length === 0) return `no answer to the ${judged.length} request${judged.length === 1 ? '' : 's'} (transport errors)`;
  const statuses = [...new Set(answered.map((j) => j.exchange.response!.status))].sort((a, b) => a - b).join(', ');
  return `applies to none of the ${answered.length} answer${answered.length === 1 ? '' : 's'} (status ${statuses})`;
}

/** What an execution covered, from its judged exchanges (computed once, when its results are first read). */
export function sampleExecution(contract: Contract, judged: readonly JudgedExchange[], options: { expectation: Expectation; model?: string; facets: readonly ModelFacet[]; checks: readonly CheckId[] }): CoverageSample {
  const recorder = new CoverageRecorder();
  if (options.model !== undefined) recorder.expect(options.model, options.facets);
  for (const j of judged) if (!j.borrowed) recorder.record(observationOf(contract, j.exchange, j.input, options.expectation, j.rule));
  for (const check of options.checks) {
    if (!judged.some((j) => j.outcomes.some((o) => o.check === check && o.status !== 'skipped'))) recorder.skipped({ model: options.model ?? null, check, reason: skipReason(judged) });
  }
  return recorder.sample(contract);
}
