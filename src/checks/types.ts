/** @module The check catalogue's data types: a check is a pure function from an exchange to findings. */
import type { Contract } from '../contract/contract.js';
import type { EnforcementVerdict, Severity } from '../contract/enforcement.js';
import type { ModelEntry } from '../contract/types.js';
import type { Exchange } from '../targets/types.js';

/** Check ids are public interface (reports, `--checks`). */
export type CheckId =
  | 'envelope.shape'
  | 'envelope.consistency'
  | 'status.success'
  | 'status.client-error'
  | 'content-type'
  | 'output.schema'
  | 'output.semantics'
  | 'auth.required'
  | 'model.unknown'
  | 'stream.framing'
  | 'openai.chat'
  | 'openai.chat-stream'
  | 'openai.embeddings'
  | 'openai.completions'
  | 'openai.responses'
  | 'openai.messages'
  | 'openai.parity'
  | 'gateway.cache'
  | 'catalog.consistency'
  | 'oracle.parity'
  | 'batch.lifecycle'
  | 'partner.answer';

/** One way an exchange breaks the contract. */
export interface Finding {
  check: CheckId;
  message: string;
  /** JSON pointer into the response body, where there is one. */
  instancePath?: string;
  expected?: string;
  actual?: string;
  /**
   * `error` (the default when absent) where the rule is established: the real API is known to behave so.
   * `warning` where it rests on documentation alone: counted only by `run --strict`.
   */
  severity?: Severity;
}

export type { Severity };

/** What the harness expected of the exchange when it built the request. */
export type Expectation = 'success' | 'client-error' | 'auth-error' | 'unknown-model';

/** What a check may know besides the exchange. */
export interface CheckContext {
  contract: Contract;
  /** The model the request was for, when it names one. */
  model?: ModelEntry;
  expectation: Expectation;
  /** The request input as sent (JSON), for semantics such as `max_tokens`. */
  input?: unknown;
  /** For a deliberately invalid input: the one rule it breaks and how strongly the real API is known to enforce it. */
  invalid?: { rule: string; pointer: string; enforcement: EnforcementVerdict };
  /**
   * True when the request was not captured (`validate` of a lone answer): `input` then holds only what the answer
   * tells of it (model, stream), and rules comparing the answer with the request's tools are not judged.
   */
  requestUnknown?: boolean;
  /** The recorded exchange of the same request (`run --oracle`), for `oracle.parity`. */
  recorded?: Exchange;
}

/** A check: pure, synchronous, never throws for a bad response (that is a finding). */
export type Check = (exchange: Exchange, context: CheckContext) => Finding[];

/**
 * Which part of the API a check judges. Reports and docs group checks by area; `--tasks openai`
 * and `--tasks gateway` select the areas of the same name.
 */
export type CheckArea = 'status' | 'envelope' | 'headers' | 'output' | 'auth' | 'model' | 'stream' | 'openai' | 'gateway' | 'catalog' | 'oracle' | 'batch';

/** Whether a check has anything to judge in an exchange: false marks it "skipped", never "passed". */
export type Applies = (exchange: Exchange, context: CheckContext) => boolean;

/** A check that judges several exchanges together (parity, caching, catalogue agreement). Pure, never throws for bad responses. */
export type MultiCheck = (exchanges: Exchange[], context: CheckContext) => Finding[];

/** Whether a multi-exchange check has anything to judge among these exchanges. */
export type MultiApplies = (exchanges: Exchange[], context: CheckContext) => boolean;

/** A check of one exchange, as the catalogue lists it. `run` returns [] whenever `applies` is false. */
export interface CheckDefinition {
  id: CheckId;
  /** One line, for `--checks`, reports and docs. */
  description: string;
  area: CheckArea;
  scope: 'exchange';
  applies: Applies;
  run: Check;
}

/** A check of several exchanges, as the catalogue lists it. `run` returns [] whenever `applies` is false. */
export interface MultiCheckDefinition {
  id: CheckId;
  /** One line, for `--checks`, reports and docs. */
  description: string;
  area: CheckArea;
  scope: 'exchanges';
  applies: MultiApplies;
  run: MultiCheck;
}

/** Any entry of the check catalogue. */
export type AnyCheckDefinition = CheckDefinition | MultiCheckDefinition;
