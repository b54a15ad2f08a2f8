/**
 * @module The OpenAI-compatible endpoints (`/ai/v1/chat/completions`, `completions`, `embeddings`, `responses`; the
 * Anthropic-compatible `messages` is src/emulator/messages.ts's):
 * validate against spec/openapi.yaml's request schemas, check the model serves the endpoint, and answer
 * OpenAI-shaped (not enveloped) JSON or SSE, reusing the text-generation and embeddings makers' logic.
 */
import type { Contract } from '../contract/contract.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import type { ModelEntry } from '../contract/types.js';
import { errorResponse, errorsResponse } from './errors.js';
import { CREATED_AT, countWords } from './outputs/fake-text.js';
import { embeddingDimension, embedText, inputTexts } from './outputs/text-embeddings.js';
import {
  chatCompletionChunks,
  generate,
  readGenerationRequest,
  responseEvents,
  toChatCompletion,
  toResponse,
  type Generation,
} from './outputs/text-generation.js';
import { handleMessages } from './messages.js';
import { jsonAnswer as json, sseAnswer as sse } from './v1-answers.js';
import { perModel, subschemasAt } from './outputs/schema-shape.js';
import { createRng, seedFrom, type Rng } from './rng.js';
import type { EmulatorRequest, EmulatorResponse, OpenAiHandlerContext } from './types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const DONE = 'data: [DONE]\n\n';

interface Endpoint {
  /** openapi.yaml component the request body must match. */
  schema: string;
  /** Whether a model serves the endpoint (its `openai` fact; text generation serves chat by default). */
  serves(model: ModelEntry): boolean;
  answer(body: Obj, model: ModelEntry, rng: Rng): EmulatorResponse;
}

const servesChat = (model: ModelEntry): boolean => model.facts.openai?.chat ?? model.task === 'text-generation';

const ENDPOINTS: Record<string, Endpoint> = {
  'chat/completions': { schema: 'ChatCompletionRequest', serves: servesChat, answer: chatCompletions },
  // Seed-only endpoint: served by every model that serves chat, unless its facts say otherwise.
  completions: { schema: 'CompletionRequest', serves: (m) => m.facts.openai?.completions ?? servesChat(m), answer: completions },
  embeddings: { schema: 'EmbeddingsRequest', serves: (m) => m.facts.openai?.embeddings === true, answer: embeddings },
  responses: { schema: 'ResponsesRequest', serves: (m) => m.facts.openai?.responses === true, answer: responses },
};

const dataChunk = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;

function chatCompletions(body: Obj, model: ModelEntry, rng: Rng): EmulatorResponse {
  const g = generate(readGenerationRequest(body, model), rng);
  if (body.stream !== true) return json(toChatCompletion(g, model.id, { nullableContent: true }));
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  return sse([...chatCompletionChunks(g, model.id, { includeUsage }).map(dataChunk), DONE]);
}

/** OpenAI text completions: one choice per prompt (a string or an array of strings). */
function completions(body: Obj, model: ModelEntry, rng: Rng): EmulatorResponse {
  const prompts = Array.isArray(body.prompt) ? body.prompt.map(String) : [String(body.prompt ?? '')];
  const generations: Generation[] = prompts.map((prompt) => generate(readGenerationRequest({ ...body, prompt, tools: undefined, response_format: undefined }, model), rng));
  const id = `cmpl-${generations[0]!.id}`;
  const head = { id, object: 'text_completion', created: CREATED_AT, model: model.id };
  const promptTokens = generations.reduce((n, g) => n + g.promptTokens, 0);
  const completionTokens = generations.reduce((n, g) => n + g.completionTokens, 0);
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  if (body.stream !== true) {
    return json({ ...head, choices: generations.map((g, index) => ({ index, text: g.text, finish_reason: g.finishReason, logprobs: null })), usage });
  }
  const chunks: string[] = [];
  generations.forEach((g, index) => {
    for (const text of g.tokens) chunks.push(dataChunk({ ...head, choices: [{ index, text, finish_reason: null, logprobs: null }] }));
    chunks.push(dataChunk({ ...head, choices: [{ index, text: '', finish_reason: g.finishReason, logprobs: null }] }));
  });
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  if (includeUsage) chunks.push(dataChunk({ ...head, choices: [], usage }));
  chunks.push(DONE);
  return sse(chunks);
}

