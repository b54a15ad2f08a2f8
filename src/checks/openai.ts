/**
 * @module The OpenAI-compatible endpoints under /ai/v1: each answer matches the OpenAI component schema openapi.yaml
 * documents (ChatCompletion, Completion, EmbeddingsResponse, Response) and means what OpenAI's API means by it.
 */
import type { Exchange, OpenAiEndpoint } from '../targets/types.js';
import { bareMediaType } from '../media/sniff.js';
import { defineCheck } from './_internals/define.js';
import { jsonSchemaFor } from './_internals/documented.js';
import { header, inputOf, isObject, isSuccessStatus, knownInput, jsonBody, modelOf, openAiEndpoint, operationLabel, streamRequested } from './_internals/exchange.js';
import { decodeBase64 } from './_internals/media.js';
import { at, capProblems, num, problem, schemaProblems, shortJson, toFindings, type Problem } from './_internals/problem.js';
import { textCount } from './semantics/answer.js';
import {
  chatCompletionProblems,
  jsonModeProblems,
  maxTokensProblems,
  offeredToolNames,
  requestedJsonFormat,
  responsesProblems,
  tokenLimit,
  toolCallProblems,
  usageProblems,
} from './semantics/text-generation.js';
import { streamEvents } from './stream.js';
import type { CheckContext, CheckId, Finding } from './types.js';

type Obj = Record<string, unknown>;

/** True for a 2xx answer of this /ai/v1 endpoint, streamed or not as asked. */
function answered(exchange: Exchange, context: CheckContext, endpoint: OpenAiEndpoint, streamed: boolean): boolean {
  const response = exchange.response;
  return !!response && openAiEndpoint(exchange) === endpoint && isSuccessStatus(response.status) && streamRequested(exchange, context) === streamed;
}

/**
 * The shared first steps: the body parses, and matches the documented component schema. `rules` then judges
 * what the schema cannot say; it runs even when the schema fails, since its rules read only what is there.
 */
function judgeBody(check: CheckId, exchange: Exchange, context: CheckContext, rules: (body: Obj) => Problem[]): Finding[] {
  const response = exchange.response!;
  const schema = jsonSchemaFor(context.contract, exchange, response.status);
  const body = jsonBody(response);
  if (!body.ok) return [{ check, message: `${operationLabel(exchange)} answered ${response.status} with ${body.reason}, expected a JSON ${schema.name}`, instancePath: '', expected: schema.name, actual: body.reason }];
  const problems = schemaProblems(context.contract.validate(schema.uri, body.value), schema.name);
  if (isObject(body.value)) problems.push(...rules(body.value));
  return toFindings(check, problems);
}

/** openai.chat: a `chat.completion` with usage that adds up, `max_tokens` respected, JSON mode and tool calls well-formed. */
export const openAiChat = defineCheck({
  id: 'openai.chat',
  description: '/ai/v1/chat/completions answers a chat.completion: schema, choices in order, usage sums, max_tokens, JSON mode, tool calls',
  area: 'openai',
  applies: (exchange, context) => answered(exchange, context, 'chat/completions', false),
  judge: (exchange, context) => judgeBody('openai.chat', exchange, context, (body) => chatCompletionProblems(body, '', knownInput(exchange, context), modelOf(exchange, context), false)),
});

/** A tool call assembled from `delta.tool_calls` fragments. */
interface AssembledCall {
  id?: string;
  type?: string;
  function: { name?: string; arguments: string };
}

/** Per choice: the text, tool calls, and finish reason assembled from the deltas. */
interface AssembledChoice {
  content: string;
  calls: Map<number, AssembledCall>;
  finishReason?: string;
  finishedAt?: number;
}

/**
 * The semantics of a `chat.completion.chunk` stream: one `id` throughout, each choice finished with one finish_reason
 * and nothing after but repeats of that finish (as Workers AI sends them), and the assembled message obeying the same
 * rules as a whole completion (tool calls, JSON mode).
 */
