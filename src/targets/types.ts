/** @module What a target is: something that takes a logical request and returns a recorded exchange. */

/** The endpoints under /ai/v1: the OpenAI-compatible ones and `messages`, the Anthropic-compatible Messages endpoint. */
export type OpenAiEndpoint = 'chat/completions' | 'completions' | 'embeddings' | 'responses' | 'messages';
/** The catalogue endpoints under /ai. */
export type CatalogEndpoint = 'models/search' | 'models/schema' | 'tasks/search' | 'authors/search';

/** Which API operation a request is for; the target turns it into a URL for its layout. */
export type Operation =
  | { kind: 'run'; model: string }
  | { kind: 'openai'; endpoint: OpenAiEndpoint }
  /** `POST /ai/run` with `{model, input}` in the body: a partner model of the unified catalogue (REST layout only). */
  | { kind: 'partner'; model: string }
  | { kind: 'catalog'; endpoint: CatalogEndpoint };

/** A request body: JSON data, or raw bytes with their media type. */
export type RequestBody = { json: unknown } | { raw: Uint8Array; contentType: string };

/** A logical request, before a target gives it a URL and credentials. */
export interface RequestSpec {
  operation: Operation;
  method: 'GET' | 'POST';
  query?: Record<string, string>;
  /** Extra headers, e.g. `cf-aig-cache-ttl`. Never credentials: the target adds those. */
  headers?: Record<string, string>;
  body?: RequestBody;
  /** `default`: the target's credentials; `none`: no credentials; `invalid`: a wrong token. */
  auth?: 'default' | 'none' | 'invalid';
}

/** A body as recorded: text when it is text, else a size and a digest (binary is never stored raw in reports). */
export type BodyRecord =
  | { kind: 'none' }
  | { kind: 'text'; text: string; truncated: boolean; size: number }
  | { kind: 'binary'; size: number; sha256: string; contentType: string };

/** The request as sent, credentials redacted. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: BodyRecord;
}

/** One server-sent event as it arrived. */
export interface ReceivedEvent {
  event?: string;
  data: string;
  /** Milliseconds since the request was sent. */
  atMs: number;
}

/** The response as received. `bytes` is kept for the checks (and dropped from reports). */
export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
  body: BodyRecord;
  /** Parsed incrementally as bytes arrived, when the answer is `text/event-stream`. */
  events?: ReceivedEvent[];
  /** Bytes after the last complete event (a stream cut mid-event), when streaming. */
  trailingBytes?: number;
  timing: { firstByteMs: number; totalMs: number };
}

/** Why an exchange has no (complete) response. */
export interface TransportError {
  kind: 'timeout' | 'network' | 'too-large' | 'budget' | 'aborted';
  message: string;
}

/** A request and what came back. */
export interface Exchange {
  spec: RequestSpec;
  request: RecordedRequest;
  response?: RecordedResponse;
  error?: TransportError;
  /** Attempts made (retries on 429/503 count). */
  attempts: number;
  /** When the (last) attempt was sent, ISO 8601 (cassettes record it). */
  startedAt?: string;
  /**
   * Set when a binding-shaped target (`env.AI.run`) answered: what the call gave back. Its `response` then records
   * the value as the checks read answers (a returned object as the `result` of a v4 envelope, a stream's bytes as
   * they came, `content-type` as the binding implies it); HTTP-only checks skip such exchanges.
   */
  binding?: BindingOutcome;
}

/** What `env.AI.run()` did: resolved to a kind of value, or threw. */
export interface BindingOutcome {
  returned?: 'value' | 'stream' | 'bytes' | 'response';
  thrown?: { name: string; message: string };
}

/** The kinds of target (DESIGN.md `--target`). */
export type TargetKind = 'emulator' | 'live' | 'gateway' | 'url' | 'binding' | 'miniflare';

/** A system under test. */
export interface Target {
  readonly kind: TargetKind;
  /** API root shown in reports (never with credentials). */
  readonly baseUrl: string;
  /** Sends one logical request (with retries within the budget). Never throws for HTTP or network failures. */
  send(spec: RequestSpec, options?: { signal?: AbortSignal }): Promise<Exchange>;
  /** Requests sent so far, retries included. */
  readonly requestsSent: number;
  close(): Promise<void>;
}
