/**
 * @module The 200 answers of the emulator's /ai/v1 endpoints (the OpenAI-compatible ones and Anthropic's `messages`):
 * a JSON body, or server-sent events written a chunk at a time.
 */
import type { EmulatorResponse } from './types.js';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;

/** `value` as a JSON answer. */
export function jsonAnswer(value: unknown, status = 200): EmulatorResponse {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(value) };
}

/** Server-sent events, paused between chunks as /ai/run streams are (the server sets the pause: see {@link paced}). */
export function sseAnswer(chunks: string[]): EmulatorResponse {
  return { status: 200, headers: { ...SSE_HEADERS }, body: { chunks } };
}

/** `response` with the emulator's pause between streamed chunks (`mock --stream-delay`), unless it sets its own. */
export function paced<R extends EmulatorResponse>(response: R, streamDelayMs: number): R {
  const { body } = response;
  if (typeof body === 'string' || body instanceof Uint8Array || body.chunkDelayMs !== undefined) return response;
  return { ...response, body: { ...body, chunkDelayMs: streamDelayMs } };
}
