/**
 * @module stream.framing: a streamed answer is well-framed server-sent events: the right content type, every event's
 * data JSON matching the event schema, the documented terminator (`[DONE]`) last with nothing after it, no event cut
 * short, and a usage event; an Anthropic Messages stream, its events in Anthropic's order. `streamStats` gives reporters the timing (time to first event) without judging.
 */
import { createParser } from 'eventsource-parser';
import { bareMediaType } from '../media/sniff.js';
import type { Exchange, ReceivedEvent, RecordedResponse } from '../targets/types.js';
import { defineCheck } from './_internals/define.js';
import { documentedResponse } from './_internals/documented.js';
import { bodyText, header, inputOf, isObject, isRun, isSuccessStatus, modelOf, openAiEndpoint, operationLabel, streamRequested } from './_internals/exchange.js';
import { at, capProblems, docsOnly, problem, schemaProblems, shortJson, toFindings, type Problem } from './_internals/problem.js';
import { messagesSequenceProblems } from './messages.js';
import { maxTokensProblems, RESPONSES_USAGE, tokenLimit, usageProblems, type UsageNames } from './semantics/text-generation.js';
import type { CheckContext, Finding } from './types.js';

/** Findings per stream beyond which the rest are counted, not listed (one broken field repeats in every event). */
const MAX_STREAM_FINDINGS = 20;

/** The events of a streamed answer and the bytes left after the last complete one. */
export interface StreamEvents {
  events: ReceivedEvent[];
  trailingBytes: number;
}

/**
 * The events as the target recorded them while bytes arrived; for exchanges recorded without events (replays,
 * hand-built fixtures) the body is parsed here with the same parser, every event stamped with the first-byte time.
 */
export function streamEvents(response: RecordedResponse): StreamEvents {
  if (response.events) return { events: response.events, trailingBytes: response.trailingBytes ?? 0 };
  const text = bodyText(response) ?? '';
  const events: ReceivedEvent[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ ...(event.event !== undefined ? { event: event.event } : {}), data: event.data, atMs: response.timing.firstByteMs }),
  });
  parser.feed(text);
  // What follows the last blank line never became an event: a stream cut mid-event.
  const boundary = Math.max(text.lastIndexOf('\n\n'), text.lastIndexOf('\r\r'), text.lastIndexOf('\r\n\r\n'));
  const rest = boundary < 0 ? text : text.slice(boundary).replace(/^(\r\n\r\n|\n\n|\r\r)/, '');
  return { events, trailingBytes: rest.trim() === '' ? 0 : Buffer.byteLength(rest) };
}

/** Timing and shape of a stream, for reports: never a judgement. */
export interface StreamStats {
  /** All events, the terminator included. */
  events: number;
  /** Events whose data parsed as JSON. */
  jsonEvents: number;
  /** Milliseconds from sending the request to the first event (time to first token, in effect). */
  firstEventMs?: number;
  lastEventMs?: number;
  /** True when a `[DONE]` event arrived. */
  done: boolean;
  doneAtMs?: number;
  trailingBytes: number;
  firstByteMs: number;
  totalMs: number;
  /** The last usage object any event carried. */
  usage?: unknown;
}

