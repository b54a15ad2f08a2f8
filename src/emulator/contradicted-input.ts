/**
 * @module Input errors the real API does not raise. A rule spec/enforcement.yaml classes `contradicted` (evidence says
 * the real API accepts input breaking it) is not a reason for the emulator to refuse: the emulator teaches clients
 * what the real API does. Only `maxLength` can be set aside so far (the prompt character limit the API replaced with
 * token counting); errors of other kinds are kept.
 */
import type { Contract } from '../contract/contract.js';
import { enforcementOf } from '../contract/enforcement.js';
import { getAtPointer, parsePointer } from '../contract/json-pointer.js';
import type { ModelEntry, SchemaError } from '../contract/types.js';

/** Rounds of setting aside: each can uncover errors hidden behind a branch that failed first. */
const MAX_ROUNDS = 8;

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === 'object' && v !== null;

/** Replaces the value at a JSON pointer in place; false when nothing is there. */
function replaceAt(document: unknown, pointer: string, value: unknown): boolean {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  let parent: unknown = document;
  for (const token of tokens) {
    if (!isContainer(parent)) return false;
    parent = (parent as Record<string, unknown>)[token];
  }
  if (last === undefined || !isContainer(parent) || !(last in parent)) return false;
  (parent as Record<string, unknown>)[last] = value;
  return true;
}

/** The character limit a maxLength error states ("at most N characters"). */
function limitOf(error: SchemaError): number | undefined {
  const match = /^at most (\d+) characters$/.exec(error.expected);
  return match ? Number(match[1]) : undefined;
}

/**
 * The errors the emulator refuses `input` for: `errors` (the model's input schema's) without those the real API is
 * known not to raise. A string longer than a contradicted `maxLength` is cut to the limit in a copy and the copy
 * validated again, so the other rules still judge the whole input (a long prompt with a bad `temperature` is refused
 * for the temperature).
 */
export function refusedInputErrors(contract: Contract, model: ModelEntry, input: unknown, errors: SchemaError[]): SchemaError[] {
  if (errors.length === 0) return errors;
  const enforcement = enforcementOf(contract);
  const contradicted = (e: SchemaError) => enforcement.classify({ rule: e.keyword, pointer: e.instancePath }, model).class === 'contradicted';
  let copy: unknown;
  let current = errors;
  for (let round = 0; round < MAX_ROUNDS && current.length > 0; round++) {
    const aside = current.filter((e) => e.keyword === 'maxLength' && contradicted(e));
    if (aside.length === 0) return current;
    copy ??= structuredClone(input);
    for (const error of aside) {
      const limit = limitOf(error);
      const value = getAtPointer(copy, error.instancePath);
      if (limit === undefined || typeof value !== 'string' || !replaceAt(copy, error.instancePath, Array.from(value).slice(0, limit).join(''))) return current;
    }
    current = contract.validateModel(model, 'input', copy);
  }
  return current;
}
