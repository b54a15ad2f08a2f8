/**
 * @module Produces the foreign HAR fixtures `judge` and `mock --replay` are tested on, by driving real tools
 * against the emulator (never written by hand):
 *   fixtures/har/chromium.har   headless Debian Chromium (playwright-core's recordHar, fed by Chromium's
 *                               network events) fetching from pages at https://api.cloudflare.com and
 *                               https://gateway.ai.cloudflare.com
 *   fixtures/har/mitmproxy.har  mitmproxy (Debian's 8.1, its contrib har_dump.py addon, the code mitmproxy
 *                               10.1 ships as `savehar`), the proxy Chromium went through
 * Chromium uses mitmproxy as its proxy (TLS intercepted, certificate errors ignored); mitmproxy sends every
 * flow to the emulator on 127.0.0.1 (scripts/mitm-to-emulator.py), so both files record the real API's
 * URLs while nothing leaves the machine. Needs /usr/bin/chromium and mitmdump (apt-get install chromium
 * mitmproxy). Run: npx tsx scripts/record-foreign-hars.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmulator } from '../src/emulator/index.js';

const OUT = resolve('fixtures/har');
const HAR_DUMP = '/usr/share/doc/mitmproxy/examples/contrib/har_dump.py';
const ACCOUNT = '0123456789abcdef0123456789abcdef';
/** Made up for the fixtures: the local emulator accepts it, nothing else does. */
const TOKEN = 'wai-fixture-token-not-a-secret';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A free port on 127.0.0.1 (mitmproxy needs one named). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The requests a Workers AI user's page might make: every kind `judge` groups, and one that is not Workers AI. */
const API = `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/ai`;
const GATEWAY = `https://gateway.ai.cloudflare.com/v1/${ACCOUNT}/fixtures/workers-ai`;
const CALLS: { origin: string; url: string; method: 'GET' | 'POST'; body?: unknown }[] = [
  { origin: 'https://api.cloudflare.com', url: `${API}/run/@cf/meta/llama-3.1-8b-instruct`, method: 'POST', body: { messages: [{ role: 'user', content: 'Where is New York?' }], max_tokens: 24 } },
  { origin: 'https://api.cloudflare.com', url: `${API}/run/%40cf%2Fmeta%2Fllama-3.1-8b-instruct`, method: 'POST', body: { prompt: 'Tell me a story', max_tokens: 16, stream: true } },
  { origin: 'https://api.cloudflare.com', url: `${API}/run/@cf/meta/llama-3.1-8b-instruct`, method: 'POST', body: { prompt: 'x', max_tokens: 0 } },
  { origin: 'https://api.cloudflare.com', url: `${API}/run/@cf/baai/bge-base-en-v1.5`, method: 'POST', body: { text: ['a cat', 'a dog'] } },
  { origin: 'https://api.cloudflare.com', url: `${API}/run/@cf/lykon/dreamshaper-8-lcm`, method: 'POST', body: { prompt: 'an orange cloud', width: 256, height: 256 } },
  { origin: 'https://api.cloudflare.com', url: `${API}/run/@cf/wai-conformance/no-such-model`, method: 'POST', body: { prompt: 'Hello' } },
  { origin: 'https://api.cloudflare.com', url: `${API}/v1/chat/completions`, method: 'POST', body: { model: '@cf/meta/llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 16 } },
  { origin: 'https://api.cloudflare.com', url: `${API}/models/search?per_page=3`, method: 'GET' },
  { origin: 'https://api.cloudflare.com', url: 'https://api.cloudflare.com/client/v4/user/tokens/verify', method: 'GET' },
  { origin: 'https://gateway.ai.cloudflare.com', url: `${GATEWAY}/@cf/baai/bge-base-en-v1.5`, method: 'POST', body: { text: 'through the gateway' } },
];

async function waitFor(output: () => string, pattern: RegExp, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (pattern.test(output())) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not start: ${output()}`);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'wai-foreign-har-'));
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
  const proxyPort = await freePort();
  const mitmHar = join(work, 'mitmproxy.har');
  const mitm = spawn('mitmdump', [
    '--listen-host', '127.0.0.1', '--listen-port', String(proxyPort),
    '--set', `confdir=${join(work, 'mitmproxy')}`, '--set', 'connection_strategy=lazy',
    '-s', resolve('scripts/mitm-to-emulator.py'), '--set', `emulator_port=${new URL(emulator.url).port}`,
    '-s', HAR_DUMP, '--set', `hardump=${mitmHar}`,
  ]);
  let mitmOutput = '';
  mitm.stdout.on('data', (d: Buffer) => (mitmOutput += d));
  mitm.stderr.on('data', (d: Buffer) => (mitmOutput += d));
  const mitmDone = new Promise((r) => mitm.on('close', r));
  try {
    await waitFor(() => mitmOutput, /listening at/i, 'mitmdump');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS, proxy: { server: `http://127.0.0.1:${proxyPort}` } });
    const chromiumHar = join(work, 'chromium.har');
    const context = await browser.newContext({ ignoreHTTPSErrors: true, recordHar: { path: chromiumHar, content: 'embed' } });
    const page = await context.newPage();
    for (const origin of [...new Set(CALLS.map((c) => c.origin))]) {
      // A page of the API's own origin, so the fetches are same-origin (the API sends no CORS headers).
      await page.goto(`${origin}/`);
      for (const call of CALLS.filter((c) => c.origin === origin)) {
        await page.evaluate(
          async ({ url, method, body, token }) => {
            const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
            await response.arrayBuffer();
          },
          { url: call.url, method: call.method, body: call.body, token: TOKEN },
        );
      }
    }
    await context.close();
    await browser.close();
    mitm.kill('SIGINT');
    await mitmDone;
    mkdirSync(OUT, { recursive: true });
    for (const [name, path] of [['chromium.har', chromiumHar], ['mitmproxy.har', mitmHar]] as const) {
      // Pretty-printed as the tools wrote it (only re-indented), so diffs of regenerated fixtures read well.
      writeFileSync(join(OUT, name), `${JSON.stringify(JSON.parse(readFileSync(path, 'utf8')), null, 1)}\n`);
      process.stdout.write(`wrote ${join(OUT, name)}\n`);
    }
  } finally {
    if (mitm.exitCode === null) mitm.kill('SIGKILL');
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
