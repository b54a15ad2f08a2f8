/** @module The kinds of execution a run makes, the checks each runs, and how reports name the operation each judges. */
import type { CheckId } from '../checks/types.js';

/** The kinds of execution: each is a set of requests judged together. */
export type ExecutionKind =
  | 'run-valid'
  | 'run-invalid'
  | 'run-stream'
  | 'auth'
  | 'unknown-model'
  | 'openai'
  | 'messages'
  | 'messages-refused'
  | 'partner'
  | 'partner-refused'
  | 'gateway'
  | 'catalog'
  | 'batch'
  | 'oracle';

/** Checks each execution kind runs (the property fails, and shrinks, on any of them). */
export const EXECUTION_CHECKS: Record<ExecutionKind, CheckId[]> = {
  'run-valid': ['status.success', 'envelope.shape', 'envelope.consistency', 'content-type', 'output.schema', 'output.semantics'],
  'run-invalid': ['status.client-error', 'envelope.shape', 'envelope.consistency'],
  'run-stream': ['status.success', 'stream.framing'],
  auth: ['auth.required'],
  'unknown-model': ['model.unknown'],
  // status.success and stream.framing judge /ai/v1 too: the openai.* checks judge only 2xx answers and leave
  // framing to stream.framing, so without them a 5xx or a stream without [DONE] on /ai/v1 went unseen.
  openai: ['status.success', 'stream.framing', 'openai.chat', 'openai.chat-stream', 'openai.completions', 'openai.embeddings', 'openai.responses', 'openai.parity'],
  // /ai/v1/messages (Anthropic's Messages API): a Messages model answered whole, streamed and with a tool; then the
  // endpoint's refusals (a Workers AI model, an id the catalogue lacks), Anthropic-shaped as the real API sent them.
  messages: ['status.success', 'stream.framing', 'openai.messages'],
  'messages-refused': ['status.client-error', 'envelope.shape'],
  // POST /ai/run with {model, input} for a partner model of the unified catalogue: one valid input (Completed), one its
  // published schema refuses (Failed); one request each, so the default run grows by two.
  partner: ['partner.answer'],
  'partner-refused': ['partner.answer'],
  gateway: ['gateway.cache'],
  catalog: ['catalog.consistency'],
  batch: ['batch.lifecycle'],
  oracle: ['oracle.parity'],
};

/** Polls the batch execution sends at most before it gives up waiting for a batch's results. */
export const BATCH_MAX_POLLS = 5;

/** How reports name the operation each execution kind judges (the oracle uses the recorded execution's). */
export const ENDPOINT_OF: Readonly<Record<ExecutionKind, string>> = {
  'run-valid': 'POST /ai/run/{model}',
  'run-invalid': 'POST /ai/run/{model} (invalid input)',
  'run-stream': 'POST /ai/run/{model} (stream)',
  auth: 'POST /ai/run/{model} (credentials)',
  'unknown-model': 'POST /ai/run/{model} (unknown model)',
  openai: 'POST /ai/v1/*',
  messages: 'POST /ai/v1/messages',
  'messages-refused': 'POST /ai/v1/messages (refused model)',
  partner: 'POST /ai/run (partner model)',
  'partner-refused': 'POST /ai/run (partner model, invalid input)',
  gateway: 'POST /v1/{account}/{gateway}/workers-ai/{model}',
  catalog: 'GET /ai/models/search, /ai/models/schema',
  batch: 'POST /ai/run/{model}?queueRequest=true',
  oracle: 'recorded exchanges',
};

