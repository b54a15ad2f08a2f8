/** @module Every http model's output maker: deterministic, valid against the model's output schema, and meaningful. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import type { JsonSchema, ModelEntry } from '../../../src/contract/types.js';
import { outputMakers } from '../../../src/emulator/outputs/index.js';
import { declares } from '../../../src/emulator/outputs/schema-shape.js';
import { createRng } from '../../../src/emulator/rng.js';
import type { OutputContext, OutputResult, StreamEvent } from '../../../src/emulator/types.js';
import { jpegSize } from '../../../src/media/jpeg.js';
import { parseMp3Frames } from '../../../src/media/mp3.js';
import { inspectPng } from '../../../src/media/png.js';
import { parseWav } from '../../../src/media/wav.js';
import { mediaTypeMatches } from '../../../src/media/sniff.js';
import { decodeAudio, requestedAudioType } from '../../../src/checks/_internals/media.js';
import { decisionConfidence } from '../../../src/emulator/outputs/decisions.js';
import { DECISION_REQUEST, inputFor, type ModelInput } from './model-inputs.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const contract = loadContract();
const httpModels = [...contract.models.values()].filter((m) => m.facts.transport === 'http');
/** Text generation models that generate text (a decision model answers its questions instead: tested below). */
const textModels = httpModels.filter((m) => m.task === 'text-generation' && m.facts.outputStyle !== 'decisions');

function contextFor(model: ModelEntry, given: ModelInput, seed = 42): OutputContext {
  const context: OutputContext = { contract, model, input: given.input, rng: createRng(seed) };
  if (given.rawBody) context.rawBody = given.rawBody;
  return context;
}
const make = (model: ModelEntry, given: ModelInput, seed?: number): OutputResult => outputMakers[model.task].make(contextFor(model, given, seed));
const stream = (model: ModelEntry, given: ModelInput): StreamEvent[] => outputMakers[model.task].stream!(contextFor(model, given));
const json = (result: OutputResult): Obj => {
  expect(result.kind).toBe('json');
  return (result as { result: Obj }).result;
};
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const cos = (a: number[], b: number[]): number => sum(a.map((x, i) => x * b[i]!)) / Math.sqrt(sum(a.map((x) => x * x)) * sum(b.map((x) => x * x)));
const oracle = new Ajv2020({ strict: false });

/** The text of a text-generation answer in any of the three styles. */
function answerText(result: Obj): string {
  if (Array.isArray(result.choices)) return result.choices[0].message.content ?? '';
  if (Array.isArray(result.output)) return result.output_text;
  return typeof result.response === 'string' ? result.response : JSON.stringify(result.response);
}
function answerUsage(result: Obj): { prompt: number; completion: number; total: number } {
  const u = result.usage;
  return 'input_tokens' in u ? { prompt: u.input_tokens, completion: u.output_tokens, total: u.total_tokens } : { prompt: u.prompt_tokens, completion: u.completion_tokens, total: u.total_tokens };
}

