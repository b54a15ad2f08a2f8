/**
 * @module Text generation semantics: token accounting, `max_tokens`, JSON mode and tool calls, for the three
 * answer shapes (classic `{response, tool_calls, usage}`, OpenAI chat completion, OpenAI Responses); a decision
 * model's answers are decisions.ts'.
 * The /ai/v1 checks reuse these rules on OpenAI bodies.
 */
import type { ModelEntry } from '../../contract/types.js';
import { validateAdHoc } from '../_internals/ad-hoc-schema.js';
import { isObject } from '../_internals/exchange.js';
import { at, capProblems, docsOnly, num, pathLabel, problem, shortJson, type Problem } from '../_internals/problem.js';
import { formatSchemaError } from '../../contract/schema-errors.js';
import { decisionProblems } from './decisions.js';

type Obj = Record<string, unknown>;

/** Names of a usage object's counters (`prompt_tokens`… on /ai/run and chat, `input_tokens`… on Responses). */
export interface UsageNames {
  prompt: string;
  completion: string;
  total: string;
}

/** Chat-completion and classic usage counter names. */
export const CHAT_USAGE: UsageNames = { prompt: 'prompt_tokens', completion: 'completion_tokens', total: 'total_tokens' };
/** Responses usage counter names. */
export const RESPONSES_USAGE: UsageNames = { prompt: 'input_tokens', completion: 'output_tokens', total: 'total_tokens' };

/** A token limit the request set (or the model's documented default), and where it came from, for messages. */
export interface TokenLimit {
  limit: number;
  source: string;
}

/** The completion-token limit of a request: the first of `keys` it sets, else the model's documented default when `useDefault`. */
export function tokenLimit(input: Obj | undefined, model: ModelEntry | undefined, keys: readonly string[], useDefault: boolean): TokenLimit | undefined {
  for (const key of keys) {
    const value = input?.[key];
    if (typeof value === 'number' && Number.isFinite(value)) return { limit: value, source: `the request's ${key}` };
  }
  if (useDefault && model?.facts.maxTokens !== undefined) return { limit: model.facts.maxTokens, source: `the default max_tokens of ${model.id}` };
  return undefined;
}

/** Token counters are whole, non-negative, and add up: total = prompt + completion. */
export function usageProblems(usage: unknown, base: string, names: UsageNames = CHAT_USAGE): Problem[] {
  if (!isObject(usage)) return [];
  const problems: Problem[] = [];
  for (const key of [names.prompt, names.completion, names.total]) {
    const value = usage[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      problems.push(problem(at(base, key), `is ${shortJson(value)}, expected a whole number of tokens ≥ 0`, 'an integer ≥ 0', shortJson(value)));
    }
  }
  const prompt = usage[names.prompt];
  const completion = usage[names.completion];
  const total = usage[names.total];
  if (typeof prompt === 'number' && typeof completion === 'number' && typeof total === 'number' && total !== prompt + completion) {
    problems.push(
      problem(at(base, names.total), `is ${num(total)}, expected ${num(prompt + completion)} (${names.prompt} ${num(prompt)} + ${names.completion} ${num(completion)})`, String(prompt + completion), String(total)),
    );
  }
  return problems;
}

/**
 * The completion counter does not exceed the token limit. A warning: documented, but Cloudflare's own
 * changelog (April 2025, as summarised in public skill pages) says `max_tokens` "was not respected"
 * before, and models count tokens their own way; no real answer shows the limit holding exactly.
 */
export function maxTokensProblems(usage: unknown, base: string, limit: TokenLimit | undefined, names: UsageNames = CHAT_USAGE): Problem[] {
  if (!limit || !isObject(usage)) return [];
  const used = usage[names.completion];
  if (typeof used !== 'number' || used <= limit.limit) return [];
  return docsOnly([problem(at(base, names.completion), `is ${num(used)}, expected at most ${num(limit.limit)} (${limit.source})`, `≤ ${num(limit.limit)}`, num(used))]);
}

/** What JSON mode asked for: any JSON object, or JSON matching a schema. */
export type JsonFormat = { type: 'json_object' } | { type: 'json_schema'; schema: unknown };

/**
 * The JSON mode a request asked for. Workers AI puts the schema itself in `response_format.json_schema`;
 * OpenAI wraps it as `{name, schema, strict}`; Responses uses `text.format`. All three are read.
 */
