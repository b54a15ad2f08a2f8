/** @module output.schema: the `result` of a successful /ai/run answer matches the model's effective output schema. */
import { defineCheck } from './_internals/define.js';
import { isObject, isRun, isSuccessStatus, jsonValue, modelOf, streamRequested } from './_internals/exchange.js';
import { schemaProblems, toFindings } from './_internals/problem.js';
import type { Exchange } from '../targets/types.js';
import type { CheckContext, Finding } from './types.js';

/** The `result` of a successful enveloped /ai/run answer, when there is one to judge. */
export function runResult(exchange: Exchange, context: CheckContext): { found: true; result: unknown } | { found: false } {
  const response = exchange.response;
  if (!response || !isRun(exchange) || !isSuccessStatus(response.status) || streamRequested(exchange, context)) return { found: false };
  const model = modelOf(exchange, context);
  if (!model || !model.facts.response.envelope) return { found: false };
  const body = jsonValue(response);
  // A body that does not parse, or has no `result`, is envelope.shape's finding; there is no output to judge.
  if (!isObject(body) || !('result' in body)) return { found: false };
  return { found: true, result: body.result };
}

/** True when a binding call for a JSON model (not streaming) resolved to a byte stream instead of the result. */
function streamInsteadOfJson(exchange: Exchange, context: CheckContext): boolean {
  if (exchange.binding?.returned !== 'stream' || streamRequested(exchange, context)) return false;
  const model = modelOf(exchange, context);
  return model !== undefined && model.facts.response.envelope;
}

/** output.schema: validates `result` against `spec/models` (generated structure + task constraints + overlay). */
export const outputSchema = defineCheck({
  id: 'output.schema',
  description: "a successful /ai/run answer's result matches the model's output schema",
  area: 'output',
  applies: (exchange, context) => runResult(exchange, context).found || streamInsteadOfJson(exchange, context),
  judge(exchange, context): Finding[] {
    if (streamInsteadOfJson(exchange, context)) {
      const model = modelOf(exchange, context)!;
      return [{ check: 'output.schema', message: `env.AI.run(${JSON.stringify(model.id)}) resolved to a ReadableStream, expected the result object the model answers (the binding parses an answer only when its Content-Type is exactly application/json)`, expected: 'an object', actual: 'a ReadableStream' }];
    }
    const found = runResult(exchange, context);
    if (!found.found) return [];
    const model = modelOf(exchange, context)!;
    const errors = context.contract.validate(context.contract.modelSchemaUri(model, 'output'), found.result, '/result');
    return toFindings('output.schema', schemaProblems(errors, `the output schema of ${model.id}`));
  },
});
