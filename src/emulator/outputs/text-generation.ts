/** @module Text generation answers: one neutral generation, formatted as classic, chat-completion or Responses output (decision models: decisions.ts). */
import type { Contract } from '../../contract/contract.js';
import type { JsonSchema, ModelEntry, OutputStyle } from '../../contract/types.js';
import { exampleFromSchema, ExampleError, ExampleTooLarge } from '../../generate/example-from-schema.js';
import type { Rng } from '../rng.js';
import type { OutputContext, OutputMaker, StreamEvent } from '../types.js';
import { decisions } from './decisions.js';
import { CREATED_AT, hexId, promptTokens, prose, proseTokens, skipHexId, tokenize } from './fake-text.js';
import { declares, perModel, subschemasAt, typesAt } from './schema-shape.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A tool the request offers, normalised from the legacy, OpenAI `function` and Responses forms. */
export interface ToolSpec {
  name: string;
  parameters?: JsonSchema;
}

/** What to generate, read from any text request form (/ai/run classic or chat, /ai/v1 chat, completions, responses). */
export interface GenerationRequest {
  promptTokens: number;
  maxTokens: number;
  /** Tools to call (empty: answer in text). */
  tools: ToolSpec[];
  /** `tool_choice` naming one function. */
  forcedTool?: string;
  /** JSON mode: `schema` for `json_schema`, none for `json_object`. */
  json?: { schema?: JsonSchema };
}

/** A tool call, in both argument forms the output shapes need. */
export interface GeneratedToolCall {
  id: string;
  name: string;
  arguments: Obj;
  argumentsJson: string;
}

/** A generation before formatting: the shape-independent answer. */
export interface Generation {
  /** Deterministic hex id, prefixed per format (`chatcmpl-`, `resp_`, ...); '' when generated `withId: false`. */
  id: string;
  /** Stream pieces; `tokens.join('')` is `text`. Empty when the answer is tool calls. */
  tokens: string[];
  text: string;
  /** The parsed JSON answer in JSON mode (absent when `max_tokens` cut it off). */
  json?: unknown;
  toolCalls: GeneratedToolCall[];
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** True when `text` is the emulator's prose (plain words, spaces and full stops): JSON needs no escape in it. */
  prose?: boolean;
}

/** Default answer length bounds (words) before `max_tokens` applies. */
const ANSWER_WORDS = { min: 12, max: 48 } as const;
const DEFAULT_MAX_TOKENS = 256;
/** Most completion tokens of one answer when the contract states no limit for the model (see ModelLimits). */
const FALLBACK_ANSWER_TOKENS = 131_072;
/**
 * Characters a JSON answer (JSON mode, tool arguments) may take per completion token, plus a floor: an
 * instance past it is taken not to fit in the tokens allowed, so it is never built (its answer is cut
 * off). The emulator's tokens of generated JSON average under 8 characters.
 */
const CHARS_PER_TOKEN = 8;
/** Characters per token a cut-off answer is built with before prose fills the tokens left (no token is shorter than one character, most are longer). */
const CUT_OFF_CHARS_PER_TOKEN = 4;
const MIN_JSON_CHARS = 64 * 1024;
/** Schema steps a request's schema may take to instantiate (a few thousand suffice for real ones). */
const MAX_SCHEMA_STEPS = 2_000;

/** A finite number, or undefined. */
const finite = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * The tightest token limit a request states (OpenAI's max_completion_tokens beside a legacy max_tokens, the
 * Responses API's max_output_tokens), read member by member: every text request passes here.
 */
function askedTokens(input: Obj): number | undefined {
  let smallest = finite(input.max_tokens);
  const completion = finite(input.max_completion_tokens);
  if (completion !== undefined && !(smallest !== undefined && smallest <= completion)) smallest = completion;
  const output = finite(input.max_output_tokens);
  if (output !== undefined && !(smallest !== undefined && smallest <= output)) smallest = output;
  return smallest;
}

function normaliseTools(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolSpec[] = [];
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    const fn = isObject(tool.function) ? tool.function : tool; // OpenAI {type, function} or legacy/Responses flat
    if (typeof fn.name !== 'string') continue;
    out.push(isObject(fn.parameters) || typeof fn.parameters === 'boolean' ? { name: fn.name, parameters: fn.parameters as JsonSchema } : { name: fn.name });
  }
  return out;
}

