import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { RunningEmulator } from '../../../src/emulator/index.js';
import { originForm } from '../../../src/emulator/edge.js';
import { ACCOUNT, runPath, send, start, TOKEN, textModel } from './helpers.js';

let emu: RunningEmulator;
const MAX_BODY = 64 * 1024;
beforeAll(async () => {
  emu = await start({ token: TOKEN, maxBodyBytes: MAX_BODY });
});
afterAll(async () => {
  await emu?.close();
});

/** Writes raw bytes on a fresh socket and collects the answer until the server closes (or 2 s pass). */
function rawExchange(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(emu.port, '127.0.0.1');
    let received = '';
    const done = (): void => {
      socket.destroy();
      resolve(received);
    };
    socket.setTimeout(2000, done);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.write(bytes));
  });
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parse(raw: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: raw.slice(end + 4) };
}

const prompt = JSON.stringify({ prompt: 'hello' });
const path = (): string => runPath(textModel().id);

function post(target: string, headers: string, body = prompt): string {
  return `POST ${target} HTTP/1.1\r\n${headers}authorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** An answer the edge gives for a request the API never sees: a typed, non-empty HTML page of Cloudflare's. */
function expectEdgePage(answer: RawAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('text/html');
  expect(answer.headers.server).toBe('cloudflare');
  expect(answer.body).toContain(`<title>${status} `);
  expect(answer.body).toContain('<center>cloudflare</center>');
  expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
}

describe('requests the edge refuses get its HTML pages, never an empty typeless body', () => {
  it('no Host header on HTTP/1.1: 400', async () => {
    expectEdgePage(parse(await rawExchange(post(path(), ''))), 400);
  });

  it('a 16 KB header is served; a head past the parser limit is 431', async () => {
    const ok = parse(await rawExchange(post(path(), `host: x\r\nx-big: ${'a'.repeat(16 * 1024)}\r\n`)));
    expect(ok.status).toBe(200);
    expectEdgePage(parse(await rawExchange(post(path(), `host: x\r\nx-big: ${'a'.repeat(100 * 1024)}\r\n`))), 431);
  });

  it('a 100 KB URL: 414 (and a 40 KB one too: past the 32 KB the edge allows)', async () => {
    expectEdgePage(parse(await rawExchange(post(`${path()}?q=${'a'.repeat(100 * 1024)}`, 'host: x\r\n'))), 414);
    expectEdgePage(parse(await rawExchange(post(`${path()}?q=${'a'.repeat(40 * 1024)}`, 'host: x\r\n'))), 414);
  });

  it('Content-Length together with Transfer-Encoding: 400', async () => {
    const raw = `POST ${path()} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
    expectEdgePage(parse(await rawExchange(raw)), 400);
  });

  it('garbage instead of a request line: 400', async () => {
    expectEdgePage(parse(await rawExchange('\x16\x03\x01 not http at all\r\n\r\n')), 400);
  });
});

describe('request targets', () => {
  it('accepts the absolute form (RFC 9112 3.2.2)', async () => {
    const answer = parse(await rawExchange(post(`http://127.0.0.1:${emu.port}${path()}`, 'host: x\r\n')));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).success).toBe(true);
  });

  it('originForm strips scheme and authority only', () => {
    expect(originForm('/a/b?c')).toBe('/a/b?c');
    expect(originForm('http://h:1/a/b?c')).toBe('/a/b?c');
    expect(originForm('HTTPS://h')).toBe('/');
    expect(originForm('http://h?x=1')).toBe('/?x=1');
    expect(originForm('*')).toBe('*');
  });
});

describe('Content-Encoding', () => {
  const headers = (coding: string): Record<string, string> => ({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-encoding': coding });
  const body = Buffer.from(prompt);

  it.each([
    ['gzip', gzipSync(body)],
    ['deflate', deflateSync(body)],
    ['br', brotliCompressSync(body)],
    ['identity', body],
    ['deflate, gzip', gzipSync(deflateSync(body))],
  ])('decodes %s', async (coding, bytes) => {
    const answer = await send(emu.url, path(), { headers: headers(coding), body: bytes });
    expect(answer.status).toBe(200);
    expect(answer.json().success).toBe(true);
  });

  it('refuses a coding it does not decode with 415 in the envelope', async () => {
    const answer = await send(emu.url, path(), { headers: headers('zstd'), body });
    expect(answer.status).toBe(415);
    expect(answer.json()).toMatchObject({ success: false, errors: [{ code: 3003 }] });
  });

  it('refuses bytes that are not of their declared coding with 400 (not the raw bytes read as JSON)', async () => {
    const answer = await send(emu.url, path(), { headers: headers('gzip'), body });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ success: false, errors: [{ code: 3003 }] });
  });

  it('answers 413 to a compression bomb: decoded size bounded by the body limit', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MiB of spaces in ~64 KB
    expect(bomb.length).toBeLessThan(MAX_BODY * 2);
    const small = gzipSync(Buffer.alloc(MAX_BODY * 4, 0x20));
    expect(small.length).toBeLessThan(MAX_BODY);
    const rssBefore = process.memoryUsage().rss;
    const answer = await send(emu.url, path(), { headers: headers('gzip'), body: small });
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({ success: false, errors: [{ code: 3006 }] });
    // The bomb was never inflated whole (64 MiB decoded would show here).
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(48 * 1024 * 1024);
  });

  it('still serves OpenAI paths and the gateway with an encoded body', async () => {
    const chat = JSON.stringify({ model: textModel().id, messages: [{ role: 'user', content: 'hi' }] });
    const answer = await send(emu.url, `/client/v4/accounts/${ACCOUNT}/ai/v1/chat/completions`, { headers: headers('gzip'), body: gzipSync(chat) });
    expect(answer.status).toBe(200);
  });
});