/** Base64 of the little-endian float32 bytes of a vector, as `encoding_format: base64` (the openai SDK's default) wants. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}

/** OpenAI embeddings: one vector of the model's dimension per input text; `dimensions` is not honoured (Workers AI models have one size). */
function embeddings(body: Obj, model: ModelEntry): EmulatorResponse {
  const texts = inputTexts({ text: body.input });
  const dimension = embeddingDimension(model);
  const base64 = body.encoding_format === 'base64';
  const data = texts.map((text, index) => {
    const vector = embedText(text, dimension);
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
  });
  const tokens = texts.reduce((n, t) => n + countWords(t), 0);
  return json({ object: 'list', data, model: model.id, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/** OpenAI Responses; streamed as `event: <type>` + `data: <json>` events with no `[DONE]` (OpenAI's form). */
function responses(body: Obj, model: ModelEntry, rng: Rng): EmulatorResponse {
  const g = generate(readGenerationRequest(body, model), rng);
  if (body.stream !== true) return json(toResponse(g, model.id));
  return sse(responseEvents(g, model.id).map((event) => `event: ${String(event.type)}\n${dataChunk(event)}`));
}

/** The smallest `maxItems` the model's input schema states for a batch of `text` (undefined: none stated). */
const textBatchLimit = perModel((contract: Contract, model: ModelEntry): number | undefined => {
  let limit: number | undefined;
  for (const schema of subschemasAt(contract, model, ['text'], 'input')) {
    if (typeof schema.maxItems === 'number') limit = Math.min(limit ?? Number.POSITIVE_INFINITY, schema.maxItems);
  }
  return limit;
});

/**
 * A 5006 detail for a batch larger than the model takes, checked before any work: embeddings inputs
 * past the model's own batch limit (its schema's `text` maxItems, else its `limits.batchItems`), and
 * completions prompts past `limits.batchItems`.
 */
function batchViolation(contract: Contract, endpoint: string, body: Obj, model: ModelEntry): string | undefined {
  const name = endpoint === 'embeddings' ? 'input' : endpoint === 'completions' ? 'prompt' : undefined;
  if (name === undefined || !Array.isArray(body[name])) return undefined;
  const count = (body[name] as unknown[]).length;
  const own = endpoint === 'embeddings' ? textBatchLimit(contract, model) : undefined;
  const limit = own ?? model.facts.limits?.batchItems;
  if (limit === undefined || count <= limit) return undefined;
  return `/${name}: expected at most ${limit} items, found ${count} items (${model.id}'s ${own !== undefined ? 'batch limit' : 'limit'})`;
}

/**
 * Answers one `/ai/v1/<endpoint>` request. Errors are the v4 ErrorEnvelope (spec/openapi.yaml
 * `x-wai.openai-errors`): 3003 for a missing or non-JSON body, 5007 for a model the catalogue lacks or
 * that does not serve the endpoint, 5006 ("Bad input") for a body the request schema rejects.
 * The answer is seeded from the endpoint, model and body: equal requests, equal answers.
 */
export function handleOpenAi(request: EmulatorRequest, context: OpenAiHandlerContext): EmulatorResponse {
  const { contract, endpoint } = context;
  if (endpoint === 'messages') return handleMessages(request, contract);
  const spec = ENDPOINTS[endpoint.replace(/^\/+|\/+$/g, '')];
  if (!spec) return errorResponse('noRoute', { path: `/accounts/${request.accountId}/ai/v1/${endpoint}` });
  if (request.body.length === 0) return errorResponse('incomplete', { what: 'body' });
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8'));
  } catch (error) {
    return errorResponse('incomplete', { what: `a valid JSON body (${(error as Error).message})` });
  }
  // An unknown model is named as such (5007) even when the id is not catalogue-shaped: that is the useful answer.
  const modelId = isObject(body) ? body.model : undefined;
  if (typeof modelId === 'string' && !contract.model(modelId)) return errorResponse('noSuchModel', { model: modelId });
  const errors = contract.validate(contract.componentUri(spec.schema), body);
  if (errors.length > 0) return errorsResponse('badInput', errors.map((e) => ({ detail: formatSchemaError(e) })));
  const valid = body as Obj;
  const model = contract.model(String(valid.model))!;
  if (!spec.serves(model)) return errorResponse('noSuchModel', { model: model.id });
  const over = batchViolation(contract, endpoint, valid, model);
  if (over) return errorResponse('badInput', { detail: over });
  return spec.answer(valid, model, createRng(seedFrom(endpoint, model.id, request.body)));
}