/** The JSON Schema of a `json_schema` format: Workers AI puts the schema itself there, OpenAI `{name, schema}`. */
function formatSchema(format: Obj): JsonSchema | undefined {
  const inner = format.json_schema ?? format.schema;
  if (!isObject(inner)) return format.type === 'json_schema' && isObject(format.schema) ? (format.schema as JsonSchema) : undefined;
  const wrapped = isObject(inner.schema) && !('type' in inner) && !('properties' in inner) && !('$schema' in inner);
  return (wrapped ? inner.schema : inner) as JsonSchema;
}

function jsonMode(input: Obj): GenerationRequest['json'] {
  const format = isObject(input.response_format) ? input.response_format : isObject(input.text) && isObject(input.text.format) ? input.text.format : undefined;
  if (!format) return undefined;
  if (format.type === 'json_object') return {};
  if (format.type === 'json_schema') {
    const schema = formatSchema(format);
    return schema === undefined ? {} : { schema };
  }
  return undefined;
}

/** True when the conversation's last turn is a tool result: then the model answers in text, closing the loop. */
function answersToolResult(input: Obj): boolean {
  const last = Array.isArray(input.messages) ? input.messages.at(-1) : Array.isArray(input.input) ? input.input.at(-1) : undefined;
  return isObject(last) && (last.role === 'tool' || last.type === 'function_call_output');
}

/** Reads a generation request from any text request body (validated elsewhere; unknown members ignored). */
/** The most completion tokens any answer of the model has: its `limits.answerTokens`, its context window, or the fallback. */
export function answerTokenLimit(model: ModelEntry): number {
  return Math.min(model.facts.limits?.answerTokens ?? FALLBACK_ANSWER_TOKENS, model.facts.contextWindow ?? Number.POSITIVE_INFINITY);
}

export function readGenerationRequest(input: Obj, model: ModelEntry): GenerationRequest {
  const asked = askedTokens(input) ?? model.facts.maxTokens ?? DEFAULT_MAX_TOKENS;
  const limit = Math.min(asked, answerTokenLimit(model));
  const choice = input.tool_choice;
  const tools = choice === 'none' || answersToolResult(input) ? [] : normaliseTools(input.tools);
  let forcedTool: string | undefined;
  if (isObject(choice)) {
    const name = isObject(choice.function) ? choice.function.name : choice.name;
    if (typeof name === 'string' && tools.some((t) => t.name === name)) forcedTool = name;
  }
  const request: GenerationRequest = { promptTokens: promptTokens(input), maxTokens: Math.max(0, Math.floor(limit)), tools };
  if (forcedTool) request.forcedTool = forcedTool;
  const json = jsonMode(input);
  if (json) request.json = json;
  return request;
}

/** The characters a JSON instance may take within the request's tokens (see CHARS_PER_TOKEN). */
function jsonBudget(request: GenerationRequest): number {
  return request.maxTokens * CHARS_PER_TOKEN + MIN_JSON_CHARS;
}

/** Marks an instance too large for the request's tokens: it was not built. */
const TOO_LARGE = Symbol('too large');

/**
 * `maxTokens` tokens of an answer cut off mid-JSON, as a real model's is at its token limit: the start
 * of an instance of `schema` built only up to the budget, continued with prose if that is shorter.
 */
function cutOffJson(schema: JsonSchema, request: GenerationRequest, rng: Rng): string[] {
  let start: unknown = {};
  try {
    start = exampleFromSchema(schema, rng, { optional: false, maxSize: request.maxTokens * CUT_OFF_CHARS_PER_TOKEN + 16, clip: true, maxSteps: MAX_SCHEMA_STEPS });
  } catch (error) {
    if (!(error instanceof ExampleError)) throw error;
  }
  const tokens = tokenize(JSON.stringify(start) ?? '{').slice(0, request.maxTokens);
  if (tokens.length < request.maxTokens) for (const token of proseTokens(rng, request.maxTokens - tokens.length)) tokens.push(` ${token.trimStart()}`);
  return tokens;
}

function toolArguments(tool: ToolSpec, request: GenerationRequest, rng: Rng): Obj | typeof TOO_LARGE {
  if (tool.parameters === undefined) return {};
  try {
    const value = exampleFromSchema(tool.parameters, rng, { maxSize: jsonBudget(request), maxSteps: MAX_SCHEMA_STEPS });
    return isObject(value) ? value : { value };
  } catch (error) {
    if (error instanceof ExampleTooLarge) return TOO_LARGE;
    if (error instanceof ExampleError) return {};
    throw error;
  }
}

