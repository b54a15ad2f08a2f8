/** @module A captured answer as the checks' exchange model, so a document is judged by the same checks a run uses. */
import { createHash } from 'node:crypto';
import type { BodyRecord, Exchange, Operation, RequestBody } from '../targets/types.js';

/** What is known of a captured answer: the operation it came from, the input when known, and its bytes. */
export interface CapturedAnswer {
  operation: Operation;
  /** The request body as sent, as far as it is known (`stream`, `model`). */
  input?: Record<string, unknown>;
  status: number;
  contentType: string;
  bytes: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bodyRecord(bytes: Uint8Array, contentType: string): BodyRecord {
  try {
    const text = utf8.decode(bytes);
    return { kind: 'text', text, truncated: false, size: bytes.length };
  } catch {
    return { kind: 'binary', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType };
  }
}

function path(operation: Operation): string {
  if (operation.kind === 'run') return `/ai/run/${operation.model}`;
  if (operation.kind === 'openai') return `/ai/v1/${operation.endpoint}`;
  if (operation.kind === 'partner') return '/ai/run';
  return `/ai/${operation.endpoint}`;
}

/** The exchange a target would have recorded for this answer (no timing: a capture has none, so every event is at 0 ms). */
export function capturedExchange(answer: CapturedAnswer): Exchange {
  const body: RequestBody | undefined = answer.input ? { json: answer.input } : undefined;
  const requestText = answer.input ? JSON.stringify(answer.input) : undefined;
  return {
    spec: { operation: answer.operation, method: 'POST', ...(body ? { body } : {}) },
    request: {
      method: 'POST',
      url: `captured:${path(answer.operation)}`,
      headers: requestText ? { 'content-type': 'application/json' } : {},
      body: requestText ? { kind: 'text', text: requestText, truncated: false, size: requestText.length } : { kind: 'none' },
    },
    response: {
      status: answer.status,
      headers: { 'content-type': answer.contentType },
      bytes: answer.bytes,
      body: bodyRecord(answer.bytes, answer.contentType),
      timing: { firstByteMs: 0, totalMs: 0 },
    },
    attempts: 1,
  };
}
