/**
 * @module catalog.consistency: what the catalogue says (models/search, models/schema) agrees with what /ai/run does:
 * a listed model is not refused as unknown, its published schema is answered, /ai/run accepts exactly the inputs the
 * published input schema accepts, answers match the published output schema, and listed tasks match the contract's.
 */
import { bareMediaType, mediaTypeMatches } from '../media/sniff.js';
import type { Exchange } from '../targets/types.js';
import { validateAdHoc } from './_internals/ad-hoc-schema.js';
import { defineMultiCheck } from './_internals/define.js';
import { errorCodes, header, isObject, isRun, isSuccessStatus, jsonValue, modelIdOf, requestJson } from './_internals/exchange.js';
import { at, pathLabel } from './_internals/problem.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import { requestedAudioType } from './_internals/media.js';
import { UNKNOWN_MODEL_CODES } from './model-unknown.js';
import type { CheckContext, Finding } from './types.js';

type Obj = Record<string, unknown>;
const check = 'catalog.consistency';

function catalogEndpoint(exchange: Exchange): string | undefined {
  const op = exchange.spec.operation;
  return op.kind === 'catalog' ? op.endpoint : undefined;
}

/** Model name → where models/search listed it (which exchange, which index), from every 2xx search answer. */
function listedModels(exchanges: Exchange[]): Map<string, { exchange: number; index: number; item: Obj }> {
  const listed = new Map<string, { exchange: number; index: number; item: Obj }>();
  exchanges.forEach((exchange, e) => {
    if (catalogEndpoint(exchange) !== 'models/search' || !exchange.response || !isSuccessStatus(exchange.response.status)) return;
    const body = jsonValue(exchange.response);
    if (!isObject(body) || !Array.isArray(body.result)) return;
    body.result.forEach((item, index) => {
      if (isObject(item) && typeof item.name === 'string' && !listed.has(item.name)) listed.set(item.name, { exchange: e, index, item });
    });
  });
  return listed;
}

/** Model id → the schemas models/schema published for it (first 2xx answer wins), and the failing answers. */
function publishedSchemas(exchanges: Exchange[]): { schemas: Map<string, { input: unknown; output: unknown }>; failures: Map<string, number> } {
  const schemas = new Map<string, { input: unknown; output: unknown }>();
  const failures = new Map<string, number>();
  for (const exchange of exchanges) {
    const model = exchange.spec.query?.model;
    if (catalogEndpoint(exchange) !== 'models/schema' || !exchange.response || model === undefined) continue;
    if (!isSuccessStatus(exchange.response.status)) {
      failures.set(model, exchange.response.status);
      continue;
    }
    const body = jsonValue(exchange.response);
    if (isObject(body) && isObject(body.result) && !schemas.has(model)) schemas.set(model, { input: body.result.input, output: body.result.output });
  }
  return { schemas, failures };
}

/** Task names compare loosely: case, spaces and hyphens aside ("Text-to-Image" = "text to image"). */
function sameTaskName(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
  return norm(a) === norm(b);
}

function summarize(errors: string[], limit = 3): string {
  return errors.length <= limit ? errors.join('; ') : `${errors.slice(0, limit).join('; ')}; and ${errors.length - limit} more`;
}