/** Task-specific meaning of an answer to `inputFor(model)`. */
function checkMeaning(model: ModelEntry, given: ModelInput, output: OutputResult): void {
  const { input } = given;
  switch (model.task) {
    case 'text-generation': {
      const result = json(output);
      if (model.facts.outputStyle === 'decisions') {
        expect(Object.keys(result.answers)).toEqual(Object.keys(input.questions as object));
        expect(result.usage.input_tokens).toBeGreaterThan(0);
        expect(result.usage.output_tokens).toBe(0);
        break;
      }
      const usage = answerUsage(result);
      expect(usage.total).toBe(usage.prompt + usage.completion);
      expect(usage.prompt).toBeGreaterThan(0);
      expect(usage.completion).toBeLessThanOrEqual(200);
      expect(words(answerText(result))).toBe(usage.completion);
      break;
    }
    case 'text-embeddings': {
      const result = json(output);
      const dimension = model.facts.embeddingDimension!;
      expect(result.shape).toEqual([3, dimension]);
      expect(result.data).toHaveLength(3);
      for (const vector of result.data) {
        expect(vector).toHaveLength(dimension);
        expect(Math.sqrt(sum(vector.map((x: number) => x * x)))).toBeCloseTo(1, 3);
      }
      expect(cos(result.data[0], result.data[2])).toBeGreaterThan(cos(result.data[0], result.data[1])); // shared words
      break;
    }
    case 'text-classification': {
      const result = json(output);
      if (Array.isArray(result)) {
        for (const { label, score } of result) {
          expect(model.facts.labels).toContain(label);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
        }
        expect(Math.abs(sum(result.map((r: Obj) => r.score)) - 1)).toBeLessThan(1e-6);
      } else {
        const ids = result.response.map((r: Obj) => r.id);
        expect([...ids].sort()).toEqual([0, 1, 2]);
        const scores = result.response.map((r: Obj) => r.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        expect(ids.indexOf(1)).toBe(2); // "Paris" shares no word with the query
        expect(ids[0]).toBe(2); // shares two
      }
      break;
    }
    case 'text-to-image': {
      const expected = 'width' in input || 'multipart' in input ? { width: 320, height: 256 } : (model.facts.defaultImageSize ?? { width: 1024, height: 1024 });
      if (output.kind === 'binary') {
        expect(output.contentType).toBe(model.facts.response.contentType);
        if (output.contentType === 'image/png') expect(inspectPng(output.bytes)).toMatchObject(expected);
        else expect(jpegSize(output.bytes)).toEqual(expected);
      } else {
        const bytes = Buffer.from(json(output).image, 'base64');
        expect(jpegSize(bytes)).toEqual(expected);
      }
      break;
    }
    case 'text-to-speech': {
      const bytes = output.kind === 'binary' ? output.bytes : Buffer.from(json(output).audio, 'base64');
      if (output.kind === 'binary') expect(output.contentType).toBe(model.facts.response.contentType);
      if (output.kind === 'json') {
        // MeloTTS' base64 audio is a WAV, as the live API answers (spec/tasks/text-to-speech.yaml#/$defs/base64-output).
        const wav = parseWav(bytes)!;
        expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 44_100, bitsPerSample: 16 });
        expect(wav.durationSeconds).toBeGreaterThan(9 * 0.32 - 0.05); // nine words
        break;
      }
      const mp3 = parseMp3Frames(bytes);
      expect(mp3?.trailingBytes).toBe(0);
      expect(mp3!.durationSeconds).toBeGreaterThan(9 * 0.32 - 0.05); // nine words
      break;
    }
    case 'automatic-speech-recognition': {
      const result = json(output);
      const timed: Obj[] = result.results
        ? result.results.channels[0].alternatives[0].words
        : (result.words ?? result.segments.flatMap((s: Obj) => s.words));
      expect(timed.length).toBeGreaterThan(0);
      timed.forEach((w, i) => {
        expect(w.start).toBeLessThanOrEqual(w.end);
        if (i > 0) expect(timed[i - 1]!.end).toBeLessThanOrEqual(w.start);
      });
      expect(timed.at(-1)!.end).toBeLessThanOrEqual(3);
      if (!result.results) {
        expect(result.vtt.startsWith('WEBVTT\n\n')).toBe(true);
        expect(result.word_count).toBe(timed.length);
        expect(result.text).toBe(timed.map((w) => w.word).join(' '));
      }
      if (result.transcription_info) expect(result.transcription_info.duration).toBeCloseTo(3, 3);
      break;
    }
    case 'image-classification': {
      const result = json(output) as unknown as Obj[];
      expect(new Set(result.map((r) => r.label)).size).toBe(result.length);
      expect(Math.abs(sum(result.map((r) => r.score)) - 1)).toBeLessThan(1e-6);
      if (model.facts.labels) for (const r of result) expect(model.facts.labels).toContain(r.label);
      break;
    }
    case 'object-detection': {
      const result = json(output) as unknown as Obj[];
      expect(result.length).toBeGreaterThan(0);
      for (const { box, label, score } of result) {
        expect(box.xmin).toBeLessThanOrEqual(box.xmax);
        expect(box.ymin).toBeLessThanOrEqual(box.ymax);
        expect(box.xmax).toBeLessThanOrEqual(300);
        expect(box.ymax).toBeLessThanOrEqual(200);
        expect(model.facts.labels).toContain(label);
        expect(score).toBeGreaterThanOrEqual(0);
      }
      break;
    }
    case 'translation': {
      const result = json(output);
      if (result.translations) expect(result.translations.map(words)).toEqual((input.text as string[]).map(words));
      else expect(words(result.translated_text)).toBe(words(input.text as string));
      break;
    }
    case 'summarization': {
      const summary: string = json(output).summary;
      expect(words(summary)).toBeLessThanOrEqual(40);
      expect((input.input_text as string).startsWith(summary)).toBe(true);
      break;
    }
    case 'image-to-text': {
      const result = json(output);
      expect(words(result.description ?? result.caption)).toBeLessThanOrEqual(30);
      break;
    }
    case 'voice-activity-detection': {
      const result = json(output);
      expect(result.is_complete).toBe(result.probability >= 0.5);
      break;
    }
  }
}