export function chatStreamProblems(exchange: Exchange, context: CheckContext): Problem[] {
  const { events } = streamEvents(exchange.response!);
  const input = inputOf(exchange, context);
  const problems: Problem[] = [];
  const choices = new Map<number, AssembledChoice>();
  let firstId: string | undefined;
  events.forEach((event, i) => {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // [DONE] and broken JSON are stream.framing's
    }
    if (!isObject(data)) return;
    const path = at('/events', i, 'data');
    if (typeof data.id === 'string') {
      firstId ??= data.id;
      if (data.id !== firstId) problems.push(problem(at(path, 'id'), `is "${data.id}", expected "${firstId}" (the id of the first chunk)`, firstId, data.id));
    }
    if (!Array.isArray(data.choices)) return;
    data.choices.forEach((choice, c) => {
      if (!isObject(choice) || typeof choice.index !== 'number') return;
      const state = choices.get(choice.index) ?? { content: '', calls: new Map<number, AssembledCall>() };
      choices.set(choice.index, state);
      const delta = isObject(choice.delta) ? choice.delta : {};
      const carries = (typeof delta.content === 'string' && delta.content !== '') || Array.isArray(delta.tool_calls);
      const finish = typeof choice.finish_reason === 'string' && choice.finish_reason !== '' ? choice.finish_reason : undefined;
      // Correction (issue 9): a repeated finish chunk that adds nothing is not a continuation. Every live /ai/v1
      // chat stream recorded sends one or two after the first (the same finish_reason, usage again, sometimes all
      // zeros): opencode's golden recordings of llama-3.1-8b and gpt-oss-20b, direct and through AI Gateway compat,
      // 2026-05-08 (fixtures/real/documents/repositories/opencode-llm-recordings/). Content, tool-call deltas or
      // another finish_reason after the finish still are.
      if (state.finishReason !== undefined && (carries || (finish !== undefined && finish !== state.finishReason))) {
        problems.push(problem(at(path, 'choices', c), `continues choice ${choice.index} after its finish_reason "${state.finishReason}" (event ${state.finishedAt}), expected nothing more for it`, 'no further deltas', shortJson(choice, 40)));
      }
      if (typeof delta.content === 'string') state.content += delta.content;
      if (Array.isArray(delta.tool_calls)) {
        for (const fragment of delta.tool_calls) {
          if (!isObject(fragment) || typeof fragment.index !== 'number') continue;
          const call = state.calls.get(fragment.index) ?? { function: { arguments: '' } };
          state.calls.set(fragment.index, call);
          if (typeof fragment.id === 'string') call.id = fragment.id;
          if (typeof fragment.type === 'string') call.type = fragment.type;
          const fn = isObject(fragment.function) ? fragment.function : {};
          if (typeof fn.name === 'string') call.function.name = (call.function.name ?? '') + fn.name;
          if (typeof fn.arguments === 'string') call.function.arguments += fn.arguments;
        }
      }
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '' && state.finishReason === undefined) {
        state.finishReason = choice.finish_reason;
        state.finishedAt = i;
      }
    });
  });
  const offered = context.requestUnknown ? undefined : offeredToolNames(input);
  const format = requestedJsonFormat(input);
  for (const [index, state] of [...choices].sort(([a], [b]) => a - b)) {
    // Assembled values exist in no single event, so they point at the event list and say which choice they are.
    const assembled = (found: Problem[]): Problem[] => found.map((p) => ({ ...p, instancePath: '/events', message: `the stream's choice ${index}, assembled: ${p.message}` }));
    if (state.finishReason === undefined) problems.push(problem('/events', `never finish choice ${index}, expected a finish_reason in its last chunk`, 'a finish_reason', 'none'));
    const calls = [...state.calls.values()];
    problems.push(...assembled(toolCallProblems(calls, '/tool_calls', offered)));
    if (state.finishReason === 'tool_calls' && calls.length === 0) problems.push(problem('/events', `end choice ${index} with finish_reason "tool_calls" but carry no tool_calls deltas`, 'tool_calls deltas', 'none'));
    if (state.finishReason !== 'length' && calls.length === 0) problems.push(...assembled(jsonModeProblems(state.content, '/content', format)));
  }
  return problems;
}

