/** @module What a task's semantic rules receive (the answer, the input, the model), and rules several tasks share. */
import type { ModelEntry } from '../../contract/types.js';
import { isObject } from '../_internals/exchange.js';
import { at, docsOnly, num, problem, shortJson, type Problem } from '../_internals/problem.js';

/** A successful /ai/run answer: the envelope's `result`, or the raw bytes of a binary model. */
export type Answer = { kind: 'json'; result: unknown } | { kind: 'binary'; bytes: Uint8Array; contentType: string };

/** Everything a task's rules may use. */
export interface SemanticsContext {
  model: ModelEntry;
  /** The JSON input sent, when it was JSON. */
  input: Record<string, unknown> | undefined;
  /** The raw request body, when the input was sent as bytes (images, audio). */
  rawInput?: Uint8Array;
  /** Pointer of the answer in the body: `/result` inside the envelope, "" for binary answers. */
  base: string;
}

/** A task's semantic rules. */
export type TaskSemantics = (answer: Answer, context: SemanticsContext) => Problem[];

/**
 * A string field that must say something when the input did: not missing, not blank. A warning: the
 * docs describe the field, nothing says a model never returns blank text (summaries and captions of
 * odd input can be), and no real answer has shown it either way.
 */
export function nonEmptyTextProblems(value: unknown, path: string, what: string): Problem[] {
  if (typeof value !== 'string') return []; // a missing or mistyped field is output.schema's finding
  return value.trim() === '' ? docsOnly([problem(path, `is ${value === '' ? 'empty' : 'blank'}, expected ${what}`, what, JSON.stringify(value))]) : [];
}

/** A number lies in [min, max]. */
export function rangeProblems(value: unknown, path: string, min: number, max: number, what = 'a score'): Problem[] {
  if (typeof value !== 'number') return [];
  if (Number.isFinite(value) && value >= min && value <= max) return [];
  return [problem(path, `is ${num(value)}, expected ${what} in [${min}, ${max}]`, `[${min}, ${max}]`, num(value))];
}

/**
 * Asynchronous answers: a batch request (`requests: [...]`) is answered with a non-empty `request_id`, and a
 * synchronous request never is. Returns undefined when neither applies, so the task's own rules run.
 */
export function asyncProblems(result: unknown, context: SemanticsContext): Problem[] | undefined {
  const batch = Array.isArray(context.input?.requests);
  const hasId = isObject(result) && 'request_id' in result;
  if (!batch && !hasId) return undefined;
  if (batch && !hasId) return [problem(context.base, `is ${shortJson(result, 40)}, expected {request_id} for a batch request (input has requests[])`, '{request_id}', shortJson(result, 40))];
  if (!batch) return [problem(at(context.base, 'request_id'), 'is an asynchronous answer to a synchronous request (input has no requests[]), expected the output itself', 'the output', 'a request_id')];
  const id = (result as Record<string, unknown>).request_id;
  return typeof id === 'string' && id !== '' ? [] : [problem(at(context.base, 'request_id'), `is ${shortJson(id)}, expected a non-empty id`, 'a non-empty string', shortJson(id))];
}

/** How many texts an input field holds: 1 for a string, n for an array, undefined otherwise. */
export function textCount(value: unknown): number | undefined {
  if (typeof value === 'string') return 1;
  return Array.isArray(value) ? value.length : undefined;
}
