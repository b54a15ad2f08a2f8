/**
 * @module The 200 answers of the emulator's /ai/v1 endpoints (the OpenAI-compatible ones and Anthropic's `messages`):
 * a JSON body, or server-sent events written a chunk at a time.
 */
import { DEFAULT_STREAM_DELAY_MS } from './run-model.js';
import type { EmulatorResponse } from './types.js';

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } as const;

/** `value` as a JSON answer. */
export function jsonAnswer(value: unknown, status = 200): EmulatorResponse {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(value) };
}

/** Server-sent events, paused between chunks as /ai/run streams are. */
export function sseAnswer(chunks: string[]): EmulatorResponse {
  return { status: 200, headers: { ...SSE_HEADERS }, body: { chunks, chunkDelayMs: DEFAULT_STREAM_DELAY_MS } };
}