export function requestedJsonFormat(input: Obj | undefined): JsonFormat | undefined {
  const format = isObject(input?.response_format) ? input.response_format : isObject(input?.text) && isObject(input.text.format) ? input.text.format : undefined;
  if (!format) return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type !== 'json_schema') return undefined;
  const declared = format.json_schema ?? format.schema;
  const wrapped = isObject(declared) && isObject(declared.schema) && ('name' in declared || 'strict' in declared);
  return { type: 'json_schema', schema: wrapped ? declared.schema : declared };
}

/**
 * JSON mode output (a JSON text, or already-parsed JSON) is JSON, an object, and satisfies the requested
 * schema. Warnings: the JSON Mode page documents it, and also that a model may fail to meet the schema;
 * no real answer shows a 2xx answer always meeting it.
 */
export function jsonModeProblems(output: unknown, path: string, format: JsonFormat | undefined): Problem[] {
  return docsOnly(jsonModeRuleProblems(output, path, format));
}

function jsonModeRuleProblems(output: unknown, path: string, format: JsonFormat | undefined): Problem[] {
  if (!format || output === undefined || output === null) return [];
  let value = output;
  if (typeof output === 'string') {
    try {
      value = JSON.parse(output);
    } catch {
      return [problem(path, `is not JSON although the request asked for ${format.type}: ${shortJson(output, 60)}`, 'a JSON text', shortJson(output, 60))];
    }
  }
  if (format.type === 'json_object' || !isObject(format.schema)) {
    return isObject(value) ? [] : [problem(path, `is JSON ${shortJson(value, 40)}, expected a JSON object (response_format ${format.type})`, 'a JSON object', shortJson(value, 40))];
  }
  const result = validateAdHoc(format.schema, value);
  // A requested schema that does not compile is the harness's doing, not the target's.
  if (!result.ok || result.errors.length === 0) return [];
  return result.errors.map((error) => ({
    message: `${pathLabel(path)} does not satisfy the requested JSON schema: ${formatSchemaError(error)}`,
    instancePath: path,
    expected: error.expected,
    actual: error.actual,
  }));
}

/**
 * Names of the tools (and legacy functions) a request offered, in every documented form; undefined when the
 * request is not known (a captured answer judged alone), so no tool name can be held against it.
 */
export function offeredToolNames(input: Obj | undefined): Set<string> | undefined {
  if (input === undefined) return undefined;
  const names = new Set<string>();
  for (const list of [input?.tools, input?.functions]) {
    if (!Array.isArray(list)) continue;
    for (const tool of list) {
      if (!isObject(tool)) continue;
      if (typeof tool.name === 'string') names.add(tool.name);
      if (isObject(tool.function) && typeof tool.function.name === 'string') names.add(tool.function.name);
    }
  }
  return names;
}

// Tool calls: warnings. The function-calling docs describe the shape, but the platform does not validate
// what a model generates (models name tools they were not offered, or emit arguments that are not JSON),
// and real answers differ in form (llama-4-scout answers argument objects).
function nameProblems(name: unknown, path: string, offered: ReadonlySet<string> | undefined): Problem[] {
  return docsOnly(toolNameRuleProblems(name, path, offered));
}

function argumentsProblems(args: unknown, path: string, stringOnly: boolean): Problem[] {
  return docsOnly(argumentsRuleProblems(args, path, stringOnly));
}

function toolNameRuleProblems(name: unknown, path: string, offered: ReadonlySet<string> | undefined): Problem[] {
  if (typeof name !== 'string' || (name === '' && !offered?.has(''))) return [problem(path, `is ${shortJson(name)}, expected the name of an offered tool`, 'a tool name', shortJson(name))];
  // Correction (issue 9): without the request (validate of a captured answer) no tool was offered or refused:
  // every live tool call was rejected as "offered: none". The name's structure is still judged.
  if (offered === undefined || offered.has(name)) return [];
  const list = offered.size ? [...offered].join(', ') : 'none';
  return [problem(path, `calls tool "${name}", which the request did not offer (offered: ${list})`, `one of: ${list}`, name)];
}

function argumentsRuleProblems(args: unknown, path: string, stringOnly: boolean): Problem[] {
  if (isObject(args) && !stringOnly) return [];
  if (typeof args !== 'string') return [problem(path, `is ${shortJson(args, 40)}, expected ${stringOnly ? 'a JSON-encoded object' : 'an object or a JSON-encoded object'}`, 'JSON object', shortJson(args, 40))];
  try {
    const parsed: unknown = JSON.parse(args);
    if (isObject(parsed)) return [];
    return [problem(path, `encodes ${shortJson(parsed, 40)}, expected a JSON object of arguments`, 'a JSON object', shortJson(parsed, 40))];
  } catch {
    return [problem(path, `is not JSON: ${shortJson(args, 60)}`, 'a JSON-encoded object', shortJson(args, 60))];
  }
}

