/**
 * @module `/ai/v1/messages`, Anthropic's Messages API for the third-party Anthropic models of the catalogue
 * (spec/openapi.yaml `createMessage`): a `message` object or its event stream for the models `x-wai-models` lists, and
 * the endpoint's Anthropic-shaped errors as the real API was seen answering them: 400 `invalid_request_error` "AiError:
 * Anthropic Messages API is not supported for model ..." for a Workers AI model, 404 `not_found_error` "Model not found:
 * ..." for an id the catalogue lacks (free-claude-code#946), and `invalid_request_error` for a body the schema refuses.
 */
import type { Contract } from '../contract/contract.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import { contentText, countWords, hexId, promptTokens } from './outputs/fake-text.js';
import { generate, type Generation, type GenerationRequest, type ToolSpec } from './outputs/text-generation.js';
import { createRng, seedFrom, type Rng } from './rng.js';
import type { EmulatorRequest, EmulatorResponse } from './types.js';
import { jsonAnswer, sseAnswer } from './v1-answers.js';
import type { JsonSchema } from '../contract/types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Most output tokens one answer has, whatever `max_tokens` asks (the model pages state 128K for the largest). */
const ANSWER_TOKEN_LIMIT = 128_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An Anthropic-shaped error answer (spec/openapi.yaml `AnthropicErrorBody`). */
export function anthropicError(status: number, type: string, message: string): EmulatorResponse {
  return jsonAnswer({ type: 'error', error: { type, message } }, status);
}

/** `n` base62 characters from `rng`: Anthropic's ids (`msg_011CfJq2fgVPNWUne9rV4Tiv`, `toolu_...`) are of this alphabet. */
function base62(rng: Rng, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += BASE62[Math.floor(rng.next() * 62)]!;
  return out;
}

