/**
 * @module /ai/v1/messages, the Anthropic-compatible endpoint: `openai.messages` judges an answer (a `message` object, or
 * the message a stream assembles to) and {@link messagesSequenceProblems} gives stream.framing the order of Anthropic's
 * events. What Cloudflare's model pages show (the members of the answer, a stream opening with `message_start` and
 * closing with `message_stop`) is an error when broken; the rest follows Anthropic's published Messages API, which
 * Cloudflare forwards to but does not document itself, so breaking it is a warning (spec/openapi.yaml createMessage).
 */
import type { Exchange, ReceivedEvent } from '../targets/types.js';
import { bareMediaType } from '../media/sniff.js';
import { defineCheck } from './_internals/define.js';
import { jsonSchemaFor } from './_internals/documented.js';
import { header, isObject, knownInput, isSuccessStatus, jsonBody, openAiEndpoint, operationLabel, streamRequested } from './_internals/exchange.js';
import { at, capProblems, docsOnly, num, problem, schemaProblems, shortJson, toFindings, type Problem } from './_internals/problem.js';
import { streamEvents } from './stream.js';
import type { CheckContext, Finding } from './types.js';

type Obj = Record<string, unknown>;

/** Findings per answer beyond which the rest are counted, not listed. */
const MAX_FINDINGS = 20;

/** The delta types each kind of content block streams (Anthropic's streaming docs); other block kinds are not judged. */
const DELTAS_OF: Readonly<Record<string, readonly string[]>> = {
  text: ['text_delta', 'citations_delta'],
  tool_use: ['input_json_delta'],
  server_tool_use: ['input_json_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
};

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * The order of a Messages stream's events: `message_start` first and `message_stop` last (shown by Cloudflare's
 * model pages: errors); between them, per Anthropic's docs (warnings), content blocks opened, streamed and closed
 * one at a time at indices 0, 1, 2 ..., deltas of the open block's kind, one `message_delta` after the last block,
 * `ping` anywhere; an `error` event is a failure reported mid-stream. Broken JSON is stream.framing's own finding.
 */
export function messagesSequenceProblems(events: readonly ReceivedEvent[]): Problem[] {
  const shown: Problem[] = [];
  const anthropic: Problem[] = [];
  const typed = events.map((event) => {
    const data = parse(event.data);
    return { data: isObject(data) ? data : undefined, type: isObject(data) && typeof data.type === 'string' ? data.type : undefined };
  });
  const meaningful = typed.map((t, i) => ({ ...t, i })).filter((t) => t.type !== 'ping');
  const first = meaningful[0];
  if (first && first.type !== 'message_start') shown.push(problem(at('/events', first.i, 'data', 'type'), `is ${shortJson(first.type)}, expected the stream to open with message_start`, 'message_start', String(first.type)));
  const last = meaningful.at(-1);
  if (last && last.type !== 'message_stop' && last.type !== 'error') shown.push(problem(at('/events', last.i, 'data', 'type'), `is ${shortJson(last.type)}, expected the stream to close with message_stop`, 'message_stop', String(last.type)));

  let open: { index: number; kind: string } | undefined;
  let next = 0;
  let deltaAt: number | undefined;
  let stopAt: number | undefined;
  typed.forEach(({ data, type }, i) => {
    if (!data || type === undefined) return;
    const path = at('/events', i, 'data');
    if (stopAt !== undefined) {
      anthropic.push(problem(path, `(${type}) arrived after message_stop (event ${stopAt}), expected nothing after it`, 'nothing after message_stop', type));
      return;
    }
    switch (type) {
      case 'message_start':
        if (i !== first?.i) anthropic.push(problem(path, `repeats message_start (first at event ${first?.i}), expected it once`, 'one message_start', 'two'));
        return;
      case 'content_block_start': {
        const index = data.index;
        if (open) anthropic.push(problem(path, `opens block ${shortJson(index)} while block ${open.index} is still open, expected content_block_stop first`, `content_block_stop for ${open.index}`, 'content_block_start'));
        if (index !== next) anthropic.push(problem(at(path, 'index'), `is ${shortJson(index)}, expected ${next} (blocks are numbered in order from 0)`, String(next), shortJson(index)));
        if (deltaAt !== undefined) anthropic.push(problem(path, `opens a block after message_delta (event ${deltaAt}), expected every block before it`, 'content blocks before message_delta', 'content_block_start'));
        const kind = isObject(data.content_block) && typeof data.content_block.type === 'string' ? data.content_block.type : '';
        open = { index: typeof index === 'number' ? index : next, kind };
        next = open.index + 1;
        return;
      }
      case 'content_block_delta': {
        if (!open || data.index !== open.index) {
          anthropic.push(problem(at(path, 'index'), `is ${shortJson(data.index)}, but ${open ? `block ${open.index} is the open one` : 'no block is open'}, expected a delta of the open block`, open ? String(open.index) : 'an open block', shortJson(data.index)));
          return;
        }
        const deltaType = isObject(data.delta) ? data.delta.type : undefined;
        const allowed = DELTAS_OF[open.kind];
        if (allowed && (typeof deltaType !== 'string' || !allowed.includes(deltaType))) {
          anthropic.push(problem(at(path, 'delta', 'type'), `is ${shortJson(deltaType)} in a ${open.kind} block, expected ${allowed.join(' or ')}`, allowed.join(' | '), shortJson(deltaType)));
        }
        return;
      }
      case 'content_block_stop':
        if (!open || data.index !== open.index) anthropic.push(problem(at(path, 'index'), `is ${shortJson(data.index)}, but ${open ? `block ${open.index} is the open one` : 'no block is open'}, expected the open block closed`, open ? String(open.index) : 'an open block', shortJson(data.index)));
        open = undefined;
        return;
      case 'message_delta':
        if (open) anthropic.push(problem(path, `arrived while block ${open.index} is still open, expected content_block_stop first`, `content_block_stop for ${open.index}`, 'message_delta'));
        if (deltaAt !== undefined) anthropic.push(problem(path, `repeats message_delta (first at event ${deltaAt}), expected it once`, 'one message_delta', 'two'));
        deltaAt ??= i;
        return;
      case 'message_stop':
        if (deltaAt === undefined) anthropic.push(problem(path, 'ends the message without a message_delta, expected one with its stop_reason and usage first', 'message_delta', 'none'));
        stopAt = i;
        return;
      case 'error':
        shown.push(problem(path, `is an error event: ${shortJson(data.error, 80)}, expected the message`, 'no error', shortJson(data.error, 80)));
        return;
      default:
        return; // ping, and event types Anthropic may add (its versioning policy asks clients to ignore them)
    }
  });
  return [...shown, ...docsOnly(anthropic)];
}

