/** @module Shared types of the emulator: what an output maker receives and returns. */
import type { Contract } from '../contract/contract.js';
import type { ModelEntry } from '../contract/types.js';
import type { Rng } from './rng.js';

/** Everything an output maker may use. Makers are pure: same context → same answer. */
export interface OutputContext {
  contract: Contract;
  model: ModelEntry;
  /** The request input after validation: parsed JSON, or `{ body, contentType }` for a raw binary body. */
  input: Record<string, unknown>;
  /** Raw request body bytes, when the request was not JSON. */
  rawBody?: Uint8Array;
  /** Seeded from the model id and the request body, so equal requests get equal answers. */
  rng: Rng;
}

/** A non-streamed answer of /ai/run. */
export type OutputResult =
  /**
   * `json`, when present, is exactly `JSON.stringify(result)`, written by the maker where that is most of the answer's
   * cost; `ascii` when the maker knows `json` holds ASCII characters only (see EmulatorResponse.ascii).
   */
  | { kind: 'json'; result: unknown; json?: string; ascii?: true }
  | { kind: 'binary'; contentType: string; bytes: Uint8Array };

/** One server-sent event's data (a JSON value, or the literal `[DONE]` terminator). */
export type StreamEvent = { data: unknown } | { done: true };

/** Makes a task's answers. `stream` exists only for tasks whose models stream. */
export interface OutputMaker {
  make(context: OutputContext): OutputResult;
  /** Events for `stream: true`, in order, ending with `{ done: true }`. */
  stream?(context: OutputContext): StreamEvent[];
}

/** A request as the emulator's handlers see it: already routed, body fully read (size-limited). */
export interface EmulatorRequest {
  method: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  query: URLSearchParams;
  body: Uint8Array;
  accountId: string;
  /** Set for the AI Gateway layout. */
  gatewayId?: string;
  /** The other inputs of a raw-body request (the binding sends them as `userInputs` beside a streamed input). */
  extraInputs?: Record<string, unknown>;
}

/** A response before it is written: plain data, so faults can rewrite it and tests can inspect it. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  /**
   * A whole body, or a stream of chunks written one by one with `chunkDelayMs` between them
   * (server-sent events are streamed over time, never in one write).
   */
  body: Uint8Array | string | { chunks: (string | Uint8Array)[]; chunkDelayMs?: number };
  /**
   * The string body holds ASCII characters only, as its maker knows: its length is its byte length and it is written
   * as latin1. Measuring a string's UTF-8 length first joins its pieces into one string, copied again when it is
   * written; a text-generation answer is built from about thirty pieces.
   */
  ascii?: true;
}

/** Context the OpenAI-compatible handler gets besides the request. */
export interface OpenAiHandlerContext {
  contract: Contract;
  /** `chat/completions`, `completions`, `embeddings` or `responses`. */
  endpoint: string;
}
