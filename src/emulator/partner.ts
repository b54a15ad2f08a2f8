/**
 * @module `POST /ai/run` with `{model, input}` in the body: the unified catalogue's partner models (spec/openapi.yaml
 * `runPartnerModel`). A valid input is answered `{state: "Completed", result, gatewayMetadata}`, its `result` of the
 * model's output schema (a URL for audio, image and video answers, an OpenAI chat completion for chat models); an
 * input the model's published schema refuses is answered 400 `{state: "Failed", error: "Model execution failed (User
 * Input Error): ..."}` (cloudflare/ai#559's form; the status is the contract's choice). A body that is not
 * `{model, input}` and an id no catalogue has are answered with the v4 error envelope (3003, 5007).
 */
import type { Contract, PartnerModel } from '../contract/contract.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import { errorResponse } from './errors.js';
import { hexId, promptTokens, proseTokens, round } from './outputs/fake-text.js';
import { generate, toChatCompletion } from './outputs/text-generation.js';
import { createRng, seedFrom, type Rng } from './rng.js';
import type { EmulatorRequest, EmulatorResponse } from './types.js';
import { jsonAnswer } from './v1-answers.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where the emulator's media answers point: a host that never resolves (RFC 2606 `.invalid`). */
const MEDIA_ROOT = 'https://media.wai-conformance.invalid/partner';
/** Most tokens one chat answer has, whatever `max_tokens` asks (the catalogue states 16,384 for gpt-5.4-mini). */
const ANSWER_TOKEN_LIMIT = 16_384;

/** The media file a URL answer names, by the model's output member. */
const MEDIA_EXTENSION: Readonly<Record<string, string>> = { audio: 'mp3', image: 'jpeg', video: 'mp4' };

/**
 * A transcript as AssemblyAI's answer in the catalogue has it: the text, word timings in milliseconds with a
 * confidence, `speaker` null without diarization, `utterances` null, the language.
 */
function transcript(input: Obj, rng: Rng): Obj {
  const tokens = proseTokens(rng, 8 + Math.floor(rng.next() * 12));
  const words: Obj[] = [];
  let at = 32;
  for (const token of tokens) {
    const end = at + 80 + Math.floor(rng.next() * 400);
    words.push({ text: token.trim(), start: at, end, confidence: round(0.9 + rng.next() * 0.0999, 7), speaker: null });
    at = end + Math.floor(rng.next() * 60);
  }
  const language = typeof input.language_code === 'string' ? input.language_code : 'en';
  return { text: tokens.join(''), words, utterances: null, confidence: round(0.95 + rng.next() * 0.0499, 8), language_code: language, language_confidence: round(0.99 + rng.next() * 0.0099, 4) };
}

/** The model's `result`: a URL for each URL member of its output schema, or a chat completion. */
function result(contract: Contract, partner: PartnerModel, input: Obj, rng: Rng): Obj {
  const output = (contract.openapi.components as { schemas: Record<string, Obj> }).schemas[partner.output]!;
  const properties = isObject(output.properties) ? output.properties : {};
  if ('choices' in properties) {
    const asked = typeof input.max_completion_tokens === 'number' ? input.max_completion_tokens : typeof input.max_tokens === 'number' ? input.max_tokens : 64;
    const g = generate({ promptTokens: promptTokens(input), maxTokens: Math.min(Math.ceil(asked), ANSWER_TOKEN_LIMIT), tools: [] }, rng);
    return toChatCompletion(g, partner.id.slice(partner.id.indexOf('/') + 1), { nullableContent: true });
  }
  if ('words' in properties && 'text' in properties) return transcript(input, rng);
  const out: Obj = {};
  const slug = partner.id.replace('/', '__');
  for (const name of Object.keys(properties)) out[name] = `${MEDIA_ROOT}/${slug}/${hexId(rng, 16)}.${MEDIA_EXTENSION[name] ?? 'bin'}`;
  return out;
}

/** True for the text of a failed partner run, `{"state": "Failed", ...}` (in any member order). */
export function isFailedAnswer(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return isObject(value) && value.state === 'Failed';
  } catch {
    return false;
  }
}

/** Answers one `POST /ai/run` (model in the body); equal requests get equal answers. */
export function handlePartner(request: EmulatorRequest, contract: Contract): EmulatorResponse {
  let body: unknown;
  try {
    body = request.body.length === 0 ? undefined : JSON.parse(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8'));
  } catch {
    return errorResponse('incomplete', { what: 'a JSON body {model, input}' });
  }
  const shape = contract.validate(contract.componentUri('PartnerRunRequest'), body);
  if (shape.length > 0) return errorResponse('incomplete', { what: `a JSON body {model, input} (${formatSchemaError(shape[0]!)})` });
  const { model: id, input } = body as { model: string; input: Obj };
  const partner = contract.partnerModel(id);
  if (!partner) return errorResponse('noSuchModel', { model: id });
  const refused = contract.validate(contract.componentUri(partner.input), input, '/input');
  if (refused.length > 0) {
    // The provider's refusal relayed as the unified catalogue's failed run (cloudflare/ai#559).
    return jsonAnswer({ state: 'Failed', error: `Model execution failed (User Input Error): ${refused.slice(0, 3).map(formatSchemaError).join('; ')}` }, 400);
  }
  const rng = createRng(seedFrom(`partner:${id}`, request.body));
  return jsonAnswer({ state: 'Completed', result: result(contract, partner, input, rng), gatewayMetadata: { keySource: 'Unified' } });
}