/** A tool_use block being streamed: its input arrives as `partial_json` pieces. */
interface StreamedBlock {
  block: Obj;
  json: string;
}

/**
 * The message a stream assembles to: message_start's message, each block as started with its deltas applied
 * (text, thinking, signature appended; a tool_use's `partial_json` joined and parsed into `input`), and
 * message_delta's stop_reason and output usage. Problems are the pieces that do not assemble.
 */
export function assembleMessage(events: readonly ReceivedEvent[]): { message: Obj; problems: Problem[] } {
  const message: Obj = { content: [] };
  const blocks = new Map<number, StreamedBlock>();
  const problems: Problem[] = [];
  events.forEach((event, i) => {
    const data = parse(event.data);
    if (!isObject(data)) return;
    if (data.type === 'message_start' && isObject(data.message)) Object.assign(message, data.message, { content: [] });
    else if (data.type === 'content_block_start' && typeof data.index === 'number' && isObject(data.content_block)) {
      blocks.set(data.index, { block: { ...data.content_block }, json: '' });
    } else if (data.type === 'content_block_delta' && typeof data.index === 'number' && isObject(data.delta)) {
      const streamed = blocks.get(data.index);
      if (!streamed) return; // the sequence's finding
      const { delta } = data;
      const append = (name: string, piece: unknown): void => {
        if (typeof piece === 'string') streamed.block[name] = `${typeof streamed.block[name] === 'string' ? (streamed.block[name] as string) : ''}${piece}`;
      };
      if (delta.type === 'text_delta') append('text', delta.text);
      else if (delta.type === 'thinking_delta') append('thinking', delta.thinking);
      else if (delta.type === 'signature_delta') append('signature', delta.signature);
      else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') streamed.json += delta.partial_json;
    } else if (data.type === 'content_block_stop' && typeof data.index === 'number') {
      const streamed = blocks.get(data.index);
      if (!streamed || (streamed.block.type !== 'tool_use' && streamed.block.type !== 'server_tool_use') || streamed.json === '') return;
      const input = parse(streamed.json);
      if (isObject(input)) streamed.block.input = input;
      else problems.push(problem(at('/events', i), `closes ${String(streamed.block.type)} block ${data.index} whose input_json_delta pieces join to ${shortJson(streamed.json, 60)}, expected a JSON object`, 'a JSON object', shortJson(streamed.json, 60)));
    } else if (data.type === 'message_delta') {
      if (isObject(data.delta)) {
        if ('stop_reason' in data.delta) message.stop_reason = data.delta.stop_reason;
        if ('stop_sequence' in data.delta) message.stop_sequence = data.delta.stop_sequence;
      }
      if (isObject(data.usage)) message.usage = { ...(isObject(message.usage) ? message.usage : {}), ...data.usage };
    }
  });
  message.content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, s]) => s.block);
  return { message, problems: docsOnly(problems) };
}