function jsonAnswer(request: GenerationRequest, rng: Rng): { tokens: string[]; json?: unknown; truncated: boolean } {
  const attempt = (optional: boolean): unknown => {
    if (request.json?.schema === undefined) return { response: prose(rng, rng.int(6, 16)).text };
    try {
      return exampleFromSchema(request.json.schema, rng, { optional, maxSize: jsonBudget(request), maxSteps: MAX_SCHEMA_STEPS });
    } catch (error) {
      if (error instanceof ExampleTooLarge) return TOO_LARGE;
      if (!(error instanceof ExampleError)) throw error;
      return { response: prose(rng, rng.int(6, 16)).text }; // unsatisfiable schema: plain JSON object
    }
  };
  let json = attempt(true);
  let tokens = json === TOO_LARGE ? [] : tokenize(JSON.stringify(json));
  if (json === TOO_LARGE || tokens.length > request.maxTokens) {
    json = attempt(false); // only required members: the smallest answer that still satisfies the schema
    tokens = json === TOO_LARGE ? [] : tokenize(JSON.stringify(json));
  }
  if (json !== TOO_LARGE && tokens.length <= request.maxTokens) return { tokens, json, truncated: false };
  // Cut off mid-JSON, as a real model is; an instance too large to fit was never built whole.
  if (json === TOO_LARGE) return { tokens: cutOffJson(request.json!.schema!, request, rng), truncated: true };
  return { tokens: tokens.slice(0, request.maxTokens), truncated: true };
}

/**
 * Generates the answer: tool calls when tools are offered (one call to the forced or a seeded tool,
 * arguments an instance of its parameter schema), JSON in JSON mode, else prose of 12–48 words.
 * Never more completion tokens than `maxTokens`; `finishReason` is `length` when it cut the answer.
 */
export function generate(request: GenerationRequest, rng: Rng, options: { withId?: boolean } = {}): Generation {
  // Objects are built whole, not spread from a shared base: spreads cost more than the rest of a generation.
  const id = options.withId === false ? skipHexId(rng) : hexId(rng);
  const promptTokens = request.promptTokens;
  if (request.tools.length > 0) {
    const tool = request.tools.find((t) => t.name === request.forcedTool) ?? rng.pick(request.tools);
    const args = toolArguments(tool, request, rng);
    if (args === TOO_LARGE) {
      // The call cannot fit in the tokens allowed: the model is cut off while writing it, and what it wrote
      // is no parseable call, so the answer is that text, finished by the limit.
      const tokens = cutOffJson(tool.parameters!, request, rng);
      return { id, promptTokens, tokens, text: tokens.join(''), toolCalls: [], completionTokens: tokens.length, finishReason: 'length' };
    }
    const argumentsJson = JSON.stringify(args);
    const call: GeneratedToolCall = { id: `call_${hexId(rng, 24)}`, name: tool.name, arguments: args, argumentsJson };
    const cost = 1 + tokenize(argumentsJson).length;
    return { id, promptTokens, tokens: [], text: '', toolCalls: [call], completionTokens: Math.min(cost, request.maxTokens), finishReason: 'tool_calls' };
  }
  if (request.json) {
    const { tokens, json, truncated } = jsonAnswer(request, rng);
    const generation: Generation = { id, promptTokens, tokens, text: tokens.join(''), toolCalls: [], completionTokens: tokens.length, finishReason: truncated ? 'length' : 'stop' };
    if (!truncated) generation.json = json;
    return generation;
  }
  const wanted = rng.int(ANSWER_WORDS.min, ANSWER_WORDS.max);
  const count = Math.min(wanted, request.maxTokens);
  const { tokens, text } = prose(rng, count);
  return { id, promptTokens, tokens, text, toolCalls: [], completionTokens: count, finishReason: count < wanted ? 'length' : 'stop', prose: true };
}

// ----------------------------------------------------------------------------------------- shapes