/** A request id as the real error message carries one (a UUID). */
function requestId(rng: Rng): string {
  const hex = hexId(rng, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The `model` an answer names: the upstream model's own name, not the catalogue id. The model pages show
 * `"model": "claude-opus-5-5"` for `anthropic/claude-opus-5.5` (the author prefix dropped, dots as hyphens).
 */
export function upstreamModelName(id: string): string {
  return id.slice(id.indexOf('/') + 1).replace(/\./g, '-');
}

/** True when the conversation's last turn hands back tool results: then the model answers in text. */
function answersToolResult(messages: unknown[]): boolean {
  const last = messages.at(-1);
  return isObject(last) && Array.isArray(last.content) && last.content.some((block) => isObject(block) && block.type === 'tool_result');
}

/** What to generate for a Messages request (already valid by MessagesRequest). */
function generationRequest(body: Obj): GenerationRequest {
  const messages = body.messages as unknown[];
  const choice = isObject(body.tool_choice) ? body.tool_choice : undefined;
  const tools: ToolSpec[] =
    choice?.type === 'none' || answersToolResult(messages) || !Array.isArray(body.tools)
      ? []
      : body.tools.filter((t): t is Obj => isObject(t) && typeof t.name === 'string' && isObject(t.input_schema)).map((t) => ({ name: t.name as string, parameters: t.input_schema as JsonSchema }));
  const system = typeof body.system === 'string' ? body.system : contentText(body.system);
  const request: GenerationRequest = { promptTokens: promptTokens({ messages }) + countWords(system), maxTokens: Math.min(body.max_tokens as number, ANSWER_TOKEN_LIMIT), tools };
  if (choice?.type === 'tool' && typeof choice.name === 'string' && tools.some((t) => t.name === choice.name)) request.forcedTool = choice.name;
  return request;
}

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

/** Asked-for thinking (`thinking: {type: "enabled" | "adaptive"}`) is answered as the model pages show it: an empty text and a signature. */
function thinkingBlock(body: Obj, rng: Rng): Obj | undefined {
  const type = isObject(body.thinking) ? body.thinking.type : undefined;
  if (type !== 'enabled' && type !== 'adaptive') return undefined;
  return { type: 'thinking', thinking: '', signature: Buffer.from(hexId(rng, 48), 'hex').toString('base64') };
}

interface Answer {
  id: string;
  model: string;
  thinking?: Obj;
  g: Generation;
  toolIds: string[];
}

function contentOf(answer: Answer): Obj[] {
  const content: Obj[] = answer.thinking ? [answer.thinking] : [];
  if (answer.g.toolCalls.length === 0) content.push({ type: 'text', text: answer.g.text });
  answer.g.toolCalls.forEach((call, i) => content.push({ type: 'tool_use', id: answer.toolIds[i]!, name: call.name, input: call.arguments }));
  return content;
}

function usage(g: Generation, output: number): Obj {
  return { input_tokens: g.promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output };
}

function message(answer: Answer): Obj {
  const { g } = answer;
  // `gatewayMetadata` as the model pages show it for a third-party model billed through Unified Billing (spec/openapi.yaml AnthropicMessage).
  return { id: answer.id, type: 'message', role: 'assistant', content: contentOf(answer), model: answer.model, stop_reason: STOP_REASON[g.finishReason], stop_sequence: null, usage: usage(g, g.completionTokens), gatewayMetadata: { keySource: 'Unified' } };
}

const event = (data: Obj): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;

/** Splits a tool call's JSON into a few `partial_json` pieces, as Anthropic streams tool input. */
function jsonPieces(json: string): string[] {
  const size = Math.max(8, Math.ceil(json.length / 4));
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += size) pieces.push(json.slice(i, i + size));
  return pieces;
}

/** The answer as Anthropic's event stream: message_start, each block started, streamed and stopped, message_delta, message_stop. */
function events(answer: Answer): string[] {
  const { g } = answer;
  const head = { id: answer.id, type: 'message', role: 'assistant', content: [], model: answer.model, stop_reason: null, stop_sequence: null, usage: usage(g, 1) };
  const out = [event({ type: 'message_start', message: head })];
  let index = 0;
  if (answer.thinking) {
    out.push(event({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    out.push(event({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: answer.thinking.signature } }));
    out.push(event({ type: 'content_block_stop', index }));
    index++;
  }
  if (g.toolCalls.length === 0) {
    out.push(event({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    out.push(event({ type: 'ping' }));
    for (const token of g.tokens) out.push(event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: token } }));
    out.push(event({ type: 'content_block_stop', index }));
  }
  g.toolCalls.forEach((call, i) => {
    out.push(event({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: answer.toolIds[i]!, name: call.name, input: {} } }));
    for (const piece of jsonPieces(call.argumentsJson)) out.push(event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
    out.push(event({ type: 'content_block_stop', index }));
    index++;
  });
  out.push(event({ type: 'message_delta', delta: { stop_reason: STOP_REASON[g.finishReason], stop_sequence: null }, usage: { output_tokens: g.completionTokens } }));
  out.push(event({ type: 'message_stop' }));
  return out;
}

/** Answers one `/ai/v1/messages` request; equal requests get equal answers. */
export function handleMessages(request: EmulatorRequest, contract: Contract): EmulatorResponse {
  const rng = createRng(seedFrom('messages', request.body));
  let body: unknown;
  try {
    body = request.body.length === 0 ? undefined : JSON.parse(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8'));
  } catch (error) {
    return anthropicError(400, 'invalid_request_error', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(body)) return anthropicError(400, 'invalid_request_error', 'The request body must be a JSON object');
  const id = body.model;
  if (typeof id === 'string' && !contract.messagesModels().includes(id)) {
    // As seen: a Workers AI model is refused by this endpoint; an id the catalogue lacks is not found.
    if (contract.model(id)) return anthropicError(400, 'invalid_request_error', `AiError: Anthropic Messages API is not supported for model "${id}" (${requestId(rng)})`);
    return anthropicError(404, 'not_found_error', `Model not found: ${id}`);
  }
  const errors = contract.validate(contract.componentUri('MessagesRequest'), body);
  if (errors.length > 0) return anthropicError(400, 'invalid_request_error', errors.slice(0, 5).map(formatSchemaError).join('; '));
  const g = generate(generationRequest(body), rng);
  const thinking = thinkingBlock(body, rng);
  const answer: Answer = { id: `msg_01${base62(rng, 22)}`, model: upstreamModelName(id as string), g, toolIds: g.toolCalls.map(() => `toolu_01${base62(rng, 22)}`), ...(thinking ? { thinking } : {}) };
  if (body.stream === true) return sseAnswer(events(answer));
  return jsonAnswer(message(answer));
}