/** Names of the tools a Messages request offered; undefined when the request is not known. */
function offeredTools(input: Obj | undefined): Set<string> | undefined {
  if (input === undefined) return undefined;
  const names = new Set<string>();
  if (Array.isArray(input.tools)) for (const tool of input.tools) if (isObject(tool) && typeof tool.name === 'string') names.add(tool.name);
  return names;
}

/**
 * What a message means beyond its schema, per Anthropic's Messages API (warnings: Cloudflare documents none of it):
 * `stop_reason: "tool_use"` exactly when a tool_use block is there, tool_use ids unique and names offered, and
 * `usage.output_tokens` within the request's `max_tokens`.
 */
export function messageProblems(message: Obj, input: Obj | undefined): Problem[] {
  const problems: Problem[] = [];
  const content = Array.isArray(message.content) ? message.content : [];
  const offered = offeredTools(input);
  const ids = new Set<string>();
  let toolUses = 0;
  content.forEach((block, i) => {
    if (!isObject(block) || block.type !== 'tool_use') return;
    toolUses++;
    const path = at('/content', i);
    if (typeof block.id === 'string') {
      if (ids.has(block.id)) problems.push(problem(at(path, 'id'), `repeats the id "${block.id}" of an earlier tool_use block, expected unique ids`, 'a unique id', block.id));
      ids.add(block.id);
    }
    if (offered && typeof block.name === 'string' && !offered.has(block.name)) {
      const list = offered.size ? [...offered].join(', ') : 'none';
      problems.push(problem(at(path, 'name'), `calls tool "${block.name}", which the request did not offer (offered: ${list})`, `one of: ${list}`, block.name));
    }
  });
  if (message.stop_reason === 'tool_use' && toolUses === 0) problems.push(problem('/stop_reason', 'is "tool_use" but the content has no tool_use block, expected one', 'a tool_use block', 'none'));
  if (toolUses > 0 && typeof message.stop_reason === 'string' && message.stop_reason !== 'tool_use' && message.stop_reason !== 'max_tokens') {
    problems.push(problem('/stop_reason', `is "${message.stop_reason}" although the content ends in tool_use blocks, expected "tool_use"`, 'tool_use', message.stop_reason));
  }
  const maxTokens = input?.max_tokens;
  const output = isObject(message.usage) ? message.usage.output_tokens : undefined;
  if (typeof maxTokens === 'number' && typeof output === 'number' && output > maxTokens) {
    problems.push(problem('/usage/output_tokens', `is ${num(output)}, more than the request's max_tokens ${num(maxTokens)}`, `<= ${num(maxTokens)}`, num(output)));
  }
  return docsOnly(problems);
}

/** True for a 2xx answer of /ai/v1/messages. */
function answered(exchange: Exchange): boolean {
  return !!exchange.response && openAiEndpoint(exchange) === 'messages' && isSuccessStatus(exchange.response.status);
}

function judgeMessages(exchange: Exchange, context: CheckContext): Finding[] {
  const check = 'openai.messages';
  const response = exchange.response!;
  const input = knownInput(exchange, context);
  if (streamRequested(exchange, context)) {
    // Framing and the event order are stream.framing's; this judges what the stream says.
    if (bareMediaType(header(response.headers, 'content-type')) !== 'text/event-stream') return [];
    const { message, problems } = assembleMessage(streamEvents(response).events);
    const assembled = messageProblems(message, input).map((p) => ({ ...p, instancePath: '/events', message: `the stream's message, assembled: ${p.message}` }));
    return toFindings(check, capProblems([...problems, ...assembled], MAX_FINDINGS, 'message findings'));
  }
  const schema = jsonSchemaFor(context.contract, exchange, response.status);
  const body = jsonBody(response);
  if (!body.ok) return [{ check, message: `${operationLabel(exchange)} answered ${response.status} with ${body.reason}, expected a JSON ${schema.name}`, instancePath: '', expected: schema.name, actual: body.reason }];
  const problems = schemaProblems(context.contract.validate(schema.uri, body.value), schema.name);
  if (isObject(body.value)) problems.push(...messageProblems(body.value, input));
  return toFindings(check, capProblems(problems, MAX_FINDINGS, 'message findings'));
}

/** openai.messages: an Anthropic `message` (or the one a stream assembles to) by the schema and Anthropic's rules. */
export const openAiMessages = defineCheck({
  id: 'openai.messages',
  description: '/ai/v1/messages answers an Anthropic message: schema, stop_reason agreeing with tool_use blocks, tool names offered, output_tokens within max_tokens; a stream assembles into such a message',
  area: 'openai',
  applies: answered,
  judge: judgeMessages,
});