/** How a model's classic answer spells tool calls and JSON answers, read once from its output schema. */
interface ClassicShape {
  /** `function: {name, arguments}` member, and its arguments' form. */
  fn?: 'string' | 'object';
  /** Top-level `name` / `arguments` members, and the arguments' form. */
  flat?: 'string' | 'object';
  id: boolean;
  type: boolean;
  /** JSON-mode answers may be an object in `response`. */
  responseObject: boolean;
  /** JSON-mode answers to an array schema may be the array in `response`, as live ones are (spec/models/overlay.yaml). */
  responseArray: boolean;
  /** `response` may be null: answered beside tool calls, as live llama-3.3 / llama-3.1-8b-fp8 answers carry it. */
  responseNull: boolean;
  /**
   * `response` is left out beside tool calls: the output schema has a branch requiring only `tool_calls`, as
   * llama-4-scout's does because its live tool-call answers carry no `response` (spec/models/overlay.yaml).
   */
  responseAbsent: boolean;
}

/** Whether the output schema's top-level alternatives let an answer carry `tool_calls` without `response`. */
function toolCallsAlone(output: unknown): boolean {
  const branches = isObject(output) && Array.isArray(output.anyOf) ? output.anyOf : [];
  return branches.some((b) => isObject(b) && Array.isArray(b.required) && b.required.includes('tool_calls') && !b.required.includes('response'));
}

function argumentForm(types: Set<string>, fallback: 'string' | 'object'): 'string' | 'object' {
  if (types.has('object') && !types.has('string')) return 'object';
  if (types.has('string') && !types.has('object')) return 'string';
  return fallback;
}

const classicShape = perModel((contract: Contract, model: ModelEntry): ClassicShape => {
  const item = ['tool_calls', '[]'];
  const hasFn = declares(contract, model, [...item, 'function']);
  const hasFlat = declares(contract, model, [...item, 'name']) || declares(contract, model, [...item, 'arguments']);
  const shape: ClassicShape = {
    id: declares(contract, model, [...item, 'id']),
    type: declares(contract, model, [...item, 'type']),
    responseObject: typesAt(contract, model, ['response']).has('object'),
    responseArray: typesAt(contract, model, ['response']).has('array'),
    responseNull: typesAt(contract, model, ['response']).has('null'),
    responseAbsent: toolCallsAlone(model.output),
  };
  if (hasFn) shape.fn = argumentForm(typesAt(contract, model, [...item, 'function', 'arguments']), 'string');
  // Workers AI's own classic form is `{name, arguments: object}`; it is also the default when the schema is silent.
  if (hasFlat || !hasFn) shape.flat = argumentForm(typesAt(contract, model, [...item, 'arguments']), 'object');
  return shape;
});

/** Whether a chat-completion answer may carry `content: null` beside tool calls (OpenAI does; some schemas demand a string). */
const nullableContent = perModel((contract: Contract, model: ModelEntry): boolean => {
  const types = typesAt(contract, model, ['choices', '[]', 'message', 'content']);
  return types.size === 0 || types.has('null') || types.has('any');
});

/** The model's answer style: its `outputStyle` fact, else what its output schema declares. */
export const outputStyleOf = perModel((contract: Contract, model: ModelEntry): OutputStyle => {
  if (model.facts.outputStyle) return model.facts.outputStyle;
  if (declares(contract, model, ['choices'])) return 'chat-completions';
  if (declares(contract, model, ['output_text']) || declares(contract, model, ['output'])) return 'responses';
  return 'classic';
});

/**
 * Members the real API adds to a chat-completions-style /ai/run answer beyond OpenAI's required ones, given
 * where the model's output schema declares them (read once per model). The models answering this way are
 * served by vLLM, and the API passes vLLM's members through:
 * - `usage.prompt_tokens_details.cached_tokens`: Workers AI reports prefix-cache hits in `usage` (docs,
 *   workers-ai/features/prompt-caching.mdx, "Monitoring cached tokens"); live answers carry
 *   `prompt_tokens_details: {cached_tokens: N}` (fixtures/real: opencode-llm-recordings, llama-3.1-8b and
 *   gpt-oss-20b streams, 0 on a cold cache; kimi-k2.6 through AI Gateway, 3). The emulator keeps no prefix
 *   cache: always 0, as a cold cache answers.
 * - `choices[].stop_reason: null` and `prompt_logprobs: null`: vLLM's members, which Cloudflare's own types
 *   declare for qwen3-30b-a3b-fp8 and gemma-sea-lion-v4-27b-it, and which the live gpt-oss-20b stream above
 *   shows passed through (`stop_reason` on its last delta). null: no stop token or string ended the answer
 *   (the emulator's answers end at their natural end or at `max_tokens`), and no prompt log probabilities were asked.
 * - a `text_completion` answer to a `prompt` request, where the output schema has that branch (the same two
 *   models' types: vLLM answers a bare prompt through its completions endpoint).
 */