/** Stream statistics of an exchange, or undefined when its response is not an event stream. */
export function streamStats(exchange: Exchange): StreamStats | undefined {
  const response = exchange.response;
  if (!response || bareMediaType(header(response.headers, 'content-type')) !== 'text/event-stream') return undefined;
  const { events, trailingBytes } = streamEvents(response);
  let jsonEvents = 0;
  let usage: unknown;
  let doneAtMs: number | undefined;
  for (const event of events) {
    if (event.data === '[DONE]') {
      doneAtMs ??= event.atMs;
      continue;
    }
    const data = parseJson(event.data);
    if (!data.ok) continue;
    jsonEvents++;
    const found = usageOf(data.value);
    if (found !== undefined) usage = found;
  }
  return {
    events: events.length,
    jsonEvents,
    ...(events.length ? { firstEventMs: events[0]!.atMs, lastEventMs: events.at(-1)!.atMs } : {}),
    done: doneAtMs !== undefined,
    ...(doneAtMs !== undefined ? { doneAtMs } : {}),
    trailingBytes,
    firstByteMs: response.timing.firstByteMs,
    totalMs: response.timing.totalMs,
    ...(usage !== undefined ? { usage } : {}),
  };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The usage an event carries: `usage` (classic and chunks), or `response.usage` (Responses events). */
function usageOf(data: unknown): unknown {
  if (!isObject(data)) return undefined;
  if (isObject(data.usage)) return data.usage;
  if (isObject(data.response) && isObject(data.response.usage)) return data.response.usage;
  return undefined;
}

/** The streams this check reads: /ai/run and the /ai/v1 endpoints that document an event stream. */
function streamKind(exchange: Exchange): 'run' | 'chat' | 'completions' | 'responses' | 'messages' | undefined {
  if (isRun(exchange)) return 'run';
  const endpoint = openAiEndpoint(exchange);
  if (endpoint === 'chat/completions') return 'chat';
  if (endpoint === 'completions' || endpoint === 'responses' || endpoint === 'messages') return endpoint;
  return undefined;
}

/** True when the request asked for a stream, got a 2xx, and is a kind of request that can stream. */
export function streamApplies(exchange: Exchange, context: CheckContext): boolean {
  const response = exchange.response;
  return !!response && isSuccessStatus(response.status) && streamRequested(exchange, context) && streamKind(exchange) !== undefined;
}

/** A schema URI, or undefined when the contract has no such schema. */
function existingSchema(context: CheckContext, uri: string): string | undefined {
  try {
    context.contract.validator(uri);
    return uri;
  } catch {
    return undefined;
  }
}

/**
 * The schema each event's data must match. On /ai/run: the text-generation task's `stream-event` def (or
 * `stream-event-chat-completions` for `chat.completion.chunk` events); elsewhere, and as a fallback, the
 * `x-wai-sse` data schema openapi.yaml documents for the operation.
 */
function eventSchema(exchange: Exchange, context: CheckContext, data: unknown, documentedUri: string | undefined): { uri: string; name: string } | undefined {
  const model = isRun(exchange) ? modelOf(exchange, context) : undefined;
  // Responses-style models (gpt-oss) stream Responses events on /ai/run too, framed like /ai/v1/responses.
  if (model?.facts.outputStyle === 'responses' && isObject(data) && typeof data.type === 'string' && data.type.startsWith('response.')) {
    return { uri: context.contract.componentUri('ResponsesStreamEvent'), name: 'ResponsesStreamEvent' };
  }
  if (isRun(exchange) && (model?.task ?? 'text-generation') === 'text-generation') {
    const chunk = isObject(data) && data.object === 'chat.completion.chunk';
    const def = chunk ? 'stream-event-chat-completions' : 'stream-event';
    const uri = existingSchema(context, context.contract.taskDefUri('text-generation', def));
    if (uri) return { uri, name: `text-generation ${def}` };
  }
  return documentedUri ? { uri: documentedUri, name: documentedUri.split('/').pop() ?? 'the event schema' } : undefined;
}

/** True when the answer must carry a usage event: always on /ai/run, on /ai/v1 only with `stream_options.include_usage`. */
function usageRequired(exchange: Exchange, context: CheckContext): boolean {
  const kind = streamKind(exchange);
  // Usage is documented for text generation; other streaming tasks (moondream's image-to-text) promise none.
  if (kind === 'run') return (modelOf(exchange, context)?.task ?? 'text-generation') === 'text-generation';
  if (kind === 'responses') return false; // Responses report usage inside response.completed; not a separate event.
  if (kind === 'messages') return false; // Anthropic streams carry usage in message_start and message_delta (openai.messages judges it).
  const options = inputOf(exchange, context)?.stream_options;
  return isObject(options) && options.include_usage === true;
}

/** The framing rules over a stream's events. */
export function framingProblems(exchange: Exchange, context: CheckContext): Problem[] {
  const response = exchange.response!;
  const kind = streamKind(exchange)!;
  const sse = documentedResponse(context.contract, exchange, 200)?.media.get('text/event-stream')?.sse;
  // Without a documented terminator, /ai/run and chat streams still end with [DONE] as the docs show.
  const terminator = sse ? sse.terminator : kind === 'responses' || kind === 'messages' ? null : '[DONE]';
  const { events, trailingBytes } = streamEvents(response);
  const problems: Problem[] = [];
  if (events.length === 0) return [problem('/events', 'is empty: the stream carried no events', 'at least one event', 'none')];
  if (trailingBytes > 0) problems.push(problem('/events', `ends with ${trailingBytes} bytes after the last complete event: the stream was cut mid-event`, 'no partial event', `${trailingBytes} bytes`));

  let doneAt: number | undefined;
  let afterDone = 0;
  let lastJson: { index: number; value: unknown } | undefined;
  const schemaFindings: Problem[] = [];
  events.forEach((event, i) => {
    const path = at('/events', i, 'data');
    if (terminator !== null && event.data === terminator) {
      if (doneAt !== undefined) problems.push(problem(path, `repeats ${terminator} (first at event ${doneAt}), expected it exactly once`, 'one terminator', 'two'));
      doneAt ??= i;
      return;
    }
    if (doneAt !== undefined) afterDone++;
    const data = parseJson(event.data);
    if (!data.ok) {
      problems.push(problem(path, `is not JSON: ${shortJson(event.data, 60)}`, 'a JSON event', shortJson(event.data, 60)));
      return;
    }
    // Events after the terminator are a finding of their own; the usage event is the last one before it.
    if (doneAt === undefined) lastJson = { index: i, value: data.value };
    if (event.event !== undefined && isObject(data.value) && typeof data.value.type === 'string' && event.event !== data.value.type) {
      problems.push(problem(path, `has type "${data.value.type}" but the SSE event line says "${event.event}", expected them equal`, event.event, data.value.type));
    }
    const schema = eventSchema(exchange, context, data.value, sse?.dataUri);
    if (schema) schemaFindings.push(...schemaProblems(context.contract.validate(schema.uri, data.value, path), schema.name));
    // With no schema in the contract, the one rule every documented event shares: it is a JSON object.
    else if (!isObject(data.value)) schemaFindings.push(problem(path, `is ${shortJson(data.value, 40)}, expected a JSON object`, 'a JSON object', shortJson(data.value, 40)));
  });
  problems.push(...schemaFindings);
  if (terminator !== null && doneAt === undefined) {
    problems.push(problem('/events', `has ${events.length} events and no data: ${terminator}, expected the stream to end with it`, terminator, `last event ${shortJson(events.at(-1)!.data, 40)}`));
  }
  if (afterDone > 0) {
    problems.push(problem(at('/events', doneAt! + 1), `arrived after ${terminator}${afterDone > 1 ? ` (and ${afterDone - 1} more)` : ''}, expected nothing after it`, `nothing after ${terminator}`, `${afterDone} event(s)`));
  }
  // Anthropic's events have an order of their own (message_start, blocks, message_delta, message_stop).
  if (kind === 'messages') problems.push(...messagesSequenceProblems(events));
  if (usageRequired(exchange, context)) problems.push(...usageEventProblems(exchange, context, lastJson, events.length));
  return problems;
}

/** The last JSON event carries usage that adds up and respects the token limit. */
function usageEventProblems(exchange: Exchange, context: CheckContext, lastJson: { index: number; value: unknown } | undefined, count: number): Problem[] {
  const usage = lastJson ? usageOf(lastJson.value) : undefined;
  if (!lastJson || usage === undefined) {
    // A warning: streaming.mdx shows usage in the last event for current models; that every model's
    // stream carries it is documentation alone (older models' streams are not shown with it).
    return docsOnly([problem('/events', `has no usage in its last JSON event (of ${count} events), expected the last event before [DONE] to carry usage`, 'a usage event', 'none')]);
  }
  const base = isObject(lastJson.value) && isObject(lastJson.value.usage) ? at('/events', lastJson.index, 'data', 'usage') : at('/events', lastJson.index, 'data', 'response', 'usage');
  const names: UsageNames | undefined = streamKind(exchange) === 'responses' ? RESPONSES_USAGE : undefined;
  const input = inputOf(exchange, context);
  const limit = tokenLimit(input, modelOf(exchange, context), isRun(exchange) ? ['max_tokens'] : ['max_completion_tokens', 'max_tokens'], isRun(exchange));
  return [...usageProblems(usage, base, names), ...maxTokensProblems(usage, base, limit, names)];
}

/** stream.framing: judges the recorded events of a streamed answer. */
export const streamFraming = defineCheck({
  id: 'stream.framing',
  description: 'a streamed answer is text/event-stream, every event is JSON matching the event schema, a usage event comes last, [DONE] ends it and nothing follows',
  area: 'stream',
  applies: streamApplies,
  judge(exchange, context): Finding[] {
    const response = exchange.response!;
    const type = header(response.headers, 'content-type');
    if (bareMediaType(type) !== 'text/event-stream') {
      return [{ check: 'stream.framing', message: `${operationLabel(exchange)} with "stream": true answered Content-Type ${type ?? '(none)'}, expected text/event-stream`, expected: 'text/event-stream', actual: type ?? 'no header' }];
    }
    return toFindings('stream.framing', capProblems(framingProblems(exchange, context), MAX_STREAM_FINDINGS, 'stream findings'));
  },
});