describe('every http model: valid input → deterministic, schema-valid, meaningful output', () => {
  it('covers the catalogue', () => {
    expect(httpModels.length).toBeGreaterThan(80);
  });
  for (const model of httpModels) {
    it(model.id, () => {
      const given = inputFor(contract, model);
      if (!given.rawBody) expect(contract.validateModel(model, 'input', given.input)).toEqual([]);
      const first = make(model, given);
      expect(make(model, given)).toEqual(first);
      if (first.kind === 'json') expect(contract.validateModel(model, 'output', first.result)).toEqual([]);
      checkMeaning(model, given, first);
    });
  }
});

describe('decision models (clef-flash): one answer per question, by its type', () => {
  const model = contract.model('@cf/cloudflare/clef-flash')!;

  it('answers noul with a probability, choice with the most probable option, score with the probability-weighted level', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = json(make(model, { input: DECISION_REQUEST }, seed));
      expect(contract.validateModel(model, 'output', result)).toEqual([]);
      expect(result.model).toBe('clef-flash');
      const { billing, route, urgency } = result.answers;
      expect(billing.type).toBe('noul');
      expect(route.type).toBe('choice');
      expect(Object.keys(route.probabilities)).toEqual(['billing', 'support']);
      expect(sum(Object.values(route.probabilities) as number[])).toBeCloseTo(1, 9);
      expect(route.probabilities[route.choice]).toBe(Math.max(...(Object.values(route.probabilities) as number[])));
      expect(urgency.type).toBe('score');
      expect(urgency.legend).toEqual({ 0: 'Can wait', 1: 'Needs attention today', 2: 'Urgent' });
      const p = Object.values(urgency.probabilities) as number[];
      expect(sum(p)).toBeCloseTo(1, 9);
      expect(urgency.score).toBeCloseTo(p[1]! + 2 * p[2]!, 3);
      expect(urgency.confidence).toBe(decisionConfidence(p));
    }
  });

  it("computes confidence as the live answers do: (n·Σp² − 1)/(n − 1)", () => {
    // maruel/genai's recordings (fixtures/real): 0.9851/0.0149 → 0.9413, 0.6625/0.3375 → 0.1056, 0.6359/0.3641 → 0.0738
    // (the live figure comes from unrounded probabilities: 0.0739 from the rounded ones).
    expect(decisionConfidence([0.9851, 0.0149])).toBe(0.9413);
    expect(decisionConfidence([0.6625, 0.3375])).toBe(0.1056);
    expect(decisionConfidence([0.6359, 0.3641])).toBe(0.0739);
    expect(decisionConfidence([0.5, 0.5])).toBe(0);
  });
});