export interface ChatExtras {
  cachedTokens: boolean;
  stopReason: boolean;
  promptLogprobs: boolean;
  textCompletion: boolean;
  /** `choices[].prompt_logprobs: null` in text completions (vLLM puts it per choice there). */
  choicePromptLogprobs: boolean;
}

const NO_EXTRAS: ChatExtras = { cachedTokens: false, stopReason: false, promptLogprobs: false, textCompletion: false, choicePromptLogprobs: false };

export const chatExtras = perModel((contract: Contract, model: ModelEntry): ChatExtras => ({
  cachedTokens: declares(contract, model, ['usage', 'prompt_tokens_details', 'cached_tokens']),
  stopReason: typesAt(contract, model, ['choices', '[]', 'stop_reason']).has('null'),
  promptLogprobs: typesAt(contract, model, ['prompt_logprobs']).has('null'),
  textCompletion: subschemasAt(contract, model, ['object']).some((schema) => schema.const === 'text_completion'),
  choicePromptLogprobs: typesAt(contract, model, ['choices', '[]', 'prompt_logprobs']).has('null'),
}));

function usage(g: Generation, extras: ChatExtras = NO_EXTRAS): Obj {
  const out: Obj = { prompt_tokens: g.promptTokens, completion_tokens: g.completionTokens, total_tokens: g.promptTokens + g.completionTokens };
  if (extras.cachedTokens) out.prompt_tokens_details = { cached_tokens: 0 };
  return out;
}

function classicToolCall(call: GeneratedToolCall, shape: ClassicShape): Obj {
  const item: Obj = {};
  if (shape.id) item.id = call.id;
  if (shape.type) item.type = 'function';
  if (shape.fn) item.function = { name: call.name, arguments: shape.fn === 'string' ? call.argumentsJson : call.arguments };
  if (shape.flat) {
    item.name = call.name;
    item.arguments = shape.flat === 'string' ? call.argumentsJson : call.arguments;
  }
  return item;
}

/** `{response, tool_calls?, usage}`: the classic /ai/run answer. */
export function toClassic(g: Generation, shape: ClassicShape): Obj {
  const parsed = (isObject(g.json) && shape.responseObject) || (Array.isArray(g.json) && shape.responseArray);
  const out: Obj = { response: parsed ? g.json : g.text };
  // Beside tool calls the live API answers `response: null` (spec/models/overlay.yaml): clients learn to expect it.
  if (g.toolCalls.length > 0 && shape.responseNull && g.text === '') out.response = null;
  if (g.toolCalls.length > 0 && shape.responseAbsent && g.text === '') delete out.response;
  if (g.toolCalls.length > 0) out.tool_calls = g.toolCalls.map((c) => classicToolCall(c, shape));
  out.usage = usage(g);
  return out;
}

/**
 * `JSON.stringify` of a classic prose answer (`{response, usage}` with the three counts, nothing else), written
 * directly: it is most of the answers the emulator serves, and stringifying its object was a tenth of their cost.
 * Undefined for any other answer (tool calls, JSON mode), which is stringified as usual. Prose is the emulator's
 * words, spaces and full stops (fake-text.ts), which JSON writes as they are.
 */
export function classicProseJson(result: Obj, g: Generation): string | undefined {
  if (g.prose !== true || g.toolCalls.length > 0 || result.response !== g.text) return undefined;
  const keys = Object.keys(result);
  if (keys.length !== 2 || keys[0] !== 'response' || keys[1] !== 'usage') return undefined;
  const total = g.promptTokens + g.completionTokens;
  return `{"response":"${g.text}","usage":{"prompt_tokens":${g.promptTokens},"completion_tokens":${g.completionTokens},"total_tokens":${total}}}`;
}

function openAiToolCall(call: GeneratedToolCall): Obj {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.argumentsJson } };
}