/** openai.chat-stream: the chunk-level semantics of a streamed chat completion (framing itself is stream.framing's). */
export const openAiChatStream = defineCheck({
  id: 'openai.chat-stream',
  description: 'a streamed /ai/v1/chat/completions answer keeps one id, finishes each choice with one finish_reason (repeats adding nothing allowed), and assembles into a valid message',
  area: 'openai',
  applies: (exchange, context) =>
    answered(exchange, context, 'chat/completions', true) && bareMediaType(header(exchange.response!.headers, 'content-type')) === 'text/event-stream',
  judge: (exchange, context) => toFindings('openai.chat-stream', capProblems(chatStreamProblems(exchange, context), 20, 'stream findings')),
});

/** Little-endian float32 values of a base64 embedding, or why it does not decode to them. */
export function decodeBase64Embedding(text: string): { ok: true; values: Float32Array } | { ok: false; reason: string } {
  const bytes = decodeBase64(text);
  if (!bytes) return { ok: false, reason: 'is not base64' };
  if (bytes.length % 4 !== 0) return { ok: false, reason: `decodes to ${bytes.length} bytes, not a whole number of float32 values` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return { ok: true, values };
}

/** The rules of an OpenAI embeddings list beyond its schema. */
export function embeddingsProblems(body: Obj, exchange: Exchange, context: CheckContext): Problem[] {
  const input = inputOf(exchange, context);
  const model = modelOf(exchange, context);
  const problems: Problem[] = [];
  if (!Array.isArray(body.data)) return problems;
  const count = textCount(input?.input);
  if (count !== undefined && body.data.length !== count) problems.push(problem('/data', `has ${body.data.length} embeddings, expected ${count} (one per input)`, String(count), String(body.data.length)));
  const format = input?.encoding_format === 'base64' ? 'base64' : 'float';
  const requested = typeof input?.dimensions === 'number' ? { dim: input.dimensions, source: 'the request\'s dimensions' } : undefined;
  const declared = model?.facts.embeddingDimension !== undefined ? { dim: model.facts.embeddingDimension, source: `embeddingDimension of ${model.id}` } : undefined;
  const expected = requested ?? declared;
  body.data.forEach((item, i) => {
    if (!isObject(item)) return;
    const path = at('/data', i);
    if (typeof item.index === 'number' && item.index !== i) problems.push(problem(at(path, 'index'), `is ${item.index}, expected ${i} (embeddings in input order)`, String(i), String(item.index)));
    const embedding = item.embedding;
    let length: number | undefined;
    if (format === 'base64') {
      if (typeof embedding !== 'string') {
        problems.push(problem(at(path, 'embedding'), `is ${Array.isArray(embedding) ? 'an array of numbers' : shortJson(embedding, 30)}, expected a base64 string (encoding_format base64)`, 'a base64 string', Array.isArray(embedding) ? 'an array' : typeof embedding));
        return;
      }
      const decoded = decodeBase64Embedding(embedding);
      if (!decoded.ok) {
        problems.push(problem(at(path, 'embedding'), `${decoded.reason}, expected base64 of little-endian float32 values`, 'base64 float32', decoded.reason));
        return;
      }
      const bad = decoded.values.filter((v) => !Number.isFinite(v)).length;
      if (bad > 0) problems.push(problem(at(path, 'embedding'), `decodes to ${decoded.values.length} float32 values, ${bad} of them not finite`, 'finite numbers', `${bad} NaN/Infinity`));
      length = decoded.values.length;
    } else {
      if (!Array.isArray(embedding)) {
        problems.push(problem(at(path, 'embedding'), `is ${typeof embedding === 'string' ? 'a string' : shortJson(embedding, 30)}, expected an array of numbers (encoding_format ${input?.encoding_format ?? 'absent'} means float)`, 'an array of numbers', typeof embedding));
        return;
      }
      length = embedding.length;
    }
    if (expected && length !== expected.dim) {
      const unit = format === 'base64' ? 'float32 values' : 'numbers';
      problems.push(problem(at(path, 'embedding'), `has ${length} ${unit}, expected ${expected.dim} (${expected.source})`, String(expected.dim), String(length)));
    }
  });
  if (isObject(body.usage)) {
    problems.push(...usageProblems(body.usage, '/usage'));
    const { prompt_tokens: prompt, total_tokens: total } = body.usage;
    // Embeddings generate nothing, so every token counted is a prompt token.
    if (typeof prompt === 'number' && typeof total === 'number' && prompt !== total && body.usage.completion_tokens === undefined) {
      problems.push(problem('/usage/total_tokens', `is ${num(total)}, expected ${num(prompt)} (prompt_tokens: embeddings generate no tokens)`, num(prompt), num(total)));
    }
  }
  return problems;
}

/** openai.embeddings: one embedding per input, in order, of the model's dimension, in the requested encoding. */
export const openAiEmbeddings = defineCheck({
  id: 'openai.embeddings',
  description: '/ai/v1/embeddings answers one embedding per input, in order, of the model\'s dimension, as floats or base64 float32 as asked',
  area: 'openai',
  applies: (exchange, context) => answered(exchange, context, 'embeddings', false),
  judge: (exchange, context) => judgeBody('openai.embeddings', exchange, context, (body) => embeddingsProblems(body, exchange, context)),
});

/** The rules of a `text_completion` beyond its schema. */
export function completionProblems(body: Obj, exchange: Exchange, context: CheckContext): Problem[] {
  const input = inputOf(exchange, context);
  // OpenAI's own default (16) is not Workers AI's, so only a limit the request states is held against it.
  const limit = tokenLimit(input, modelOf(exchange, context), ['max_tokens'], false);
  const problems = [...usageProblems(body.usage, '/usage'), ...maxTokensProblems(body.usage, '/usage', limit)];
  if (Array.isArray(body.choices)) {
    if (body.choices.length === 0) problems.push(problem('/choices', 'is empty, expected at least one choice', 'at least 1 choice', '0 choices'));
    body.choices.forEach((choice, i) => {
      if (isObject(choice) && typeof choice.index === 'number' && choice.index !== i) problems.push(problem(at('/choices', i, 'index'), `is ${choice.index}, expected ${i} (its position)`, String(i), String(choice.index)));
    });
  }
  return problems;
}

/** openai.completions: a `text_completion` with choices in order, usage that adds up, and `max_tokens` respected. */
export const openAiCompletions = defineCheck({
  id: 'openai.completions',
  description: '/ai/v1/completions answers a text_completion: schema, choices in order, usage sums, max_tokens',
  area: 'openai',
  applies: (exchange, context) => answered(exchange, context, 'completions', false),
  judge: (exchange, context) => judgeBody('openai.completions', exchange, context, (body) => completionProblems(body, exchange, context)),
});

/** openai.responses: a `response` whose usage adds up, `max_output_tokens` holds, and output_text is the message text. */
export const openAiResponses = defineCheck({
  id: 'openai.responses',
  description: '/ai/v1/responses answers a response object: schema, usage sums, max_output_tokens, output_text, function calls, JSON mode',
  area: 'openai',
  applies: (exchange, context) => answered(exchange, context, 'responses', false),
  judge: (exchange, context) => judgeBody('openai.responses', exchange, context, (body) => responsesProblems(body, '', knownInput(exchange, context), modelOf(exchange, context))),
});