/**
 * Tool calls are well-formed: each names a tool the request offered and carries a JSON object of arguments;
 * OpenAI-form calls also carry a unique non-empty `id`. Legacy calls (`{name, arguments}`) may give arguments as an object.
 */
export function toolCallProblems(calls: unknown, base: string, offered: ReadonlySet<string> | undefined): Problem[] {
  if (!Array.isArray(calls)) return [];
  const problems: Problem[] = [];
  const ids = new Set<string>();
  calls.forEach((call, i) => {
    // A hostile answer may hold 100,000s of calls: past the cap nothing more is worth building.
    if (problems.length > MAX_TOOL_CALL_PROBLEMS) return;
    const path = at(base, i);
    if (!isObject(call)) {
      problems.push(problem(path, `is ${shortJson(call, 40)}, expected a tool call object`));
      return;
    }
    if (isObject(call.function)) {
      if (typeof call.id !== 'string' || call.id === '') problems.push(problem(at(path, 'id'), `is ${shortJson(call.id)}, expected a non-empty call id`, 'a non-empty string', shortJson(call.id)));
      else if (ids.has(call.id)) problems.push(problem(at(path, 'id'), `repeats the id "${call.id}" of an earlier call, expected unique ids`, 'a unique id', call.id));
      else ids.add(call.id);
      problems.push(...nameProblems(call.function.name, at(path, 'function', 'name'), offered));
      // The form (string or object) is each model's output schema's to state (output.schema judges it);
      // llama-4-scout's /ai/run answers objects, OpenAI's wire format strings. Either must hold a JSON object.
      problems.push(...argumentsProblems(call.function.arguments, at(path, 'function', 'arguments'), false));
    } else {
      problems.push(...nameProblems(call.name, at(path, 'name'), offered));
      problems.push(...argumentsProblems(call.arguments, at(path, 'arguments'), false));
    }
  });
  return docsOnly(capProblems(problems, MAX_TOOL_CALL_PROBLEMS, 'tool-call problems'));
}

/** Problems reported for one answer's tool calls, at most. */
const MAX_TOOL_CALL_PROBLEMS = 50;

/** The rules of a classic `{response, tool_calls, usage}` answer. */
export function classicProblems(result: Obj, base: string, input: Obj | undefined, model: ModelEntry | undefined): Problem[] {
  const limit = tokenLimit(input, model, ['max_tokens'], true);
  const usage = result.usage;
  const problems = [...usageProblems(usage, at(base, 'usage')), ...maxTokensProblems(usage, at(base, 'usage'), limit)];
  const calls = Array.isArray(result.tool_calls) ? result.tool_calls : [];
  problems.push(...toolCallProblems(calls, at(base, 'tool_calls'), offeredToolNames(input)));
  // An answer cut at the token limit cannot be expected to be complete JSON; a tool call replaces the text.
  const used = isObject(usage) && typeof usage.completion_tokens === 'number' ? usage.completion_tokens : undefined;
  const truncated = limit !== undefined && used !== undefined && used >= limit.limit;
  const format = requestedJsonFormat(input);
  if (!truncated && calls.length === 0) problems.push(...jsonModeProblems(result.response, at(base, 'response'), format));
  // `response: null` is seen live only beside tool calls (spec/models/overlay.yaml); without them there is no answer.
  if (result.response === null && calls.length === 0) {
    problems.push(problem(at(base, 'response'), 'is null without tool_calls, expected the generated text (null is seen only beside tool calls)', 'a string', 'null'));
  }
  // The parsed-object form of `response` is JSON mode's (docs, JSON Mode page); without it the answer is text.
  if (!format && isObject(result.response)) {
    problems.push(problem(at(base, 'response'), `is the object ${shortJson(result.response, 40)} although the request asked for no JSON mode, expected text`, 'a string', shortJson(result.response, 40)));
  }
  return problems;
}

/**
 * The rules of an OpenAI chat completion (on /ai/run for chat-completions models, and /ai/v1/chat/completions; a
 * text completion's choices too):
 * at least one choice, indexes in order, `finish_reason: tool_calls` only with tool calls, plus usage, limit, JSON mode, tools.
 */
