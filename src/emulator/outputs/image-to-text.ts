/** @module Image-to-text: a seeded description within `max_tokens`, or moondream's skills answer (query, caption, point, detect). */
import type { OutputContext, OutputMaker, OutputResult, StreamEvent } from '../types.js';
import { countWords, prose, round } from './fake-text.js';
import { declaredProperties, exampleOutput, perModel } from './schema-shape.js';

type Obj = Record<string, unknown>;

const DEFAULT_MAX_TOKENS = 512;
const CAPTION_WORDS = { short: [6, 12], normal: [15, 30], long: [40, 60] } as const;

type Shape = 'description' | 'skills' | 'other';
const shapeOf = perModel((contract, model): Shape => {
  const declared = declaredProperties(contract, model);
  return declared.has('description') ? 'description' : declared.has('caption') || declared.has('answer') ? 'skills' : 'other';
});

function maxTokens(input: Obj): number {
  return Math.max(0, Math.floor(typeof input.max_tokens === 'number' ? input.max_tokens : DEFAULT_MAX_TOKENS));
}

/** The answer plus the field its text streams in, so `make` and `stream` agree token for token. */
function answer(context: OutputContext): { result: Obj; field?: string; tokens: string[] } {
  const { input, rng } = context;
  const shape = shapeOf(context.contract, context.model);
  const limit = maxTokens(input);
  if (shape === 'skills') {
    const task = typeof input.task === 'string' ? input.task : 'query';
    const metrics = (output: number): Obj => ({
      input_tokens: 729 + countWords(String(input.question ?? input.target ?? '')), // moondream encodes an image as 729 tokens
      output_tokens: output,
      prefill_time_ms: round(20 + rng.next() * 30, 2),
      decode_time_ms: round(output * 8 + rng.next() * 10, 2),
      ttft_ms: round(25 + rng.next() * 30, 2),
    });
    if (task === 'point' || task === 'detect') {
      const max = Math.max(1, Math.floor(typeof input.max_objects === 'number' ? input.max_objects : 5));
      const count = Math.min(max, rng.int(1, 4));
      const items: Obj[] = [];
      for (let i = 0; i < count; i++) {
        const x = round(rng.next() * 0.8, 4);
        const y = round(rng.next() * 0.8, 4);
        items.push(task === 'point' ? { x, y } : { x_min: x, y_min: y, x_max: round(x + 0.05 + rng.next() * 0.15, 4), y_max: round(y + 0.05 + rng.next() * 0.15, 4) });
      }
      return { result: { finish_reason: 'stop', metrics: metrics(count), [task === 'point' ? 'points' : 'objects']: items }, tokens: [] };
    }
    const field = task === 'caption' ? 'caption' : 'answer';
    const [lo, hi] = task === 'caption' ? CAPTION_WORDS[(input.caption_length as keyof typeof CAPTION_WORDS) ?? 'normal'] ?? CAPTION_WORDS.normal : [8, 40];
    const wanted = rng.int(lo, hi);
    const { tokens, text } = prose(rng, Math.min(wanted, limit));
    const result: Obj = { finish_reason: tokens.length < wanted ? 'length' : 'stop', metrics: metrics(tokens.length), [field]: text };
    if (field === 'answer' && input.reasoning !== false) result.reasoning = { text: prose(rng, rng.int(10, 30)).text, grounding: [] };
    return { result, field, tokens };
  }
  const { tokens, text } = prose(rng, Math.min(rng.int(8, 30), limit));
  if (shape === 'description') return { result: { description: text }, field: 'description', tokens };
  return { result: exampleOutput(context, { description: text, text }) as Obj, tokens: [] };
}

/**
 * llava / uform: `{description}`; moondream: `{finish_reason, metrics, answer | caption | points | objects,
 * reasoning?}` by `task`. Streams (moondream) send `{<field>: token}` per token, then the whole answer.
 */
export const imageToText: OutputMaker = {
  make(context): OutputResult {
    return { kind: 'json', result: answer(context).result };
  },
  stream(context): StreamEvent[] {
    const { result, field, tokens } = answer(context);
    const events: StreamEvent[] = field ? tokens.map((token) => ({ data: { [field]: token } })) : [];
    events.push({ data: result }, { done: true });
    return events;
  },
};
