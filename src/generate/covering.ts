/**
 * @module Covering requests: valid requests drawn before random exploration, so that every enum
 * value, every anyOf/oneOf branch and every optional property of a model's input is sent at least once.
 */
import fc from 'fast-check';
import type { Contract } from '../contract/contract.js';
import type { ModelEntry } from '../contract/types.js';
import type { CycleState, Hint } from './arbitrary-from-schema.js';
import { coveringCount } from './covering-count.js';
import { runSpec, validInputs, type GeneratedRequest, type RequestOptions } from './requests.js';
import { serialise } from './invalid-from-schema.js';
import { fastDrawing } from './fast-draw.js';

/** Optional properties are all sent down to this nesting (deeper ones are left to random cases: values stay small). */
export const COVERING_DEPTH = 4;

/** Sends every optional property down to COVERING_DEPTH (the value is left to the hints after it). */
const includeOptional: Hint = ({ name, path }) => (name !== undefined && path.length <= COVERING_DEPTH ? { include: true } : undefined);

/**
 * The covering requests of a model, deterministic for a seed: request `i` sends every optional
 * property and takes choice `i` (modulo their sizes) of every enum and anyOf/oneOf. A draw the
 * schema cannot satisfy this way (a oneOf whose chosen branch overlaps another) is left out:
 * random exploration still follows. Only JSON bodies: raw-body forms are random cases' job.
 */
export function coveringRequests(contract: Contract, model: ModelEntry, seed: number, options: RequestOptions = {}): GeneratedRequest[] {
  const cycle: CycleState = { index: 0 };
  const count = coveringCount(contract, model);
  let inputs: fc.Arbitrary<unknown>;
  try {
    inputs = validInputs(contract, model, { ...options, cycle, hints: [includeOptional, ...(options.hints ?? [])] });
  } catch {
    return [];
  }
  const requests: GeneratedRequest[] = [];
  for (let i = 0; i < count; i++) {
    cycle.index = i;
    try {
      const [value] = fc.sample(fastDrawing(inputs), { seed: seed + i, numRuns: 1 });
      const input = serialise(value);
      requests.push({ spec: runSpec(model, { json: input }), input, form: 'json' });
    } catch {
      // this choice cannot be drawn with everything included; the others still can
    }
  }
  return requests;
}

export { coveringCount };