describe('text generation', () => {
  const limitName = (m: ModelEntry): string => (m.facts.outputStyle === 'responses' ? 'max_output_tokens' : 'max_tokens');
  const prompt = 'Tell me a long story about the sea and the mountains and a lighthouse keeper';

  for (const model of textModels) {
    it(`${model.id} honours ${limitName(model)}`, () => {
      const base = inputFor(contract, model).input;
      for (const limit of [1, 3, 7]) {
        const given = { input: { ...base, [limitName(model)]: limit } };
        expect(contract.validateModel(model, 'input', given.input)).toEqual([]);
        const result = json(make(model, given));
        const usage = answerUsage(result);
        expect(usage.completion).toBeLessThanOrEqual(limit);
        expect(words(answerText(result))).toBeLessThanOrEqual(limit);
        expect(contract.validateModel(model, 'output', result)).toEqual([]);
      }
    });
  }

  const classic = textModels.filter((m) => m.facts.outputStyle === 'classic');
  it('classic models answer the prompt form, counting prompt words as tokens', () => {
    let tried = 0;
    for (const model of classic) {
      const given = { input: { prompt } };
      if (contract.validateModel(model, 'input', given.input).length > 0) continue; // messages-only models
      tried++;
      const result = json(make(model, given));
      expect(contract.validateModel(model, 'output', result)).toEqual([]);
      expect(result.usage.prompt_tokens).toBe(words(prompt));
      expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens + result.usage.completion_tokens);
    }
    expect(tried).toBeGreaterThan(30);
  });

  it('the default limit is the model fact maxTokens, else 256', () => {
    const model = contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!;
    for (let seed = 0; seed < 50; seed++) {
      const result = json(make(model, { input: { prompt } }, seed));
      expect(result.usage.completion_tokens).toBeLessThanOrEqual(model.facts.maxTokens ?? 256);
    }
  });

  const schema: JsonSchema = {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 2 },
      population: { type: 'integer', minimum: 1 },
      tags: { type: 'array', items: { enum: ['coastal', 'capital', 'historic'] }, minItems: 1, uniqueItems: true },
      mayor: { $ref: '#/$defs/person' },
    },
    required: ['city', 'population', 'tags'],
    additionalProperties: false,
    $defs: { person: { type: 'object', properties: { name: { type: 'string' }, since: { type: 'integer', minimum: 1900, maximum: 2026 } }, required: ['name'] } },
  };
  const satisfies = oracle.compile(schema as object);

  function jsonInput(model: ModelEntry): Obj {
    const base = inputFor(contract, model).input;
    if (model.facts.outputStyle === 'responses') return { ...base, text: { format: { type: 'json_schema', name: 'city', schema } } };
    if (model.facts.outputStyle === 'chat-completions') return { ...base, response_format: { type: 'json_schema', json_schema: { name: 'city', schema } } };
    return { ...base, response_format: { type: 'json_schema', json_schema: schema } };
  }

  it('response_format json_schema yields JSON that satisfies the schema (every model whose input takes it)', () => {
    let tried = 0;
    for (const model of textModels) {
      const input = jsonInput(model);
      if (contract.validateModel(model, 'input', input).length > 0) continue;
      tried++;
      for (const seed of [1, 2, 3]) {
        const result = json(make(model, { input }, seed));
        expect(contract.validateModel(model, 'output', result)).toEqual([]);
        const answer = typeof result.response === 'object' ? result.response : JSON.parse(answerText(result));
        expect(satisfies(answer), `${model.id}: ${JSON.stringify(answer)} ${JSON.stringify(satisfies.errors)}`).toBe(true);
      }
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('json_object mode answers the parsed JSON object in `response`, as the docs JSON Mode page shows', () => {
    const model = contract.model('@cf/meta/llama-3.3-70b-instruct-fp8-fast')!;
    const result = json(make(model, { input: { prompt, response_format: { type: 'json_object' } } }));
    expect(result.response).toBeTypeOf('object');
    expect(result.response).not.toBeNull();
    const plain = json(make(model, { input: { prompt } }));
    expect(plain.response).toBeTypeOf('string');
  });

  it('json_schema mode with an array schema answers the parsed array in `response`, as live answers do', () => {
    const model = contract.model('@cf/meta/llama-3.3-70b-instruct-fp8-fast')!;
    const schema = { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, color: { type: 'string' } }, required: ['name', 'color'] } };
    const result = json(make(model, { input: { prompt, response_format: { type: 'json_schema', json_schema: schema } } }));
    expect(Array.isArray(result.response), JSON.stringify(result.response)).toBe(true);
    expect(contract.validateModel(model, 'output', result)).toEqual([]);
  });

  const tool = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather of a city',
      parameters: { type: 'object', properties: { city: { type: 'string', description: 'City name' }, days: { type: 'integer', description: 'Forecast days' } }, required: ['city', 'days'] },
    },
  };
  const satisfiesTool = oracle.compile(tool.function.parameters);

  /** Tool calls of an answer, as `{name, args}` whatever the shape. */
  function toolCalls(result: Obj): { name: string; args: unknown }[] {
    const parse = (a: unknown): unknown => (typeof a === 'string' ? JSON.parse(a) : a);
    if (Array.isArray(result.choices)) return result.choices[0].message.tool_calls.map((c: Obj) => ({ name: c.function.name, args: parse(c.function.arguments) }));
    if (Array.isArray(result.output)) return result.output.filter((o: Obj) => o.type === 'function_call').map((o: Obj) => ({ name: o.name, args: parse(o.arguments) }));
    return result.tool_calls.map((c: Obj) => ({ name: c.name ?? c.function.name, args: parse(c.arguments ?? c.function.arguments) }));
  }

  it('tools produce well-formed tool calls whose arguments satisfy the parameters (every model whose input takes them)', () => {
    let tried = 0;
    for (const model of textModels) {
      const base = inputFor(contract, model).input;
      const input = model.facts.outputStyle === 'responses' ? { ...base, tools: [{ type: 'function', ...tool.function }] } : { ...base, tools: [tool] };
      if (contract.validateModel(model, 'input', input).length > 0) continue;
      tried++;
      const result = json(make(model, { input }));
      expect(contract.validateModel(model, 'output', result)).toEqual([]);
      const calls = toolCalls(result);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.name).toBe('get_weather');
      expect(satisfiesTool(calls[0]!.args), JSON.stringify(calls[0]!.args)).toBe(true);
      if (Array.isArray(result.choices)) expect(result.choices[0].finish_reason).toBe('tool_calls');
      const usage = answerUsage(result);
      expect(usage.total).toBe(usage.prompt + usage.completion);
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('answers response null beside classic tool calls, as llama-3.3-70b-fp8-fast and llama-3.1-8b-fp8 answer live', () => {
    for (const id of ['@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/meta/llama-3.1-8b-instruct-fp8']) {
      const model = contract.model(id)!;
      const result = json(make(model, { input: { messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [tool] } }));
      expect(result.response, id).toBeNull();
      expect(result.tool_calls, id).toHaveLength(1);
      expect(contract.validateModel(model, 'output', result), id).toEqual([]);
    }
  });

  it('answers llama-4-scout tool calls as its live answers carry them: OpenAI form, arguments a string, no response', () => {
    const model = contract.model('@cf/meta/llama-4-scout-17b-16e-instruct')!;
    const result = json(make(model, { input: { messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [tool] } }));
    expect(result).not.toHaveProperty('response');
    expect(result.tool_calls).toHaveLength(1);
    expect(result.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(result.tool_calls[0].function.arguments).toBeTypeOf('string');
    expect(contract.validateModel(model, 'output', result)).toEqual([]);
  });

  it('answers in text after a tool result, and not at all with tool_choice none', () => {
    const model = contract.model('@cf/meta/llama-3.3-70b-instruct-fp8-fast')!;
    const afterTool = json(make(model, { input: { messages: [{ role: 'user', content: 'Weather?' }, { role: 'tool', content: '{"temp": 21}' }], tools: [tool] } }));
    expect(afterTool.tool_calls).toBeUndefined();
    expect(words(afterTool.response)).toBeGreaterThan(0);
    const chat = contract.model('@cf/moonshotai/kimi-k2.5')!;
    const none = json(make(chat, { input: { messages: [{ role: 'user', content: 'Weather?' }], tools: [tool], tool_choice: 'none' } }));
    expect(none.choices[0].message.tool_calls).toBeUndefined();
  });

  it('gpt-oss answers chat messages as a chat completion', () => {
    const model = contract.model('@cf/openai/gpt-oss-120b')!;
    const result = json(make(model, { input: { messages: [{ role: 'user', content: prompt }] } }));
    expect(result.object).toBe('chat.completion');
    expect(contract.validateModel(model, 'output', result)).toEqual([]);
  });
});

describe('streams', () => {
  const streamed = httpModels.filter((m) => m.facts.streams);

  for (const model of streamed) {
    it(`${model.id} streams what it answers`, () => {
      const given = inputFor(contract, model);
      const events = stream(model, given);
      expect(stream(model, given)).toEqual(events);
      expect(events.at(-1)).toEqual({ done: true });
      const data = events.slice(0, -1).map((e) => (e as { data: Obj }).data);
      expect(data.every((d) => d !== undefined)).toBe(true);
      const whole = json(make(model, given));
      if (model.task !== 'text-generation') {
        expect(data.at(-1)).toEqual(whole); // moondream: tokens, then the whole answer
        return;
      }
      const style = model.facts.outputStyle;
      if (style === 'classic') {
        for (const d of data) expect(contract.validate(contract.taskDefUri('text-generation', 'stream-event'), d)).toEqual([]);
        expect(data.map((d) => d.response).join('')).toBe(whole.response);
        expect(data.at(-1)).toEqual({ response: '', usage: whole.usage });
      } else if (style === 'chat-completions') {
        for (const d of data) {
          expect(contract.validate(contract.taskDefUri('text-generation', 'stream-event-chat-completions'), d)).toEqual([]);
          expect(contract.validate(contract.componentUri('ChatCompletionChunk'), d)).toEqual([]);
        }
        expect(data.flatMap((d) => d.choices.map((c: Obj) => c.delta.content ?? '')).join('')).toBe(whole.choices[0].message.content);
        expect(data.at(-1)!.usage).toEqual(whole.usage);
      } else {
        for (const d of data) expect(contract.validate(contract.componentUri('ResponsesStreamEvent'), d)).toEqual([]);
        expect(data.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta).join('')).toBe(whole.output_text);
        expect(data.at(-1)).toMatchObject({ type: 'response.completed', response: whole });
        expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
      }
    });
  }

  it('a classic stream carries tool calls in its last event', () => {
    const model = contract.model('@cf/meta/llama-3.3-70b-instruct-fp8-fast')!;
    const input = { messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [{ name: 'get_weather', description: 'd', parameters: { type: 'object', properties: { city: { type: 'string', description: 'c' } }, required: ['city'] } }], stream: true };
    const events = stream(model, { input });
    const last = (events.at(-2) as { data: Obj }).data;
    expect(last.tool_calls[0].name).toBe('get_weather');
    expect(typeof last.tool_calls[0].arguments.city).toBe('string');
  });
});

