/**
 * @module openai.parity: the same model and input through /ai/run and /ai/v1 agree: both succeed or both fail,
 * they count the same prompt tokens, and embeddings have the same count and dimension.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Exchange } from '../targets/types.js';
import { defineMultiCheck } from './_internals/define.js';
import { isObject, isRun, isSuccessStatus, jsonValue, modelIdOf, openAiEndpoint, requestJson, streamRequested } from './_internals/exchange.js';
import { decodeBase64Embedding } from './openai.js';
import type { CheckContext, Finding } from './types.js';

type Obj = Record<string, unknown>;

/** A /ai/run exchange and the /ai/v1 exchange that sent the same model the same input. */
export interface ParityPair {
  run: Exchange;
  openai: Exchange;
  kind: 'chat' | 'embeddings';
}

/** The part of each request that must be equal for two exchanges to be compared. */
function comparable(exchange: Exchange, context: CheckContext): { kind: 'chat' | 'embeddings'; model: string; input: unknown } | undefined {
  const body = requestJson(exchange);
  const model = modelIdOf(exchange);
  if (!isObject(body) || model === undefined || body.stream === true || streamRequested(exchange, context)) return undefined;
  const endpoint = openAiEndpoint(exchange);
  if (endpoint === 'chat/completions') return { kind: 'chat', model, input: body.messages };
  if (endpoint === 'embeddings') return { kind: 'embeddings', model, input: body.input };
  if (!isRun(exchange)) return undefined;
  if ('messages' in body) return { kind: 'chat', model, input: body.messages };
  if ('text' in body) return { kind: 'embeddings', model, input: body.text };
  return undefined;
}

/** Pairs each /ai/v1 exchange with the first unpaired /ai/run exchange for the same model and input, in order. */
export function parityPairs(exchanges: Exchange[], context: CheckContext): ParityPair[] {
  const runs = exchanges.filter((e) => isRun(e) && e.response).map((e) => ({ exchange: e, key: comparable(e, context), used: false }));
  const pairs: ParityPair[] = [];
  for (const exchange of exchanges) {
    if (!openAiEndpoint(exchange) || !exchange.response) continue;
    const key = comparable(exchange, context);
    if (!key) continue;
    const match = runs.find((r) => !r.used && r.key && r.key.kind === key.kind && r.key.model === key.model && isDeepStrictEqual(r.key.input, key.input));
    if (!match) continue;
    match.used = true;
    pairs.push({ run: match.exchange, openai: exchange, kind: key.kind });
  }
  return pairs;
}

function usageOf(value: unknown): Obj | undefined {
  return isObject(value) && isObject(value.usage) ? value.usage : undefined;
}

/** The vectors of an embeddings answer: `result.data` on /ai/run, `data[].embedding` (floats or base64) on /ai/v1. */
function vectors(value: unknown, openai: boolean): number[] | undefined {
  if (!isObject(value)) return undefined;
  if (!openai) return Array.isArray(value.data) ? value.data.map((row) => (Array.isArray(row) ? row.length : -1)) : undefined;
  if (!Array.isArray(value.data)) return undefined;
  return value.data.map((item) => {
    if (!isObject(item)) return -1;
    if (Array.isArray(item.embedding)) return item.embedding.length;
    if (typeof item.embedding === 'string') {
      const decoded = decodeBase64Embedding(item.embedding);
      return decoded.ok ? decoded.values.length : -1;
    }
    return -1;
  });
}

function judgePair(pair: ParityPair): Finding[] {
  const check = 'openai.parity';
  const run = pair.run.response!;
  const v1 = pair.openai.response!;
  const model = modelIdOf(pair.run) ?? '?';
  const endpoint = `/ai/v1/${openAiEndpoint(pair.openai)}`;
  const label = `${model}, same input via /ai/run and ${endpoint}`;
  if (isSuccessStatus(run.status) !== isSuccessStatus(v1.status)) {
    return [{ check, message: `${label}: /ai/run answered ${run.status} but ${endpoint} answered ${v1.status}, expected both to succeed or both to fail`, expected: `${run.status} on both`, actual: `${run.status} vs ${v1.status}` }];
  }
  if (!isSuccessStatus(run.status)) return [];
  const runBody = jsonValue(run);
  const result = isObject(runBody) ? runBody.result : undefined;
  const v1Body = jsonValue(v1);
  const findings: Finding[] = [];
  if (pair.kind === 'chat') {
    const runUsage = usageOf(result);
    const v1Usage = usageOf(v1Body);
    // Token accounting across the two endpoints is a warning: the docs promise the same models behind
    // both, not the same prompt templating or usage reporting, and no real pair of answers shows it.
    if (!!runUsage !== !!v1Usage) {
      findings.push({ check, message: `${label}: ${runUsage ? '/ai/run' : endpoint} reports usage but ${runUsage ? endpoint : '/ai/run'} does not, expected both to account for tokens`, instancePath: runUsage ? '/usage' : '/result/usage', expected: 'usage on both', actual: 'usage on one', severity: 'warning' });
    } else if (runUsage && v1Usage && typeof runUsage.prompt_tokens === 'number' && typeof v1Usage.prompt_tokens === 'number' && runUsage.prompt_tokens !== v1Usage.prompt_tokens) {
      findings.push({ check, message: `${label}: /ai/run counted ${runUsage.prompt_tokens} prompt tokens, ${endpoint} counted ${v1Usage.prompt_tokens}, expected the same count for the same messages`, instancePath: '/usage/prompt_tokens', expected: String(runUsage.prompt_tokens), actual: String(v1Usage.prompt_tokens), severity: 'warning' });
    }
    const runChoices = isObject(result) && Array.isArray(result.choices) ? result.choices.length : undefined;
    const v1Choices = isObject(v1Body) && Array.isArray(v1Body.choices) ? v1Body.choices.length : undefined;
    if (runChoices !== undefined && v1Choices !== undefined && runChoices !== v1Choices) {
      findings.push({ check, message: `${label}: /ai/run answered ${runChoices} choices, ${endpoint} ${v1Choices}, expected the same number`, instancePath: '/choices', expected: String(runChoices), actual: String(v1Choices) });
    }
    return findings;
  }
  const a = vectors(result, false);
  const b = vectors(v1Body, true);
  if (!a || !b) return findings;
  if (a.length !== b.length) {
    findings.push({ check, message: `${label}: /ai/run answered ${a.length} vectors, ${endpoint} ${b.length}, expected the same number`, instancePath: '/data', expected: String(a.length), actual: String(b.length) });
  } else if (a[0] !== undefined && b[0] !== undefined && a[0] !== b[0]) {
    findings.push({ check, message: `${label}: /ai/run vectors have ${a[0]} dimensions, ${endpoint} ${b[0]}, expected the same`, instancePath: '/data/0/embedding', expected: String(a[0]), actual: String(b[0]) });
  }
  return findings;
}

/** openai.parity: compares each /ai/run exchange with the /ai/v1 exchange that sent the same model the same input. */
export const openAiParity = defineMultiCheck({
  id: 'openai.parity',
  description: 'the same model and input through /ai/run and /ai/v1 agree in outcome, shape and token accounting',
  area: 'openai',
  applies: (exchanges, context) => parityPairs(exchanges, context).length > 0,
  judge: (exchanges, context) => parityPairs(exchanges, context).flatMap(judgePair),
});
