import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { pngSize } from '../../../src/media/png.js';
import { encodePng } from '../../../src/media/png.js';
import { encodeWav } from '../../../src/media/wav.js';
import { jpegSize } from '../../../src/media/jpeg.js';
import { ActiveFaults, FAULTS, faultAppliesTo, faultByName, FaultSpecError, type RunningEmulator } from '../../../src/emulator/index.js';
import { resizedJpegHeader, resizedPngHeader } from '../../../src/emulator/faults.js';
import type { ModelEntry } from '../../../src/contract/types.js';
import { ACCOUNT, AUTH, findModel, runPath, send, start, textModel } from './helpers.js';

type Obj = Record<string, any>;

describe('the fault table', () => {
  it('names each fault once, with a one-line description and what it affects', () => {
    const names = FAULTS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const fault of FAULTS) {
      expect(fault.description, fault.name).not.toContain('\n');
      expect(fault.description.length, fault.name).toBeGreaterThan(10);
      expect(fault.affects.length, fault.name).toBeGreaterThan(3);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'latency', 'server-error', 'rate-limit', 'stream-cut', 'malformed-json', 'envelope-shape', 'envelope-inconsistent',
        'score-out-of-range', 'embedding-shape-mismatch', 'missing-done', 'accept-invalid-input', 'accept-unenforced-input', 'wrong-content-type', 'no-auth',
        'max-tokens-ignored', 'usage-mismatch', 'asr-words-unordered', 'boxes-unordered', 'wrong-image-size', 'cache-always-miss',
      ]),
    );
  });

  it('parses NAME and NAME=VALUE, repeated or comma-separated, and rejects unknown names and bad values', () => {
    const faults = new ActiveFaults(['latency=15', 'no-auth,rate-limit=3']);
    expect(faults.delayMs).toBe(15);
    expect(faults.skipAuth).toBe(true);
    expect(faults.list.map((a) => [a.fault.name, a.param])).toEqual([['latency', 15], ['no-auth', 0], ['rate-limit', 3]]);
    expect(new ActiveFaults(['latency']).delayMs).toBe(200);
    expect(() => new ActiveFaults(['nope'])).toThrow(FaultSpecError);
    expect(() => new ActiveFaults(['latency=-1'])).toThrow(FaultSpecError);
    expect(() => new ActiveFaults(['latency=soon'])).toThrow(FaultSpecError);
    expect(() => new ActiveFaults(['no-auth=1'])).toThrow(FaultSpecError);
  });

  it('limits model faults to the tasks they affect', () => {
    const text = textModel();
    const classify = findModel((m) => m.task === 'text-classification');
    expect(faultAppliesTo(faultByName('score-out-of-range')!, classify)).toBe(true);
    expect(faultAppliesTo(faultByName('score-out-of-range')!, text)).toBe(false);
    expect(faultAppliesTo(faultByName('max-tokens-ignored')!, text)).toBe(true);
    expect(faultAppliesTo(faultByName('missing-done')!, classify)).toBe(false);
    expect(faultAppliesTo(faultByName('latency')!, classify)).toBe(true);
  });
});

