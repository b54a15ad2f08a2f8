/**
 * @module Reading exchanges of binding-shaped targets (`env.AI.run`): what was thrown, in the binding's terms. The
 * binding throws `InferenceUpstreamError` with message `<code>: <description>` for an answer that is not ok.
 */
import type { Exchange } from '../../targets/types.js';
import type { CheckId } from '../types.js';

/** The checks that judge what only HTTP shows (status lines, envelopes, headers, other endpoints): skipped for bindings. */
export const HTTP_ONLY_CHECKS: ReadonlySet<CheckId> = new Set<CheckId>([
  'envelope.shape',
  'envelope.consistency',
  'content-type',
  'auth.required',
  'openai.chat',
  'openai.chat-stream',
  'openai.embeddings',
  'openai.completions',
  'openai.responses',
  'openai.messages',
  'openai.parity',
  'gateway.cache',
  'catalog.consistency',
]);

/** The name of the error the binding throws for a failed run. */
export const BINDING_ERROR_NAME = 'InferenceUpstreamError';

/** What a binding call threw, with the code and description read from `<code>: <description>` when it has that form. */
export interface ThrownByBinding {
  name: string;
  message: string;
  code?: number;
  description?: string;
}

/** The error a binding call threw, if it threw. */
export function thrownByBinding(exchange: Exchange): ThrownByBinding | undefined {
  const thrown = exchange.binding?.thrown;
  if (!thrown) return undefined;
  const match = /^(\d+): ([\s\S]*)$/.exec(thrown.message);
  return match ? { ...thrown, code: Number(match[1]), description: match[2]! } : { ...thrown };
}

/** `InferenceUpstreamError: 5007: No such model ...`, for messages. */
export function thrownText(thrown: ThrownByBinding): string {
  return `${thrown.name}: ${thrown.message}`;
}

/** How a binding call is named in messages. */
export function bindingCallLabel(exchange: Exchange): string {
  const op = exchange.spec.operation;
  return `env.AI.run(${JSON.stringify(op.kind === 'run' ? op.model : op.kind)})`;
}

/** What a resolved call gave back, in words. */
export function returnedText(exchange: Exchange): string {
  const returned = exchange.binding?.returned;
  return returned === 'stream' ? 'a ReadableStream' : returned === 'bytes' ? 'bytes' : returned === 'response' ? 'a Response' : 'a value';
}
