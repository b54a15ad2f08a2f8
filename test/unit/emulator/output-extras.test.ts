/** @module Optional output members the real API is known to give, and the emulator gives too: only where the schema declares them, same request → same bytes. */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import type { ModelEntry } from '../../../src/contract/types.js';
import { outputMakers } from '../../../src/emulator/outputs/index.js';
import { chatExtras } from '../../../src/emulator/outputs/text-generation.js';
import { createRng } from '../../../src/emulator/rng.js';
import type { OutputContext, StreamEvent } from '../../../src/emulator/types.js';
import { textGenerationSemantics } from '../../../src/checks/semantics/text-generation.js';
import { inputFor, WAV_3S, type ModelInput } from './model-inputs.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const contract = loadContract();
const model = (id: string): ModelEntry => contract.model(id)!;

function contextFor(m: ModelEntry, given: ModelInput, seed = 42): OutputContext {
  const context: OutputContext = { contract, model: m, input: given.input, rng: createRng(seed) };
  if (given.rawBody) context.rawBody = given.rawBody;
  return context;
}
const answer = (m: ModelEntry, given: ModelInput): Obj => {
  const out = outputMakers[m.task].make(contextFor(m, given));
  expect(out.kind).toBe('json');
  return (out as { result: Obj }).result;
};
const valid = (m: ModelEntry, result: unknown): void => expect(contract.validateModel(m, 'output', result)).toEqual([]);

describe('chat-completions answers carry the members the real API passes through from vLLM', () => {
  const qwen3 = model('@cf/qwen/qwen3-30b-a3b-fp8');
  const glm = model('@cf/zai-org/glm-4.7-flash');
  const llama = model('@cf/meta/llama-3.1-8b-instruct-fast');

  it('usage.prompt_tokens_details.cached_tokens is 0 (no prefix cache) where the schema declares it, in the answer and in the stream', () => {
    const given = inputFor(contract, glm);
    const result = answer(glm, given);
    expect(result.usage.prompt_tokens_details).toEqual({ cached_tokens: 0 });
    valid(glm, result);
    const events = outputMakers['text-generation'].stream!(contextFor(glm, given)) as StreamEvent[];
    const last = (events.at(-2) as { data: Obj }).data;
    expect(last.usage).toEqual(result.usage);
  });

  it('stop_reason and prompt_logprobs are null for qwen3, declared by its own type; the others do not get them', () => {
    const result = answer(qwen3, inputFor(contract, qwen3));
    expect(result.object).toBe('chat.completion');
    expect(result.choices[0].stop_reason).toBeNull();
    expect(result.prompt_logprobs).toBeNull();
    valid(qwen3, result);
    const other = answer(glm, inputFor(contract, glm));
    expect(other.choices[0]).not.toHaveProperty('stop_reason');
    expect(other).not.toHaveProperty('prompt_logprobs');
    // cachedTokens follows the model's output: llama-3.1-8b-instruct-fast's catalogue page (2024) declares no usage.
    expect(chatExtras(contract, llama)).toEqual({ cachedTokens: false, stopReason: false, promptLogprobs: false, textCompletion: false, choicePromptLogprobs: false });
  });

  it('a bare prompt to qwen3 is answered as a text_completion (its type has that branch), deterministically and meaningfully', () => {
    const given = { input: { prompt: 'Name three primary colours', max_tokens: 40 } };
    const result = answer(qwen3, given);
    expect(result).toMatchObject({ object: 'text_completion', choices: [{ index: 0, stop_reason: null, prompt_logprobs: null, logprobs: null }] });
    expect(typeof result.choices[0].text).toBe('string');
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens + result.usage.completion_tokens);
    expect(result.usage.completion_tokens).toBeLessThanOrEqual(40);
    valid(qwen3, result);
    expect(JSON.stringify(answer(qwen3, given))).toBe(JSON.stringify(result));
    expect(textGenerationSemantics(result, '/result', given.input, qwen3)).toEqual([]);
  });

  it('output.semantics reads JSON mode from a text completion\'s text', () => {
    const given = { input: { prompt: 'A JSON object please', response_format: { type: 'json_object' }, max_tokens: 60 } };
    const result = answer(qwen3, given);
    expect(result.object).toBe('text_completion');
    expect(textGenerationSemantics(result, '/result', given.input, qwen3)).toEqual([]);
    const broken = { ...result, choices: [{ ...result.choices[0], text: 'not json', finish_reason: 'stop' }] };
    expect(textGenerationSemantics(broken, '/result', given.input, qwen3).map((p) => p.instancePath)).toContain('/result/choices/0/text');
  });
});

describe('nova-3 answers sentiment: true with Deepgram\'s results.sentiments', () => {
  const nova = model('@cf/deepgram/nova-3');
  const given = (sentiment?: boolean): ModelInput => ({ input: { audio: { body: Array.from(WAV_3S), contentType: 'audio/wav' }, ...(sentiment === undefined ? {} : { sentiment }) }, rawBody: WAV_3S });

  it('segments cover the words in order (inclusive indexes), labels follow the ±1/3 break point, the average is their word-weighted mean', () => {
    const result = answer(nova, given(true));
    valid(nova, result);
    const words = result.results.channels[0].alternatives[0].words as unknown[];
    const { segments, average } = result.results.sentiments;
    expect(segments[0].start_word).toBe(0);
    expect(segments.at(-1).end_word).toBe(words.length - 1);
    let weighted = 0;
    segments.forEach((s: Obj, i: number) => {
      if (i > 0) expect(s.start_word).toBe(segments[i - 1].end_word + 1);
      expect(s.text.split(' ')).toHaveLength(s.end_word - s.start_word + 1);
      expect(s.sentiment_score).toBeGreaterThanOrEqual(-1);
      expect(s.sentiment_score).toBeLessThanOrEqual(1);
      expect(s.sentiment).toBe(s.sentiment_score >= 1 / 3 ? 'positive' : s.sentiment_score <= -1 / 3 ? 'negative' : 'neutral');
      weighted += s.sentiment_score * (s.end_word - s.start_word + 1);
    });
    expect(average.sentiment_score).toBeCloseTo(weighted / words.length, 3);
    expect(JSON.stringify(answer(nova, given(true)))).toBe(JSON.stringify(result));
  });

  it('without sentiment (or with false) there is none, and the transcript is the same', () => {
    const plain = answer(nova, given());
    expect(plain.results).not.toHaveProperty('sentiments');
    expect(answer(nova, given(false)).results).not.toHaveProperty('sentiments');
    expect(answer(nova, given(true)).results.channels).toEqual(plain.results.channels);
  });
});