export function chatCompletionProblems(body: Obj, base: string, input: Obj | undefined, model: ModelEntry | undefined, useDefaultLimit: boolean): Problem[] {
  const problems: Problem[] = [];
  const limit = tokenLimit(input, model, ['max_completion_tokens', 'max_tokens'], useDefaultLimit);
  problems.push(...usageProblems(body.usage, at(base, 'usage')), ...maxTokensProblems(body.usage, at(base, 'usage'), limit));
  const choices = body.choices;
  if (!Array.isArray(choices)) return problems;
  if (choices.length === 0) problems.push(problem(at(base, 'choices'), 'is empty, expected at least one choice', 'at least 1 choice', '0 choices'));
  const offered = offeredToolNames(input);
  const format = requestedJsonFormat(input);
  choices.forEach((choice, i) => {
    if (!isObject(choice)) return;
    const path = at(base, 'choices', i);
    if (typeof choice.index === 'number' && choice.index !== i) problems.push(problem(at(path, 'index'), `is ${choice.index}, expected ${i} (its position)`, String(i), String(choice.index)));
    const message = isObject(choice.message) ? choice.message : {};
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    problems.push(...toolCallProblems(calls, at(path, 'message', 'tool_calls'), offered));
    if (choice.finish_reason === 'tool_calls' && calls.length === 0) {
      problems.push(problem(at(path, 'finish_reason'), 'is "tool_calls" but the message has no tool_calls', 'tool_calls present', 'none'));
    }
    // A text completion (qwen3's answer to a bare prompt) carries its text in `text`, not in a message.
    const text = isObject(choice.message) || typeof choice.text !== 'string' ? { value: message.content, path: at(path, 'message', 'content') } : { value: choice.text, path: at(path, 'text') };
    if (choice.finish_reason !== 'length' && calls.length === 0) problems.push(...jsonModeProblems(text.value, text.path, format));
  });
  return problems;
}

/** The text of a Responses answer's message items, concatenated in order. */
export function responsesText(output: unknown): string {
  if (!Array.isArray(output)) return '';
  let text = '';
  for (const item of output) {
    if (!isObject(item) || item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content) if (isObject(part) && part.type === 'output_text' && typeof part.text === 'string') text += part.text;
  }
  return text;
}

/**
 * The rules of an OpenAI Responses answer (gpt-oss on /ai/run, /ai/v1/responses): usage adds up, `max_output_tokens`
 * holds, `output_text` is the message text, function calls are well-formed, JSON mode holds on the text.
 */
export function responsesProblems(body: Obj, base: string, input: Obj | undefined, model: ModelEntry | undefined): Problem[] {
  const problems: Problem[] = [];
  const limit = tokenLimit(input, model, ['max_output_tokens'], false);
  problems.push(...usageProblems(body.usage, at(base, 'usage'), RESPONSES_USAGE), ...maxTokensProblems(body.usage, at(base, 'usage'), limit, RESPONSES_USAGE));
  const offered = offeredToolNames(input);
  let calls = 0;
  if (Array.isArray(body.output)) {
    body.output.forEach((item, i) => {
      if (!isObject(item) || item.type !== 'function_call') return;
      calls++;
      problems.push(...nameProblems(item.name, at(base, 'output', i, 'name'), offered));
      problems.push(...argumentsProblems(item.arguments, at(base, 'output', i, 'arguments'), true));
    });
  }
  const text = responsesText(body.output);
  if (typeof body.output_text === 'string' && body.status !== 'incomplete' && body.output_text !== text) {
    problems.push(problem(at(base, 'output_text'), `is ${shortJson(body.output_text, 40)}, expected the concatenated output_text parts of output (${shortJson(text, 40)})`, shortJson(text, 40), shortJson(body.output_text, 40)));
  }
  if (body.status !== 'incomplete' && calls === 0) {
    const path = typeof body.output_text === 'string' ? at(base, 'output_text') : at(base, 'output');
    problems.push(...jsonModeProblems(typeof body.output_text === 'string' ? body.output_text : text || undefined, path, requestedJsonFormat(input)));
  }
  return problems;
}

/** The shape of a text generation answer, told from the answer itself (gpt-oss may answer either OpenAI form). */
export function answerShape(result: unknown): 'chat-completions' | 'responses' | 'classic' {
  if (isObject(result) && Array.isArray(result.choices)) return 'chat-completions';
  if (isObject(result) && Array.isArray(result.output)) return 'responses';
  return 'classic';
}

/** output.semantics for text generation on /ai/run. */
export function textGenerationSemantics(result: unknown, base: string, input: Obj | undefined, model: ModelEntry): Problem[] {
  if (!isObject(result)) return [];
  if (model.facts.outputStyle === 'decisions') return decisionProblems(result, base, input);
  switch (answerShape(result)) {
    case 'chat-completions':
      return chatCompletionProblems(result, base, input, model, true);
    case 'responses':
      return responsesProblems(result, base, input, model);
    default:
      return classicProblems(result, base, input, model);
  }
}