describe('binary and special answers', () => {
  it('aura answers WAV for encoding linear16', () => {
    const model = contract.model('@cf/deepgram/aura-1')!;
    const result = make(model, { input: { text: 'one two three four five', encoding: 'linear16', container: 'wav', sample_rate: 16000 } });
    expect(result.kind).toBe('binary');
    const wav = parseWav((result as { bytes: Uint8Array }).bytes)!;
    expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    expect(wav.durationSeconds).toBeCloseTo(5 * 0.32, 2);
  });

  it('melotts answers {audio: base64 WAV}, 44.1 kHz mono 16-bit, as the live API does (not the catalogue\'s MP3)', () => {
    const model = contract.model('@cf/myshell-ai/melotts')!;
    const result = make(model, { input: { prompt: 'one two three four five', lang: 'en' } }) as { kind: string; result: { audio: string } };
    expect(result.kind).toBe('json');
    const bytes = Buffer.from(result.result.audio, 'base64');
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const wav = parseWav(bytes)!;
    expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 44_100, bitsPerSample: 16 });
    expect(wav.durationSeconds).toBeCloseTo(5 * 0.32, 2);
    expect(decodeAudio(bytes)).toMatchObject({ ok: true, type: 'audio/wav' });
  });

  it('aura answers the container its encoding / container ask for, as the checks expect, in bytes that decode', () => {
    const model = contract.model('@cf/deepgram/aura-2-en')!;
    const asks: Record<string, unknown>[] = [{}, { encoding: 'mp3' }, { encoding: 'flac' }, { encoding: 'opus' }, { encoding: 'aac' }, { encoding: 'linear16' }, { encoding: 'mulaw', container: 'wav' }, { encoding: 'opus', container: 'ogg' }, { encoding: 'linear16', container: 'none' }];
    for (const ask of asks) {
      const input = { text: 'one two three four five', ...ask };
      const result = make(model, { input }) as { kind: string; contentType: string; bytes: Uint8Array };
      expect(result.kind).toBe('binary');
      const expected = requestedAudioType(input) ?? 'audio/mpeg';
      expect(mediaTypeMatches(expected, result.contentType), `${JSON.stringify(ask)}: ${result.contentType}`).toBe(true);
      const decoded = decodeAudio(result.bytes);
      expect(decoded, JSON.stringify(ask)).toMatchObject({ ok: true, type: result.contentType });
      if (decoded.ok && decoded.durationSeconds !== undefined) expect(decoded.durationSeconds).toBeGreaterThanOrEqual(5 * 0.32);
    }
  });

  it('text-to-image varies with the request and repeats for equal requests', () => {
    const model = contract.model('@cf/stabilityai/stable-diffusion-xl-base-1.0')!;
    const images = [1, 2, 3, 4, 5, 6].map((seed) => (make(model, { input: { prompt: 'x', width: 256, height: 256 } }, seed) as { bytes: Uint8Array }).bytes);
    expect(new Set(images.map((b) => Buffer.from(b).toString('base64'))).size).toBeGreaterThan(1);
    expect(make(model, { input: { prompt: 'x', width: 256, height: 256 } }, 1)).toEqual(make(model, { input: { prompt: 'x', width: 256, height: 256 } }, 1));
  });

  it('moondream answers every skill', () => {
    const model = contract.model('@cf/moondream/moondream3.1-9B-A2B')!;
    for (const task of ['query', 'caption', 'point', 'detect']) {
      const result = json(make(model, { input: { task, image: 'data:image/png;base64,AAAA', question: 'What is it?', target: 'cat' } }));
      expect(contract.validateModel(model, 'output', result), task).toEqual([]);
      expect(result[{ query: 'answer', caption: 'caption', point: 'points', detect: 'objects' }[task]!]).toBeDefined();
    }
  });

  it('bge-m3 scores contexts against a query, and embeds them without one', () => {
    const model = contract.model('@cf/baai/bge-m3')!;
    const contexts = [{ text: 'pandas eat bamboo' }, { text: 'the stock market fell' }];
    const scored = json(make(model, { input: { query: 'what do pandas eat', contexts } }));
    expect(contract.validateModel(model, 'output', scored)).toEqual([]);
    expect(scored.response[0].id).toBe(0);
    const embedded = json(make(model, { input: { contexts } }));
    expect(contract.validateModel(model, 'output', embedded)).toEqual([]);
    expect(embedded.shape).toEqual([2, 1024]);
  });

  it('async batch requests get a request id', () => {
    for (const id of ['@cf/baai/bge-small-en-v1.5', '@cf/meta/m2m100-1.2b', '@cf/meta/llama-3.3-70b-instruct-fp8-fast']) {
      const model = contract.model(id)!;
      const input = { requests: [inputFor(contract, model).input] };
      expect(contract.validateModel(model, 'input', input), id).toEqual([]);
      const result = json(make(model, { input }));
      expect(result.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(contract.validateModel(model, 'output', result)).toEqual([]);
    }
  });

  it('reranker honours top_k', () => {
    const model = contract.model('@cf/baai/bge-reranker-base')!;
    const input = { ...inputFor(contract, model).input, top_k: 2 };
    expect(json(make(model, { input })).response).toHaveLength(2);
  });

  it('declares() sees through $ref and anyOf', () => {
    expect(declares(contract, contract.model('@cf/baai/bge-reranker-base')!, ['response', '[]', 'score'])).toBe(true);
    expect(declares(contract, contract.model('@cf/meta/llama-3.3-70b-instruct-fp8-fast')!, ['request_id'])).toBe(true);
    expect(declares(contract, contract.model('@cf/meta/llama-2-7b-chat-int8')!, ['choices'])).toBe(false);
  });
});
