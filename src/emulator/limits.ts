/**
 * @module The work bounds of one /ai/run request, checked before any answer is built: the model's
 * `limits` facts (spec/models/overlay.yaml, each with its source or the reason it was chosen). A request
 * past one is refused like any input its schema refuses (400, code 5006, the field named).
 */
import { characterCount } from '../contract/schema-errors.js';
import type { ModelEntry } from '../contract/types.js';
import { requestedSize } from './outputs/text-to-image.js';
import type { OutputContext } from './types.js';

/** Input members that hold a batch (one answer item, or one embedding, per element). */
const BATCH_MEMBERS = ['text', 'contexts', 'queries', 'documents'] as const;

/** The text whose characters are limited, `text` before `prompt`, with its name (members read by name: every request passes here). */
function textMember(input: Record<string, unknown>): [string, string] | undefined {
  const { text, prompt } = input;
  if (typeof text === 'string') return ['text', text];
  if (typeof prompt === 'string') return ['prompt', prompt];
  return undefined;
}

/** A 5006 detail line (`/field: expected ..., found ...`) for a request past its model's limits, or undefined. */
export function limitViolation(model: ModelEntry, context: OutputContext): string | undefined {
  const limits = model.facts.limits;
  if (!limits) return undefined;
  if (limits.inputCharacters !== undefined) {
    const member = textMember(context.input);
    if (member) {
      const [name, text] = member;
      // Cheap first: UTF-16 units never undercount characters.
      if (text.length > limits.inputCharacters) {
        const count = characterCount(text);
        if (count > limits.inputCharacters) return `/${name}: expected at most ${limits.inputCharacters} characters, found ${count} characters (${model.id}'s limit)`;
      }
    }
  }
  if (limits.batchItems !== undefined) {
    for (const name of BATCH_MEMBERS) {
      const items = context.input[name];
      if (Array.isArray(items) && items.length > limits.batchItems) return `/${name}: expected at most ${limits.batchItems} items, found ${items.length} items (${model.id}'s limit)`;
    }
  }
  if (limits.imageSide !== undefined) {
    const { width, height } = requestedSize(context, Number.POSITIVE_INFINITY);
    for (const [name, side] of [['width', width], ['height', height]] as const) {
      if (side > limits.imageSide) return `/${name}: expected at most ${limits.imageSide} pixels, found ${side} (${model.id}'s limit)`;
    }
  }
  return undefined;
}
