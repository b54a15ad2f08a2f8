/**
 * @module HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as TypeScript types, and the `_wai`
 * extension our cassettes add. HAR allows custom members whose names start with `_`; every member we
 * add is under `_wai` (on the log, and on each entry), except `postData._encoding`, which mirrors
 * `content.encoding` for binary request bodies.
 */
import type { CheckContext, CheckId, Expectation } from '../checks/types.js';
import type { ReceivedEvent, RequestSpec, TransportError } from '../targets/types.js';
import type { ExecutionKind } from '../harness/plan.js';
import type { ResultRecord } from '../harness/report.js';

/** A name/value pair (headers, query strings). */
export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

/** `log.creator` / `log.browser`. */
export interface HarCreator {
  name: string;
  version: string;
  comment?: string;
}

/** `request.postData`: `_encoding: "base64"` when `text` holds base64 bytes (a binary body). */
export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: { name: string; value?: string; fileName?: string; contentType?: string; comment?: string }[];
  comment?: string;
  _encoding?: 'base64';
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: unknown[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: unknown[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
  /** Chromium's devtools export: why there is no response. */
  _error?: string | null;
}

export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** One exchange as a cassette records it (`entry._wai`). */
export interface WaiEntryExtension {
  /** The execution (a set of requests judged together) this entry belongs to: a key of `log._wai.executions`. */
  execution: string;
  /** Position within the execution. */
  index: number;
  /** What the harness expected of this request when it built it. */
  expectation: Expectation;
  /** Which credential the request carried: the target's, none, or a deliberately wrong one. */
  auth: NonNullable<RequestSpec['auth']>;
  /** Attempts made (retries on 429/503 count); the entry is the last attempt. */
  attempts: number;
  /** fast-check path of the case, when known. */
  path?: string;
  /** A deliberately invalid input: the rule it breaks, its JSON pointer and how strongly the real API is known to enforce it. */
  invalid?: CheckContext['invalid'];
  /** Why there is no (complete) response. */
  error?: TransportError;
  /** Server-sent events as they arrived, `atMs` after the request was sent. */
  events?: ReceivedEvent[];
  /** Bytes after the last complete event (a stream cut mid-event). */
  trailingBytes?: number;
  /** Time to the first byte of the answer (ms; `timings.wait` is the same figure, rounded as HAR readers expect). */
  firstByteMs?: number;
  /** Each check's verdict on this exchange when it was recorded. */
  verdicts: { check: CheckId; status: 'passed' | 'failed' | 'skipped'; messages: string[] }[];
}

/** One execution of the recorded run (`log._wai.executions[id]`). */
export interface WaiExecution {
  kind: ExecutionKind;
  /** Model id, when the execution is for one model. */
  model?: string;
  /** fast-check seed the execution was drawn with. */
  seed: number;
  /** Checks that judged each exchange (and, for multi-exchange checks, the set). */
  checks: CheckId[];
  /** Executions whose exchanges this one also judged (the catalogue borrows /ai/run answers). */
  borrows?: string[];
  /** The results the run reported from this execution (one per check view). */
  results: Omit<ResultRecord, 'failures' | 'latency'>[];
}

/** `log._wai`: what makes a HAR file one of our cassettes. */
export interface WaiLogExtension {
  /** Version of this extension's layout. */
  cassette: 1;
  target: { kind: string; baseUrl: string };
  seed: number;
  /** The run's settings (as in the report: no credentials). */
  settings: Record<string, unknown>;
  executions: Record<string, WaiExecution>;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _wai?: WaiEntryExtension;
  [extension: `_${string}`]: unknown;
}

export interface HarLog {
  version: string;
  creator: HarCreator;
  browser?: HarCreator;
  pages?: unknown[];
  entries: HarEntry[];
  comment?: string;
  _wai?: WaiLogExtension;
}

/** A HAR document. */
export interface Har {
  log: HarLog;
}
