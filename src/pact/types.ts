/** @module The parts of the Pact Specification V4 file format this project writes and reads. */

/** One matcher of a rule (`{"match": "type", "min": 1}`, `{"match": "regex", "regex": "^a$"}`, ...). */
export interface PactMatcher {
  match: string;
  [option: string]: unknown;
}

/** The matchers at one path, and how they combine. */
export interface PactRuleGroup {
  combine: 'AND' | 'OR';
  matchers: PactMatcher[];
}

/** Matching rules of one category (`body`, `header`, `status`, ...), keyed by path (`$.result.response`, `Content-Type`, `$`). */
export type PactRules = Record<string, PactRuleGroup>;

/** A V4 body: JSON content, text, or base64 bytes. */
export interface PactBody {
  content: unknown;
  contentType: string;
  /** false for JSON or text content; `base64` for bytes. */
  encoded: false | 'base64';
}

export interface PactRequest {
  method: string;
  path: string;
  query?: Record<string, string[]>;
  headers?: Record<string, string[]>;
  body?: PactBody;
  matchingRules?: { header?: PactRules; body?: PactRules; path?: PactRuleGroup; query?: PactRules };
}

export interface PactResponse {
  status: number;
  headers?: Record<string, string[]>;
  body?: PactBody;
  matchingRules?: { header?: PactRules; body?: PactRules; status?: PactRules };
}

export interface PactInteraction {
  type: 'Synchronous/HTTP';
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
  pending?: boolean;
  comments?: Record<string, unknown>;
  request: PactRequest;
  response: PactResponse;
}

/** A Pact V4 file as written by `pact export`. */
export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactInteraction[];
  metadata: {
    pactSpecification: { version: '4.0' };
    [key: string]: unknown;
  };
}

/** Key of this project's own entry in a pact file's `metadata`. */
export const PACT_METADATA_KEY = 'wai-conformance';