/** Agreement between the published schemas and one /ai/run exchange. */
function runAgainstSchema(exchange: Exchange, published: { input: unknown; output: unknown }, model: string): Finding[] {
  const findings: Finding[] = [];
  const response = exchange.response!;
  const input = requestJson(exchange);
  if (input !== undefined && isObject(published.input)) {
    const verdict = validateAdHoc(published.input, input, '', true);
    if (!verdict.ok) {
      findings.push({ check, message: `models/schema's input schema for ${model} does not compile: ${verdict.reason}`, expected: 'a JSON Schema', actual: verdict.reason });
    } else if (isSuccessStatus(response.status) && verdict.errors.length > 0) {
      const errors = verdict.errors.map(formatSchemaError);
      findings.push({ check, message: `/ai/run/${model} accepted (${response.status}) an input that models/schema's input schema rejects: ${summarize(errors)}`, expected: 'the published input schema to accept what /ai/run accepts', actual: summarize(errors) });
    } else if (response.status === 400 && verdict.errors.length === 0) {
      const why = isObject(jsonValue(response)) ? errorCodes(jsonValue(response)).join(', ') : '';
      findings.push({ check, message: `/ai/run/${model} rejected with 400${why ? ` (code ${why})` : ''} an input that models/schema's input schema accepts`, expected: 'the published input schema to reject what /ai/run rejects', actual: 'accepted by the schema, refused by /ai/run' });
    }
  }
  if (!isSuccessStatus(response.status) || !isObject(published.output)) return findings;
  const declared = typeof published.output.contentType === 'string' ? published.output.contentType : undefined;
  const answered = bareMediaType(header(response.headers, 'content-type'));
  if (declared && declared !== 'application/json') {
    // A request may ask for another container (Aura's `encoding: linear16` answers WAV); the
    // published type is the default, so the requested one is as good.
    const requested = declared.startsWith('audio/') ? requestedAudioType(isObject(requestJson(exchange)) ? (requestJson(exchange) as Record<string, unknown>) : undefined) : undefined;
    if (answered !== 'text/event-stream' && answered !== bareMediaType(declared) && !(requested && mediaTypeMatches(requested, answered))) {
      findings.push({ check, message: `models/schema says ${model} answers ${declared}, /ai/run answered ${answered || '(no Content-Type)'}`, expected: declared, actual: answered || 'no header' });
    }
    return findings;
  }
  const body = jsonValue(response);
  if (answered !== 'application/json' || !isObject(body) || !('result' in body)) return findings;
  const verdict = validateAdHoc(published.output, body.result, '/result', true);
  if (verdict.ok && verdict.errors.length > 0) {
    const errors = verdict.errors.map(formatSchemaError);
    findings.push({ check, message: `/ai/run/${model} answered a result that models/schema's output schema rejects: ${summarize(errors)}`, instancePath: verdict.errors[0]!.instancePath, expected: 'a result the published output schema accepts', actual: summarize(errors) });
  }
  return findings;
}

function judge(exchanges: Exchange[], context: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const listed = listedModels(exchanges);
  const { schemas, failures } = publishedSchemas(exchanges);

  for (const [name, where] of listed) {
    const entry = context.contract.model(name);
    const task = entry ? context.contract.tasks.get(entry.task) : undefined;
    const listedTask = isObject(where.item.task) && typeof where.item.task.name === 'string' ? where.item.task.name : undefined;
    if (task && listedTask !== undefined && !sameTaskName(listedTask, task.name)) {
      const pointer = at('/result', where.index, 'task', 'name');
      findings.push({ check, message: `models/search ${pathLabel(pointer)} lists ${name} under task "${listedTask}", the contract says "${task.name}" (${task.id})`, instancePath: pointer, expected: task.name, actual: listedTask });
    }
    const failed = failures.get(name);
    if (failed !== undefined) findings.push({ check, message: `models/search lists ${name} but models/schema?model=${name} answered ${failed}, expected its schema`, expected: '2xx', actual: String(failed) });
  }

  for (const exchange of exchanges) {
    if (!isRun(exchange) || !exchange.response) continue;
    const model = modelIdOf(exchange)!;
    const codes = errorCodes(jsonValue(exchange.response)).filter((code) => UNKNOWN_MODEL_CODES.has(code));
    if (listed.has(model) && codes.length > 0) {
      findings.push({ check, message: `models/search lists ${model} but /ai/run answered ${exchange.response.status} with code ${codes[0]} (${UNKNOWN_MODEL_CODES.get(codes[0]!)}), expected a listed model to exist`, instancePath: '/errors/0/code', expected: 'the model to be served', actual: `code ${codes[0]}` });
    }
    const published = schemas.get(model);
    if (published) findings.push(...runAgainstSchema(exchange, published, model));
  }
  return findings;
}

/** True when there is a catalogue answer and something to compare it with. */
function applies(exchanges: Exchange[]): boolean {
  const listed = listedModels(exchanges);
  if (listed.size > 0) return true; // listed tasks are always compared with the contract
  const { schemas } = publishedSchemas(exchanges);
  const runModels = new Set(exchanges.filter((e) => isRun(e) && e.response).map((e) => modelIdOf(e)));
  return [...schemas.keys()].some((m) => runModels.has(m));
}

/** catalog.consistency: compares catalogue answers with /ai/run answers (and listed tasks with the contract). */
export const catalogConsistency = defineMultiCheck({
  id: check,
  description: 'models/search and models/schema agree with what /ai/run accepts and answers (listed models exist, inputs and outputs match the published schemas)',
  area: 'catalog',
  applies,
  judge,
});
