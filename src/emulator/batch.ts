/**
 * @module The asynchronous Batch API of /ai/run (spec/openapi.yaml `BatchAnswer`): a `{requests: [...]}` body
 * sent with `?queueRequest=true` (REST) or `options.queueRequest: true` (the binding's body) is acknowledged
 * with `{status: "queued", request_id, model}`; a later `{request_id}` body polls it, answered
 * `{status: "queued" | "running"}` until the results are ready after a set number of polls, then
 * `{responses: [{id, result, success, external_reference}], usage}`. Every answer is worked out when the batch
 * is queued, from the items alone, so the results are deterministic.
 */
import type { ModelEntry } from '../contract/types.js';
import { hexId } from './outputs/fake-text.js';
import { createRng, seedFrom } from './rng.js';

/** Polls a batch answers "not ready" before its results (the first poll after queueing is poll 1). */
export const DEFAULT_BATCH_READY_AFTER_POLLS = 1;

/** Batches kept at most: the oldest is forgotten past it (an emulator serves tests, not archives). */
const MAX_BATCHES = 1000;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One answered item of a batch. */
export interface BatchResponse {
  id: number;
  result: unknown;
  success: boolean;
  external_reference: string | null;
}

interface Batch {
  model: string;
  responses: BatchResponse[];
  polls: number;
}

/** True when a request asks for queueing: `?queueRequest=true`, or `options.queueRequest: true` in the body. */
export function wantsQueue(query: URLSearchParams, input: unknown): boolean {
  if (query.get('queueRequest') === 'true') return true;
  return isObject(input) && isObject(input.options) && input.options.queueRequest === true;
}

/** The `request_id` a body polls for, when it is a poll (`{request_id}` and no `requests`). */
export function polledId(input: unknown): string | undefined {
  if (!isObject(input) || 'requests' in input) return undefined;
  return typeof input.request_id === 'string' ? input.request_id : undefined;
}

/** Token usage summed over the items' own `usage` (0 when they have none, as embeddings and translations). */
export function batchUsage(responses: readonly BatchResponse[]): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  let prompt = 0;
  let completion = 0;
  for (const r of responses) {
    const usage = isObject(r.result) && isObject(r.result.usage) ? r.result.usage : undefined;
    if (typeof usage?.prompt_tokens === 'number') prompt += usage.prompt_tokens;
    if (typeof usage?.completion_tokens === 'number') completion += usage.completion_tokens;
  }
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The queued batches of one emulator. */
export class BatchQueue {
  private readonly batches = new Map<string, Batch>();
  private sequence = 0;

  /** `readyAfterPolls`: how many polls answer "queued"/"running" before the results (0: the first poll has them). */
  constructor(readonly readyAfterPolls = DEFAULT_BATCH_READY_AFTER_POLLS) {
    if (!Number.isSafeInteger(readyAfterPolls) || readyAfterPolls < 0) throw new RangeError(`batch readyAfterPolls must be an integer ≥ 0, not ${readyAfterPolls}`);
  }

  /**
   * Queues a batch whose items are answered by `answer` (an item's output, or an Error for an item the model
   * cannot answer) and returns the acknowledgement. The id is a UUID-shaped function of the model, the body
   * and the batch's sequence number, so a replayed session gets the same ids.
   */
  enqueue(model: ModelEntry, body: Uint8Array, items: readonly unknown[], answer: (item: Obj, index: number) => unknown): { status: 'queued'; request_id: string; model: string } {
    const rng = createRng(seedFrom(model.id, body, String(this.sequence++)));
    const hex = hexId(rng, 32);
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    const responses = items.map((item, index): BatchResponse => {
      const fields = isObject(item) ? item : {};
      const reference = typeof fields.external_reference === 'string' ? fields.external_reference : null;
      const result = answer(fields, index);
      return result instanceof Error ? { id: index, result: {}, success: false, external_reference: reference } : { id: index, result, success: true, external_reference: reference };
    });
    if (this.batches.size >= MAX_BATCHES) this.batches.delete(this.batches.keys().next().value!);
    this.batches.set(id, { model: model.id, responses, polls: 0 });
    return { status: 'queued', request_id: id, model: model.id };
  }

  /** The answer to one poll, or undefined for an id this queue does not know (or that belongs to another model). */
  poll(modelId: string, requestId: string): Obj | undefined {
    const batch = this.batches.get(requestId);
    if (!batch || batch.model !== modelId) return undefined;
    batch.polls++;
    if (batch.polls <= this.readyAfterPolls) return { status: batch.polls === 1 ? 'queued' : 'running', request_id: requestId, model: batch.model };
    return { responses: batch.responses, usage: batchUsage(batch.responses) };
  }
}
