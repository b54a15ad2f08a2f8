/**
 * POST /ai/run with {model, input}: the partner models answered in the unified catalogue's forms (spec/openapi.yaml
 * runPartnerModel), each answer judged by the contract it follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { ACCOUNT, AUTH, contract } from './helpers.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, contract: contract() });
});
afterAll(() => emulator.close());

async function post(body: unknown, path = `/client/v4/accounts/${ACCOUNT}/ai/run`): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${emulator.url}${path}`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

const c = contract();
const valid = (errors: unknown[]) => expect(errors).toEqual([]);

describe('POST /ai/run (partner models)', () => {
  it('answers each listed partner model Completed, its result valid for the model, equal requests equally', async () => {
    const inputs: Record<string, unknown> = {
      'inworld/tts-1.5-mini': { text: 'Hello!', voice_id: 'Dennis', output_format: 'mp3', temperature: 1, timestamp_type: 'none' },
      'xai/grok-tts': { text: 'Hello! Welcome to the xAI Text to Speech API.', language: 'en', output_format: { codec: 'mp3', sample_rate: 44100, bit_rate: 192000 } },
      'bytedance/seedream-4.0': { prompt: 'A serene mountain lake' },
      'recraft/recraftv4-vector': { prompt: 'A simple flat icon', controls: { colors: [{ rgb: [0, 119, 182] }], background_color: { rgb: [255, 255, 255] } } },
      'assemblyai/universal-3-pro': { audio_url: 'https://cdn.openai.com/API/docs/audio/alloy.wav' },
      'google/veo-3.1-fast': { prompt: 'A butterfly', aspect_ratio: '16:9', duration: '6s', generate_audio: true, resolution: '720p' },
      'openai/gpt-5.4-mini': { messages: [{ role: 'user', content: 'What are the three laws of thermodynamics?' }], max_tokens: 16 },
    };
    expect(Object.keys(inputs).sort()).toEqual([...c.partnerModels().keys()].sort());
    for (const [model, input] of Object.entries(inputs)) {
      const partner = c.partnerModel(model)!;
      valid(c.validate(c.componentUri(partner.input), input));
      const { status, json } = await post({ model, input });
      expect(status, model).toBe(200);
      expect(json.state).toBe('Completed');
      expect(json.gatewayMetadata).toEqual({ keySource: 'Unified' });
      valid(c.validate(c.componentUri('PartnerRunAnswer'), json));
      valid(c.validate(c.componentUri(partner.output), json.result));
      expect((await post({ model, input })).json).toEqual(json);
    }
    const chat = (await post({ model: 'openai/gpt-5.4-mini', input: inputs['openai/gpt-5.4-mini'] })).json.result as { object: string; usage: { completion_tokens: number } };
    expect(chat.object).toBe('chat.completion');
    expect(chat.usage.completion_tokens).toBeLessThanOrEqual(16);
  });

  it('refuses an input the model\'s published schema refuses with 400 {state: "Failed", error}', async () => {
    const { status, json } = await post({ model: 'inworld/tts-1.5-mini', input: { text: 'Hi', voice_id: 'Nobody', output_format: 'mp3', temperature: 1, timestamp_type: 'none' } });
    expect(status).toBe(400);
    valid(c.validate(c.componentUri('PartnerRunFailure'), json));
    expect(json.error).toMatch(/^Model execution failed \(User Input Error\): \/input\/voice_id/);
    expect((await post({ model: 'bytedance/seedream-4.0', input: {} })).json.state).toBe('Failed');
  });

  it('answers the v4 envelope where the body is no {model, input} (3003) or names no partner model (5007)', async () => {
    for (const body of ['not json', { input: {} }, { model: 'inworld/tts-1.5-mini' }]) {
      const { status, json } = await post(body);
      expect(status).toBe(400);
      expect((json.errors as { code: number }[])[0]!.code).toBe(3003);
    }
    const unknown = await post({ model: 'nobody/no-such-model', input: {} });
    expect(unknown.status).toBe(400);
    valid(c.validate(c.componentUri('ErrorEnvelope'), unknown.json));
    expect((unknown.json.errors as { code: number }[])[0]!.code).toBe(5007);
  });

  it('asks for credentials as every account path does', async () => {
    const res = await request(`${emulator.url}/client/v4/accounts/${ACCOUNT}/ai/run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bytedance/seedream-4.0', input: { prompt: 'x' } }) });
    expect(res.statusCode).toBe(401);
    await res.body.dump();
  });
});