/** An OpenAI `chat.completion` object (with the model's `extras`, see ChatExtras). */
export function toChatCompletion(g: Generation, modelId: string, options: { nullableContent: boolean; extras?: ChatExtras }): Obj {
  const extras = options.extras ?? NO_EXTRAS;
  const calls = g.toolCalls.length > 0;
  const message: Obj = { role: 'assistant', content: calls && options.nullableContent ? null : g.text, refusal: null };
  if (calls) message.tool_calls = g.toolCalls.map(openAiToolCall);
  const choice: Obj = { index: 0, message, finish_reason: g.finishReason, logprobs: null };
  if (extras.stopReason) choice.stop_reason = null;
  const out: Obj = { id: `chatcmpl-${g.id}`, object: 'chat.completion', created: CREATED_AT, model: modelId, choices: [choice], usage: usage(g, extras) };
  if (extras.promptLogprobs) out.prompt_logprobs = null;
  return out;
}

/** A vLLM `text_completion` object: the answer to a bare `prompt` of a model whose schema has that branch (see ChatExtras). */
export function toTextCompletion(g: Generation, modelId: string, extras: ChatExtras): Obj {
  const choice: Obj = { index: 0, text: g.text, finish_reason: g.finishReason, logprobs: null };
  if (extras.stopReason) choice.stop_reason = null;
  if (extras.choicePromptLogprobs) choice.prompt_logprobs = null;
  return { id: `cmpl-${g.id}`, object: 'text_completion', created: CREATED_AT, model: modelId, choices: [choice], usage: usage(g, extras) };
}

/**
 * `chat.completion.chunk` payloads: a role chunk, one per token (or one carrying the tool calls), a chunk
 * with `finish_reason`, the same finish chunk again (as Workers AI sends it), and with `includeUsage` a last chunk
 * with empty `choices` and `usage` (OpenAI's form).
 */
export function chatCompletionChunks(g: Generation, modelId: string, options: { includeUsage: boolean; extras?: ChatExtras }): Obj[] {
  const id = `chatcmpl-${g.id}`;
  const object = 'chat.completion.chunk';
  const chunk = (delta: Obj, finish: string | null): Obj => ({ id, object, created: CREATED_AT, model: modelId, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] });
  const chunks: Obj[] = [chunk({ role: 'assistant', content: '' }, null)];
  for (const token of g.tokens) chunks.push(chunk({ content: token }, null));
  if (g.toolCalls.length > 0) {
    chunks.push(chunk({ tool_calls: g.toolCalls.map((c, index) => ({ index, ...openAiToolCall(c) })) }, null));
  }
  chunks.push(chunk({}, g.finishReason));
  // Every live /ai/v1 chat stream recorded repeats the finish chunk (opencode's golden recordings of llama-3.1-8b and
  // gpt-oss-20b, direct and through AI Gateway, 2026-05-08; fixtures/real/): clients must take a second finish
  // for the same choice. It adds nothing, so it is harmless to a client that already copes.
  chunks.push(chunk({}, g.finishReason));
  if (options.includeUsage) chunks.push({ id, object, created: CREATED_AT, model: modelId, choices: [], usage: usage(g, options.extras) });
  return chunks;
}

function responseOutput(g: Generation, messageId: string, status: 'completed' | 'in_progress'): Obj[] {
  if (g.toolCalls.length > 0) {
    return g.toolCalls.map((c) => ({ type: 'function_call', id: `fc_${c.id.slice(5)}`, call_id: c.id, name: c.name, arguments: c.argumentsJson, status }));
  }
  return [{ type: 'message', id: messageId, role: 'assistant', status, content: [{ type: 'output_text', text: g.text, annotations: [] }] }];
}

/** An OpenAI Responses `response` object (`status: incomplete` when `max_output_tokens` cut the answer). */
export function toResponse(g: Generation, modelId: string): Obj {
  const incomplete = g.finishReason === 'length';
  return {
    id: `resp_${g.id}`,
    object: 'response',
    created_at: CREATED_AT,
    model: modelId,
    status: incomplete ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: responseOutput(g, `msg_${g.id}`, 'completed'),
    output_text: g.text,
    usage: { input_tokens: g.promptTokens, output_tokens: g.completionTokens, total_tokens: g.promptTokens + g.completionTokens },
  };
}

/**
 * Responses streaming events (each payload carries its `type`; the SSE `event:` line repeats it):
 * created, output_item.added, content_part.added, output_text.delta per token (or function-call argument
 * events), the matching .done events, and response.completed with the whole response.
 */
