/** Shared set-up of the emulator tests: the contract, output makers, and a started emulator. */
import { request } from 'undici';
import type { Contract } from '../../../src/contract/contract.js';
import { loadContract } from '../../../src/contract/load.js';
import type { ModelEntry, TaskId } from '../../../src/contract/types.js';
import { encodePng } from '../../../src/media/png.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../../src/emulator/index.js';
import { handleOpenAi } from '../../../src/emulator/openai.js';
import { outputMakers } from '../../../src/emulator/outputs/index.js';
import type { OutputMaker, StreamEvent } from '../../../src/emulator/types.js';

export const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
export const TOKEN = 'test-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

let contractCache: Contract | undefined;
export function contract(): Contract {
  contractCache ??= loadContract();
  return contractCache;
}

/** The first model matching `predicate` (throws when the catalogue has none). */
export function findModel(predicate: (m: ModelEntry) => boolean): ModelEntry {
  const model = [...contract().models.values()].find(predicate);
  if (!model) throw new Error('no catalogue model matches');
  return model;
}

export const textModel = (): ModelEntry => findModel((m) => m.task === 'text-generation' && m.facts.outputStyle === 'classic' && m.facts.streams);

const usage = { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 };

/** Minimal stand-in makers, for tests that need a maker to misbehave (or a shape they control). */
export const STUB_MAKERS: Record<TaskId, OutputMaker> = {
  'text-generation': {
    make: () => ({ kind: 'json', result: { response: 'hello world', usage } }),
    stream: (): StreamEvent[] => [{ data: { response: 'hello' } }, { data: { response: ' world' } }, { data: { response: '', usage } }, { done: true }],
  },
  'text-embeddings': { make: () => ({ kind: 'json', result: { shape: [1, 3], data: [[0.1, 0.2, 0.3]], pooling: 'mean' } }) },
  'text-classification': { make: () => ({ kind: 'json', result: [{ label: 'POSITIVE', score: 0.9 }, { label: 'NEGATIVE', score: 0.1 }] }) },
  'text-to-image': { make: () => ({ kind: 'binary', contentType: 'image/png', bytes: encodePng(new Uint8Array(2 * 2 * 3), 2, 2) }) },
  'text-to-speech': { make: () => ({ kind: 'json', result: { audio: 'AAAA' } }) },
  'automatic-speech-recognition': {
    make: () => ({ kind: 'json', result: { text: 'hello world', words: [{ word: 'hello', start: 0, end: 0.5 }, { word: 'world', start: 0.5, end: 1 }] } }),
  },
  'image-classification': { make: () => ({ kind: 'json', result: [{ label: 'cat', score: 0.8 }] }) },
  'object-detection': { make: () => ({ kind: 'json', result: [{ label: 'cat', score: 0.8, box: { xmin: 1, ymin: 2, xmax: 10, ymax: 20 } }] }) },
  translation: { make: () => ({ kind: 'json', result: { translated_text: 'bonjour' } }) },
  summarization: { make: () => ({ kind: 'json', result: { summary: 'short' } }) },
  'image-to-text': { make: () => ({ kind: 'json', result: { description: 'a cat' } }) },
  'voice-activity-detection': { make: () => ({ kind: 'json', result: { is_complete: true, probability: 0.9 } }) },
};

/** Starts an emulator on a free port of 127.0.0.1 with the test contract and makers. */
export async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ port: 0, host: '127.0.0.1', contract: contract(), outputMakers, openAi: handleOpenAi, streamDelayMs: 0, ...options });
}

export const runPath = (model: string, encoded = false): string =>
  `/client/v4/accounts/${ACCOUNT}/ai/run/${encoded ? encodeURIComponent(model) : model}`;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: () => any;
}

/** Sends one request and reads the whole answer. */
export async function send(
  base: string,
  path: string,
  options: { method?: 'GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE'; headers?: Record<string, string>; body?: string | Uint8Array; json?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? AUTH) };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await request(`${base}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) flat[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: response.statusCode, headers: flat, text, json: () => JSON.parse(text) };
}
