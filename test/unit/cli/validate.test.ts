import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const dir = mkdtempSync(join(tmpdir(), 'wai-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A minimal real PNG (1×1), built here so the test owns its bytes. */
function tinyPng(): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('wai-conformance validate', () => {
  it('accepts a valid input and exits 0', async () => {
    const result = await runCli(['validate', '--model', LLAMA, '--part', 'input', file('in.json', '{"prompt":"Where is New York?","max_tokens":64}')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid:/);
  });

  it('reports each error on its own line with pointer, expected and found, exit 1', async () => {
    const result = await runCli(['validate', '--model', LLAMA, '--part', 'input', '-'], '{"prompt":"hi","max_tokens":0,"temperature":"hot"}');
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain('/max_tokens: expected >= 1, found 0 (minimum)');
    expect(lines.some((l) => l.startsWith('/temperature: expected type number, found string "hot"'))).toBe(true);
  });

  it('validates a whole success envelope, pointing into result', async () => {
    const good = { result: { response: 'New York is in the USA.', usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }, success: true, errors: [], messages: [] };
    expect((await runCli(['validate', '--model', LLAMA, '-'], JSON.stringify(good))).code).toBe(0);
    const bad = { ...good, result: { response: 42 } };
    const result = await runCli(['validate', '--model', LLAMA, '--part', 'response', '-'], JSON.stringify(bad));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\/result\/response: expected type/m);
  });

  it('validates an error envelope (success false needs errors)', async () => {
    const good = { result: null, success: false, errors: [{ code: 5007, message: 'No such model @cf/x/y or task' }], messages: [] };
    expect((await runCli(['validate', '--model', LLAMA, '-'], JSON.stringify(good))).code).toBe(0);
    const bad = { result: null, success: false, errors: [], messages: [] };
    expect((await runCli(['validate', '--model', LLAMA, '-'], JSON.stringify(bad))).code).toBe(1);
  });

  it('judges a binary answer by its bytes and content type', async () => {
    const png = file('image.png', tinyPng());
    const sdxl = '@cf/stabilityai/stable-diffusion-xl-base-1.0';
    expect((await runCli(['validate', '--model', sdxl, '--content-type', 'image/png', png])).code).toBe(0);
    const wrongType = await runCli(['validate', '--model', sdxl, '--content-type', 'audio/mpeg', png]);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stdout).toMatch(/expected Content-Type image\/png, found Content-Type audio\/mpeg/);
    const notPng = await runCli(['validate', '--model', sdxl, '--content-type', 'image/png', file('fake.png', 'GIF89a....')]);
    expect(notPng.code).toBe(1);
    expect(notPng.stdout).toMatch(/expected image\/png bytes/);
  });

  it('exits 2 for an unknown model, an unreadable file, non-JSON, a bad --part', async () => {
    const unknown = await runCli(['validate', '--model', '@cf/nope/nope', '-'], '{}');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown model "@cf\/nope\/nope"/);
    const missing = await runCli(['validate', '--model', LLAMA, join(dir, 'absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*absent\.json: ENOENT/);
    const notJson = await runCli(['validate', '--model', LLAMA, '--part', 'input', '-'], 'prompt=hi');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not JSON/);
    expect((await runCli(['validate', '--model', LLAMA, '--part', 'body', '-'], '{}')).code).toBe(2);
    expect((await runCli(['validate', '--modle', LLAMA], '{}')).code).toBe(2);
  });
});

describe('wai-conformance models', () => {
  it('lists every model with task, status and source, and prints the counts', async () => {
    const result = await runCli(['models']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^@cf\/openai\/whisper\s+automatic-speech-recognition\s+active\s+workers-types$/m);
    expect(result.stdout).toMatch(/^@hf\/thebloke\/llamaguard-7b-awq\s+text-generation\s+deprecated 2025-10-01\s+overlay$/m);
    expect(result.stdout).toMatch(/^@cf\/openai\/whisper-tiny-en\s+automatic-speech-recognition\s+beta\s+workers-types$/m);
    expect(result.stdout).toMatch(/^\d+ models in 12 tasks: 99 from @cloudflare\/workers-types@/m);
    expect(result.stdout).toMatch(/^status: \d+ active, 6 beta, \d+ deprecated/m);
    expect(result.stdout).toMatch(/^\d+ partner models of the unified catalogue \(POST \/ai\/run with \{model, input\}/m);
    expect(result.stdout).toMatch(/^inworld\/tts-1\.5-mini\s+text-to-speech\s+active\s+partner \(cloudflare-docs /m);
  });

  it('--json prints {id, task, source, status} objects, with deprecationDate where documented', async () => {
    const result = await runCli(['models', '--json']);
    const models = JSON.parse(result.stdout) as { id: string; task: string; source: string; status: string }[];
    expect(models.length).toBeGreaterThanOrEqual(100);
    expect(Object.keys(models[0]!).sort()).toEqual(['id', 'source', 'status', 'task']);
    expect(models.find((m) => m.id === '@cf/facebook/detr-resnet-50')).toEqual({ id: '@cf/facebook/detr-resnet-50', task: 'object-detection', source: 'overlay', status: 'beta' });
    expect(models.find((m) => m.id === '@cf/meta/llama-3.1-70b-instruct')).toEqual({ id: '@cf/meta/llama-3.1-70b-instruct', task: 'text-generation', source: 'overlay', status: 'deprecated', deprecationDate: '2026-05-30' });
    expect(models.find((m) => m.id === '@cf/deepseek-ai/deepseek-math-7b-base')?.status).toBe('deprecated');
    expect(models.find((m) => m.id === 'google/veo-3.1-fast')).toEqual({ id: 'google/veo-3.1-fast', task: 'text-to-video', source: 'partner', status: 'active' });
  });
});

describe('wai-conformance', () => {
  it('exits 2 for an unknown command and 0 for --help', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate --model ID/);
  });
});