export function responseEvents(g: Generation, modelId: string): Obj[] {
  const final = toResponse(g, modelId);
  const events: Obj[] = [];
  const push = (event: Obj): void => void events.push({ ...event, sequence_number: events.length });
  const { id, object, created_at, model } = final;
  push({ type: 'response.created', response: { id, object, created_at, model, status: 'in_progress', error: null, incomplete_details: null, output: [] } });
  const items = final.output as Obj[];
  items.forEach((item, outputIndex) => {
    const itemId = item.id as string;
    if (item.type === 'function_call') {
      push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } });
      push({ type: 'response.function_call_arguments.delta', item_id: itemId, output_index: outputIndex, delta: item.arguments });
      push({ type: 'response.function_call_arguments.done', item_id: itemId, output_index: outputIndex, arguments: item.arguments });
    } else {
      push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } });
      const part = { type: 'output_text', text: '', annotations: [] };
      push({ type: 'response.content_part.added', item_id: itemId, output_index: outputIndex, content_index: 0, part });
      for (const token of g.tokens) push({ type: 'response.output_text.delta', item_id: itemId, output_index: outputIndex, content_index: 0, delta: token, logprobs: [] });
      push({ type: 'response.output_text.done', item_id: itemId, output_index: outputIndex, content_index: 0, text: g.text, logprobs: [] });
      push({ type: 'response.content_part.done', item_id: itemId, output_index: outputIndex, content_index: 0, part: { ...part, text: g.text } });
    }
    push({ type: 'response.output_item.done', output_index: outputIndex, item });
  });
  push({ type: final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: final });
  return events;
}

// ----------------------------------------------------------------------------------------- maker

/** The form a request's answer takes: the model's style, except that gpt-oss-like models answer chat requests as chat. */
function answerStyle(context: OutputContext): OutputStyle {
  const style = outputStyleOf(context.contract, context.model);
  if (style === 'responses' && Array.isArray(context.input.messages)) return 'chat-completions';
  return style;
}

/** A bare `prompt` request (no conversation): what a completions endpoint answers. */
function answersAsText(input: Obj): boolean {
  return typeof input.prompt === 'string' && input.messages === undefined;
}

function run(context: OutputContext): { g: Generation; style: OutputStyle } {
  const style = answerStyle(context);
  // A classic answer carries no id: its draws are taken (the rest of the answer is as it would be), its digits not written.
  const g = generate(readGenerationRequest(context.input, context.model), context.rng, { withId: style !== 'classic' });
  return { g, style };
}

/** Text generation on /ai/run, in the model's own output shape; streams classic `{response}` events or OpenAI chunks. */
export const textGeneration: OutputMaker = {
  make(context) {
    // A decision model generates no text: its answers follow its questions.
    if (outputStyleOf(context.contract, context.model) === 'decisions') return decisions.make(context);
    const { g, style } = run(context);
    const { contract, model } = context;
    if (style === 'chat-completions') {
      const extras = chatExtras(contract, model);
      if (extras.textCompletion && answersAsText(context.input) && g.toolCalls.length === 0) return { kind: 'json', result: toTextCompletion(g, model.id, extras) };
      return { kind: 'json', result: toChatCompletion(g, model.id, { nullableContent: nullableContent(contract, model), extras }) };
    }
    if (style === 'responses') return { kind: 'json', result: toResponse(g, model.id) };
    const result = toClassic(g, classicShape(contract, model));
    const json = classicProseJson(result, g);
    // Prose is the emulator's ASCII words (fake-text.ts), the rest digits and member names.
    return json === undefined ? { kind: 'json', result } : { kind: 'json', result, json, ascii: true };
  },
  stream(context) {
    const { g, style } = run(context);
    const events: StreamEvent[] = [];
    if (style === 'chat-completions') {
      for (const data of chatCompletionChunks(g, context.model.id, { includeUsage: true, extras: chatExtras(context.contract, context.model) })) events.push({ data });
    } else if (style === 'responses') {
      for (const data of responseEvents(g, context.model.id)) events.push({ data });
    } else {
      const shape = classicShape(context.contract, context.model);
      for (const token of g.tokens) events.push({ data: { response: token } });
      const last: Obj = { response: '' };
      if (g.toolCalls.length > 0) last.tool_calls = g.toolCalls.map((c) => classicToolCall(c, shape));
      last.usage = usage(g);
      events.push({ data: last });
    }
    events.push({ done: true });
    return events;
  },
};