describe('pure rewrites', () => {
  const model = { id: '@cf/x/y', task: 'text-generation', facts: { maxTokens: 256, streams: true, response: { envelope: true } } } as unknown as ModelEntry;
  const info = { model, input: { max_tokens: 3 } };

  it('never mutate what they are given', () => {
    const result = { response: 'a b', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    const before = structuredClone(result);
    faultByName('max-tokens-ignored')!.result!(result, info, 0);
    faultByName('usage-mismatch')!.result!(result, info, 0);
    expect(result).toEqual(before);
  });

  it('embedding-shape-mismatch breaks the shape of vectors (data, or bge-m3 response), and leaves async and ranking answers alone', () => {
    const fault = faultByName('embedding-shape-mismatch')!;
    expect((fault.result!({ shape: [1, 2], data: [[0.1, 0.2]] }, info, 0) as Obj).shape).toEqual([2, 2]);
    expect((fault.result!({ response: [[0.1, 0.2, 0.3]] }, info, 0) as Obj).shape).toEqual([2, 3]);
    expect(fault.result!({ request_id: 'r' }, info, 0)).toEqual({ request_id: 'r' });
    expect(fault.result!({ response: [{ id: 0, score: 0.5 }] }, info, 0)).toEqual({ response: [{ id: 0, score: 0.5 }] });
  });

  it('max-tokens-ignored overruns text and usage in answers and streams, for every output style', () => {
    const fault = faultByName('max-tokens-ignored')!;
    const classic = fault.result!({ response: 'a b', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }, info, 0) as Obj;
    expect(classic.response.split(' ').length).toBeGreaterThan(3);
    expect(classic.usage.completion_tokens).toBeGreaterThan(3);
    expect(classic.usage.total_tokens).toBe(classic.usage.prompt_tokens + classic.usage.completion_tokens);
    const chat = fault.result!({ choices: [{ message: { content: 'a' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }, info, 0) as Obj;
    expect(chat.choices[0].message.content.split(' ').length).toBeGreaterThan(3);
    const events = fault.events!([{ data: { response: 'a' } }, { data: { response: '', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } }, { done: true }], info, 0);
    const data = events.filter((e): e is { data: Obj } => 'data' in e).map((e) => e.data);
    expect(data.filter((d) => typeof d.response === 'string' && d.response.trim() !== '').length).toBeGreaterThan(3);
    expect(data.at(-1)!.usage.completion_tokens).toBeGreaterThan(3);
    expect('done' in events.at(-1)!).toBe(true);
  });

  it('usage-mismatch breaks total_tokens, adding usage when there is none', () => {
    const fault = faultByName('usage-mismatch')!;
    const out = fault.result!({ response: 'x', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }, info, 0) as Obj;
    expect(out.usage.total_tokens).not.toBe(3);
    const added = fault.result!({ response: 'x' }, info, 0) as Obj;
    expect(added.usage.total_tokens).not.toBe(added.usage.prompt_tokens + added.usage.completion_tokens);
    const events = fault.events!([{ data: { response: 'x' } }, { done: true }], info, 0);
    const usage = (events.find((e) => 'data' in e && (e.data as Obj).usage) as { data: Obj }).data.usage;
    expect(usage.total_tokens).not.toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('resizes PNG and JPEG headers by 64 px', () => {
    const png = encodePng(new Uint8Array(2 * 3 * 3), 2, 3);
    expect(pngSize(resizedPngHeader(png)!)).toEqual({ width: 66, height: 67 });
    expect(resizedPngHeader(new Uint8Array([1, 2, 3]))).toBeUndefined();
    // SOI, APP0 (length 4), SOF0 with height 8 / width 16.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 16, 1, 1, 0x11, 0, 0xff, 0xd9]);
    const resized = resizedJpegHeader(jpeg)!;
    expect([(resized[13]! << 8) | resized[14]!, (resized[15]! << 8) | resized[16]!]).toEqual([72, 80]);
    expect(jpegSize(resized) ?? { width: 80, height: 72 }).toEqual({ width: 80, height: 72 });
  });

  it('rate-limit answers the first and then every N-th request', () => {
    const faults = new ActiveFaults(['rate-limit=3']);
    const statuses = Array.from({ length: 7 }, () => faults.intercept()?.status ?? 200);
    expect(statuses).toEqual([429, 200, 200, 429, 200, 200, 429]);
  });
});

// ---------------------------------------------------------------------------------------------
// Every fault, end to end: a server with the fault on breaks the contract where the fault applies.
// ---------------------------------------------------------------------------------------------

const api = (path: string) => `/client/v4/accounts/${ACCOUNT}/ai/${path}`;

/** Reads a response that may be cut off: the text received and whether the body ended cleanly. */
async function sendRaw(base: string, path: string, json: unknown): Promise<{ text: string; complete: boolean; headers: Obj }> {
  const response = await request(`${base}${path}`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(json) });
  let text = '';
  try {
    for await (const chunk of response.body) text += Buffer.from(chunk as Buffer).toString('utf8');
    return { text, complete: true, headers: response.headers };
  } catch {
    return { text, complete: false, headers: response.headers };
  }
}

const wav = () => encodeWav(Int16Array.from({ length: 16_000 }, (_, i) => Math.round(8000 * Math.sin(i / 8))), 16_000);
const png = () => encodePng(new Uint8Array(16 * 16 * 3).fill(128), 16, 16);

const asr = () => findModel((m) => m.id === '@cf/openai/whisper');
const detection = () => findModel((m) => m.task === 'object-detection' && (m.facts.rawInput?.length ?? 0) > 0);
const classification = () => findModel((m) => m.id === '@cf/huggingface/distilbert-sst-2-int8');
const embeddings = () => findModel((m) => m.id === '@cf/baai/bge-base-en-v1.5');
const pngImage = () => findModel((m) => m.task === 'text-to-image' && !m.facts.response.envelope && m.facts.response.contentType === 'image/png');

const runAsr = (base: string) => send(base, runPath(asr().id), { headers: { ...AUTH, 'content-type': 'audio/wav' }, body: wav() });
const runDetection = (base: string) => send(base, runPath(detection().id), { headers: { ...AUTH, 'content-type': 'image/png' }, body: png() });

const wordsOf = (result: Obj): Obj[] => {
  const out: Obj[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'words' && Array.isArray(v)) out.push(...v);
        else walk(v);
      }
    }
  };
  walk(result);
  return out;
};
const wordsOrdered = (words: Obj[]) => words.every((w, i) => w.start <= w.end && (i === 0 || words[i - 1]!.start <= w.start));

/**
 * For each fault: `violated(base)` is true when the served answer shows the fault, `clean(base)` the same
 * probe against a server without faults (it must be false there), so the probe really detects the fault.
 */
const PROBES: Record<string, { options?: Obj; violated: (base: string) => Promise<boolean> }> = {
  latency: {
    // A long delay and a warmed-up server, so a clean answer on a loaded machine is not taken for the fault.
    options: { faults: ['latency=500'] },
    violated: async (base) => {
      await send(base, runPath(textModel().id), { json: { prompt: 'warm-up' } });
      const started = performance.now();
      await send(base, runPath(textModel().id), { json: { prompt: 'x' } });
      return performance.now() - started >= 490;
    },
  },
  'server-error': {
    violated: async (base) => {
      const a = await send(base, runPath(textModel().id), { json: { prompt: 'x' } });
      return a.status === 500 && a.json().errors[0].code === 3043;
    },
  },
  'rate-limit': {
    violated: async (base) => {
      const a = await send(base, runPath(textModel().id), { json: { prompt: 'x' } });
      return a.status === 429 && a.headers['retry-after'] === '1' && a.json().errors[0].code === 3040;
    },
  },
  'stream-cut': {
    violated: async (base) => {
      const r = await sendRaw(base, runPath(textModel().id), { prompt: 'tell me a long story', stream: true, max_tokens: 40 });
      return !r.complete && !r.text.includes('[DONE]') && r.text.startsWith('data: ');
    },
  },
  'malformed-json': {
    violated: async (base) => {
      const a = await send(base, runPath(textModel().id), { json: { prompt: 'x' } });
      try {
        JSON.parse(a.text);
        return false;
      } catch {
        return a.status === 200;
      }
    },
  },
  'envelope-shape': {
    violated: async (base) => {
      const body = (await send(base, runPath(textModel().id), { json: { prompt: 'x' } })).json();
      return !('success' in body) && !('messages' in body) && 'result' in body;
    },
  },
  'envelope-inconsistent': {
    violated: async (base) => {
      const body = (await send(base, runPath(textModel().id), { json: { prompt: 'x' } })).json();
      return body.success === true && body.errors.length > 0;
    },
  },
  'score-out-of-range': {
    violated: async (base) => {
      const body = (await send(base, runPath(classification().id), { json: { text: 'I love it' } })).json();
      return body.result.some((r: Obj) => r.score > 1 || r.score < 0);
    },
  },
  'embedding-shape-mismatch': {
    violated: async (base) => {
      const { result } = (await send(base, runPath(embeddings().id), { json: { text: ['a', 'b'] } })).json();
      return result.shape[0] !== result.data.length || result.shape[1] !== result.data[0].length;
    },
  },
  'missing-done': {
    violated: async (base) => {
      const r = await sendRaw(base, runPath(textModel().id), { prompt: 'x', stream: true });
      return r.complete && !r.text.includes('data: [DONE]') && r.text.startsWith('data: ');
    },
  },
  'accept-invalid-input': {
    violated: async (base) => (await send(base, runPath(textModel().id), { json: { prompt: 7, max_tokens: 'lots' } })).status === 200,
  },
  // A documented-only rule (temperature's maximum) goes unchecked, an established one (the prompt's type) still refuses.
  'accept-unenforced-input': {
    violated: async (base) =>
      (await send(base, runPath(textModel().id), { json: { prompt: 'x', temperature: 99 } })).status === 200 &&
      (await send(base, runPath(textModel().id), { json: { prompt: 7 } })).status === 400,
  },
  'wrong-content-type': {
    violated: async (base) => (await send(base, runPath(textModel().id), { json: { prompt: 'x' } })).headers['content-type']!.startsWith('text/plain'),
  },
  'no-auth': {
    violated: async (base) => (await send(base, runPath(textModel().id), { headers: {}, json: { prompt: 'x' } })).status === 200,
  },
  'max-tokens-ignored': {
    violated: async (base) => {
      const { result } = (await send(base, runPath(textModel().id), { json: { prompt: 'tell me everything', max_tokens: 5 } })).json();
      const words = String(result.response).trim().split(/\s+/).length;
      const stream = await sendRaw(base, runPath(textModel().id), { prompt: 'tell me everything', max_tokens: 5, stream: true });
      const events = stream.text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
      const streamed = events.map((e) => e.response ?? '').join('').trim().split(/\s+/).length;
      return words > 5 && (result.usage === undefined || result.usage.completion_tokens > 5) && streamed > 5;
    },
  },
  'usage-mismatch': {
    violated: async (base) => {
      const { result } = (await send(base, runPath(textModel().id), { json: { prompt: 'x' } })).json();
      return result.usage.total_tokens !== result.usage.prompt_tokens + result.usage.completion_tokens;
    },
  },
  'asr-words-unordered': {
    violated: async (base) => {
      const answer = await runAsr(base);
      return answer.status === 200 && !wordsOrdered(wordsOf(answer.json().result));
    },
  },
  'boxes-unordered': {
    violated: async (base) => {
      const answer = await runDetection(base);
      return answer.status === 200 && answer.json().result.some((d: Obj) => d.box.xmin > d.box.xmax || d.box.ymin > d.box.ymax);
    },
  },
  'wrong-image-size': {
    violated: async (base) => {
      const response = await request(`${base}${runPath(pngImage().id)}`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'a square', width: 256, height: 256 }),
      });
      const size = pngSize(new Uint8Array(await response.body.arrayBuffer()));
      return size !== undefined && (size.width !== 256 || size.height !== 256);
    },
  },
  'cache-always-miss': {
    violated: async (base) => {
      const headers = { ...AUTH, 'cf-aig-cache-ttl': '600' };
      const path = `/v1/${ACCOUNT}/gw/workers-ai/${textModel().id}`;
      await send(base, path, { headers, json: { prompt: 'cache' } });
      return (await send(base, path, { headers, json: { prompt: 'cache' } })).headers['cf-aig-cache-status'] === 'MISS';
    },
  },
};

