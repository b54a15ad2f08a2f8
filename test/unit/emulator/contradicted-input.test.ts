/** The emulator does not refuse input for rules the real API is known to accept breaking (spec/enforcement.yaml `contradicted`). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { refusedInputErrors } from '../../../src/emulator/contradicted-input.js';
import { contract, runPath, send, start } from './helpers.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const FLUX = '@cf/black-forest-labs/flux-1-schnell';
/** Over the task's 131072-character prompt limit, which the API replaced with token counting in February 2025. */
const LONG = 'ab '.repeat(44_000);

describe('contradicted rules are not refused', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(async () => {
    await emu?.close();
  });

  it('answers a text-generation prompt, and a message, longer than 131072 characters', async () => {
    expect(LONG.length).toBeGreaterThan(131_072);
    const prompt = await send(emu.url, runPath(LLAMA), { json: { prompt: LONG, max_tokens: 8 } });
    expect(prompt.status).toBe(200);
    expect((prompt.json() as { result: { response: unknown } }).result.response).toEqual(expect.any(String));
    const messages = await send(emu.url, runPath(LLAMA), { json: { messages: [{ role: 'user', content: LONG }], max_tokens: 8 } });
    expect(messages.status).toBe(200);
  });

  it('still refuses the other rules of the same input, naming them and not the prompt', async () => {
    const answer = await send(emu.url, runPath(LLAMA), { json: { prompt: LONG, temperature: 'hot' } });
    expect(answer.status).toBe(400);
    const text = JSON.stringify(answer.json());
    expect(text).toMatch(/temperature/);
    expect(text).not.toMatch(/131072/);
  });

  it("keeps a maxLength the evidence does not contradict (a model's own prompt limit)", async () => {
    const answer = await send(emu.url, runPath(FLUX), { json: { prompt: 'x'.repeat(2049) } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json())).toMatch(/2048/);
  });
});

describe('refusedInputErrors', () => {
  const model = contract().model(LLAMA)!;
  it('sets aside only the contradicted errors and validates the rest of the input again', () => {
    const input = { prompt: LONG, top_k: 0.5 };
    const errors = contract().validateModel(model, 'input', input);
    expect(errors.some((e) => e.keyword === 'maxLength')).toBe(true);
    const refused = refusedInputErrors(contract(), model, input, errors);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.keyword !== 'maxLength')).toBe(true);
    expect(refused.some((e) => e.instancePath === '/top_k')).toBe(true);
    expect(input.prompt).toBe(LONG);
    expect(refusedInputErrors(contract(), model, { prompt: LONG }, contract().validateModel(model, 'input', { prompt: LONG }))).toEqual([]);
  });
});
