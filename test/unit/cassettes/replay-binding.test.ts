import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHar } from '../../../src/cassettes/cassette-file.js';
import { ReplayStore } from '../../../src/cassettes/replay.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

// Chromium's export of REST traffic (scripts/record-foreign-hars.ts), replayed through the binding's protocol.
const har = parseHar(readFileSync('fixtures/har/chromium.har', 'utf8'), 'chromium.har');
const recordedBody = (fragment: string) => har.log.entries.find((e) => e.request.url.includes('/ai/run/') && (e.request.postData?.text ?? '').includes(fragment))!;
const store = new ReplayStore([har], { mode: 'strict' });
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, streamDelayMs: 0, replay: store });
});
afterAll(() => emulator.close());

const run = (inputs: unknown) =>
  fetch(`${emulator.url}/run?version=3`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-consn-sdk-version': '2.0.0', 'cf-consn-model-id': '@cf/meta/llama-3.1-8b-instruct' },
    body: JSON.stringify({ inputs, options: {} }),
  });

describe('mock --replay through the binding protocol', () => {
  it('answers a binding run with the recorded REST answer, reshaped as the binding answers (the bare result)', async () => {
    const entry = recordedBody('Where is New York?');
    const response = await run(JSON.parse(entry.request.postData!.text!));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual((JSON.parse(entry.response.content.text!) as { result: unknown }).result);
  });

  it('replays a recorded stream as it was received', async () => {
    const entry = recordedBody('Tell me a story');
    const response = await run(JSON.parse(entry.request.postData!.text!));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe(entry.response.content.text);
  });

  it('strict: an unrecorded run is an error the binding throws, naming the nearest recorded request', async () => {
    const before = store.stats.unmatched;
    const response = await run({ prompt: 'never recorded', max_tokens: 3 });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { internalCode: number; description: string };
    expect(body.internalCode).toBe(7003);
    expect(body.description).toMatch(/no recorded exchange matches POST \/ai\/run\/@cf\/meta\/llama-3\.1-8b-instruct; nearest recorded: entry #\d+ POST \/ai\/run\/@cf\/meta\/llama-3\.1-8b-instruct/);
    expect(store.stats.unmatched).toBe(before + 1);
  });
});