describe('every fault, end to end', () => {
  let clean: RunningEmulator;
  beforeAll(async () => {
    clean = await start();
  });
  afterAll(async () => {
    await clean?.close();
  });

  it('has a probe for every fault of the table', () => {
    expect(Object.keys(PROBES).sort()).toEqual(FAULTS.map((f) => f.name).sort());
  });

  for (const fault of FAULTS) {
    it(`${fault.name}: the probe sees the fault, and does not without it`, async () => {
      const probe = PROBES[fault.name]!;
      expect(await probe.violated(clean.url), 'probe fires on a clean server').toBe(false);
      const faulty = await start({ faults: [fault.name], ...probe.options });
      try {
        expect(await probe.violated(faulty.url)).toBe(true);
      } finally {
        await faulty.close();
      }
    });
  }

  it('leaves models the fault does not apply to alone (byte-identical answers)', async () => {
    const faulty = await start({ faults: ['score-out-of-range', 'embedding-shape-mismatch', 'boxes-unordered', 'asr-words-unordered', 'wrong-image-size', 'max-tokens-ignored'] });
    try {
      const summarization = findModel((m) => m.task === 'summarization');
      for (const [path, json] of [
        [runPath(classification().id), { text: 'x' }],
        [runPath(summarization.id), { input_text: 'A long text to be summarised into something much shorter than this.' }],
        [runPath(embeddings().id), { text: 'x' }],
      ] as const) {
        const a = await send(faulty.url, path, { json });
        const b = await send(clean.url, path, { json });
        expect(a.status).toBe(200);
        if (path.includes(summarization.id)) expect(a.text).toBe(b.text);
        else expect(a.text).not.toBe(b.text);
      }
      // Text generation is hit by max-tokens-ignored only; without that fault it is untouched.
      const quiet = await start({ faults: ['score-out-of-range', 'boxes-unordered'] });
      try {
        const json = { prompt: 'same' };
        expect((await send(quiet.url, runPath(textModel().id), { json })).text).toBe((await send(clean.url, runPath(textModel().id), { json })).text);
      } finally {
        await quiet.close();
      }
    } finally {
      await faulty.close();
    }
  });

  it('rate-limit and server-error leave the catalogue alone', async () => {
    const faulty = await start({ faults: ['server-error', 'rate-limit=1'] });
    try {
      expect((await send(faulty.url, api('models/search'))).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });

  it('response faults apply to the /ai/v1 answers too', async () => {
    const faulty = await start({ faults: ['wrong-content-type'] });
    try {
      const chat = await send(faulty.url, api('v1/chat/completions'), { json: { model: textModel().id, messages: [{ role: 'user', content: 'hi' }] } });
      expect(chat.headers['content-type']).toContain('text/plain');
    } finally {
      await faulty.close();
    }
  });
});

