/**
 * @module A seeded battery of hostile requests against a running emulator, and the judge of its answers:
 * malformed bodies, structural mutations of valid inputs for every catalogue model, transport abuse on
 * raw sockets, auth variants and amplification attempts. Shared by the fuzz test in `npm test` (a few
 * thousand requests) and bench/hostile.bench.ts (100,000). Generation is fast-check (`fc.sample` with a
 * seed), so a failing case is reproduced by its seed and index.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Agent, request } from 'undici';
import type { Contract } from '../../src/contract/contract.js';
import type { ModelEntry } from '../../src/contract/types.js';
import { inputFor } from '../unit/emulator/model-inputs.js';

export type CaseKind = 'malformed' | 'mutation' | 'transport' | 'auth' | 'amplification';

/** One hostile request: an HTTP request (method, path, headers, body) or raw bytes for a socket. */
export interface HostileCase {
  kind: CaseKind;
  label: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  raw?: Buffer;
  /** For auth cases: whether the credential is one the server must accept. */
  acceptable?: boolean;
}

/** What came back. `status` 0: no answer (the server closed the connection, as it may for a raw abuse). */
export interface Outcome {
  case: HostileCase;
  status: number;
  contentType: string | undefined;
  body: Buffer;
  ms: number;
  hang: boolean;
}

export interface BatteryOptions {
  /** The emulator's root, `http://HOST:PORT`. */
  url: string;
  /** The token the emulator is pinned to (`--token`); it must never appear in an answer. */
  token: string;
  contract: Contract;
  seed: number;
  requests: number;
  /** Requests in flight (default 8). */
  concurrency?: number;
  /** No answer within this long is a hang (default 10 s). */
  hangMs?: number;
  /** Pause between probe requests (default 50 ms). */
  probeEveryMs?: number;
  /** Called with each outcome (after it is judged). */
  onOutcome?: (outcome: Outcome) => void;
  /** The server's resident set size in bytes (default: this process's, for an in-process emulator). */
  rss?: () => number;
  /** Mutate every catalogue model's input (default: one model per task, the amplification models too). */
  everyModel?: boolean;
}

export interface BatteryReport {
  requests: number;
  byKind: Record<CaseKind, number>;
  serverErrors: number;
  hangs: number;
  violations: string[];
  probe: { count: number; p50: number; p99: number; max: number; failures: number };
  eventLoopDelayMaxMs: number;
  rss: { before: number; peak: number; after: number };
  durationMs: number;
}

const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
/** Cases drawn at a time. */
const BATCH = 1_000;
const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const enc = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));
const runPath = (model: string): string => `/client/v4/accounts/${ACCOUNT}/ai/run/${model}`;
const v1Path = (endpoint: string): string => `/client/v4/accounts/${ACCOUNT}/ai/v1/${endpoint}`;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every JSON pointer of a value (as token lists), the root included, at most `limit`. */
function paths(value: unknown, limit = 200): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (out.length >= limit) return;
    out.push(at);
    if (Array.isArray(node)) node.slice(0, 8).forEach((item, i) => walk(item, [...at, i]));
    else if (isObject(node)) for (const [key, item] of Object.entries(node)) walk(item, [...at, key]);
  };
  walk(value, []);
  return out;
}

/** A deep copy of `value` with `fn` applied to the member at `at` (the root when `at` is empty). */
function mutateAt(value: unknown, at: (string | number)[], fn: (old: unknown) => unknown | typeof DELETE): unknown {
  if (at.length === 0) {
    const next = fn(value);
    return next === DELETE ? {} : next;
  }
  const copy = structuredClone(value) as Obj;
  let parent: Obj = copy;
  for (const token of at.slice(0, -1)) parent = parent[token as string] as Obj;
  const key = at.at(-1)!;
  const next = fn(parent[key as string]);
  if (next === DELETE) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else parent[key as string] = next;
  return copy;
}
const DELETE = Symbol('delete');

/** Replacement values that break types and bounds. */
const hostileValue: fc.Arbitrary<(old: unknown) => unknown> = fc.oneof(
  fc.constant(() => DELETE),
  fc.constant(() => null),
  fc.jsonValue({ maxDepth: 3 }).map((v) => () => v),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53 + 1, 1e308, -1e308, 'NaN', '', ' ', '\u0000', '\ud800', true).map((v) => () => v),
  fc.integer({ min: 1_000, max: 50_000 }).map((n) => () => 'x'.repeat(n)),
  fc.constant((old: unknown) => [old]),
  fc.constant((old: unknown) => ({ value: old })),
  fc.integer({ min: 2, max: 60 }).map((n) => (old: unknown) => (Array.isArray(old) ? Array.from({ length: n }, (_, i) => old[i % Math.max(1, old.length)] ?? null) : old)),
  fc.constant((old: unknown) => (typeof old === 'number' ? String(old) : typeof old === 'string' ? old.length : old)),
);

/** Models whose inputs the amplification cases use: always among those mutated. */
const NAMED_MODELS = new Set([LLAMA, '@cf/baai/bge-base-en-v1.5', '@cf/deepgram/aura-1', '@cf/myshell-ai/melotts', '@cf/leonardo/lucid-origin']);

/**
 * Valid inputs, computed once: what mutations start from. Every catalogue model, or (`perTask`) the first
 * model of each task plus the named ones: each model's validators compile on first use, which dominates
 * a short battery.
 */
function validBodies(contract: Contract, perTask: boolean): { model: ModelEntry; input: Obj; raw?: Uint8Array; rawType?: string }[] {
  const seen = new Set<string>();
  const models = [...contract.models.values()].filter((m) => {
    if (!perTask || NAMED_MODELS.has(m.id)) return true;
    if (seen.has(m.task)) return false;
    seen.add(m.task);
    return true;
  });
  return models.map((model) => {
    const { input, rawBody } = inputFor(contract, model);
    const rawType = model.facts.rawInput?.[0];
    return rawBody && rawType ? { model, input, raw: rawBody, rawType } : { model, input };
  });
}

function jsonCase(kind: CaseKind, label: string, path: string, body: unknown, headers: Record<string, string>): HostileCase {
  return { kind, label, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: enc(JSON.stringify(body)) };
}

function rawRequest(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

/** The arbitrary of one hostile case; `everyModel` mutates every catalogue model's input (else one model per task). */
export function hostileCases(contract: Contract, token: string, everyModel = false): fc.Arbitrary<HostileCase> {
  const auth = { authorization: `Bearer ${token}` };
  const bodies = validBodies(contract, !everyModel);
  const valid = fc.constantFrom(...bodies);
  const model = fc.constantFrom(...bodies.map((b) => b.model.id));

  const malformed = fc.oneof(
    fc.tuple(model, fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('application/json', 'text/plain', '', 'application/octet-stream', 'image/png', 'audio/wav', 'multipart/form-data', 'text/html')).map(
      ([id, bytes, type]): HostileCase => ({ kind: 'malformed', label: `random bytes as ${type || 'no type'}`, method: 'POST', path: runPath(id), headers: type ? { ...auth, 'content-type': type } : { ...auth }, body: bytes }),
    ),
    fc.tuple(valid, fc.nat()).map(([b, cut]): HostileCase => {
      const text = JSON.stringify(b.input);
      return { kind: 'malformed', label: 'truncated JSON', method: 'POST', path: runPath(b.model.id), headers: { ...auth, 'content-type': 'application/json' }, body: enc(text.slice(0, cut % Math.max(1, text.length))) };
    }),
    fc.tuple(model, fc.integer({ min: 100, max: 40_000 }), fc.boolean()).map(([id, depth, arrays]): HostileCase => {
      const text = arrays ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return { kind: 'malformed', label: `nested ${arrays ? 'arrays' : 'objects'} ×${depth}`, method: 'POST', path: runPath(id), headers: { ...auth, 'content-type': 'application/json' }, body: enc(text) };
    }),
    fc.tuple(model, fc.constantFrom('\ufeff{"prompt":"hi"}', '{"prompt":"hi","prompt":7}', '{"prompt":1e999}', '{"prompt":"\\ud800"}', 'null', '[]', '"text"', '{"__proto__":{"x":1},"prompt":"hi"}', '{"constructor":{"prototype":{}}}', '{}', '')).map(
      ([id, text]): HostileCase => ({ kind: 'malformed', label: `odd JSON ${text.slice(0, 20)}`, method: 'POST', path: runPath(id), headers: { ...auth, 'content-type': 'application/json' }, body: enc(text) }),
    ),
    fc.tuple(fc.constantFrom('chat/completions', 'completions', 'embeddings', 'responses'), fc.json({ maxDepth: 3 })).map(
      ([endpoint, text]): HostileCase => ({ kind: 'malformed', label: `random JSON to /ai/v1/${endpoint}`, method: 'POST', path: v1Path(endpoint), headers: { ...auth, 'content-type': 'application/json' }, body: enc(text) }),
    ),
  );

  const mutation = fc.tuple(valid, fc.nat(), hostileValue, fc.boolean()).map(([b, pick, fn, v1]): HostileCase => {
    const at = paths(b.input);
    const mutated = mutateAt(b.input, at[pick % at.length]!, fn);
    if (v1 && b.model.task === 'text-generation') {
      return jsonCase('mutation', 'mutated chat completion', v1Path('chat/completions'), { model: b.model.id, ...(isObject(mutated) ? mutated : { messages: mutated }) }, auth);
    }
    if (b.raw && pick % 5 === 0) {
      // A raw media body, cut or bit-flipped.
      const bytes = Buffer.from(b.raw);
      if (pick % 2 === 0) bytes[pick % bytes.length] = bytes[pick % bytes.length]! ^ 0xff;
      return { kind: 'mutation', label: `mutated raw ${b.rawType}`, method: 'POST', path: runPath(b.model.id), headers: { ...auth, 'content-type': b.rawType! }, body: bytes.subarray(0, pick % 3 === 0 ? bytes.length >> 1 : bytes.length) };
    }
    return jsonCase('mutation', `mutated ${b.model.task} input`, runPath(b.model.id), mutated, auth);
  });

  const host = 'host: 127.0.0.1';
  const authLine = `authorization: Bearer ${token}`;
  const small = JSON.stringify({ prompt: 'hi' });
  const transport = fc.oneof(
    fc.constant<HostileCase>({ kind: 'transport', label: 'no Host', raw: rawRequest([`POST ${runPath(LLAMA)} HTTP/1.1`, authLine, `content-length: ${small.length}`, 'connection: close'], small) }),
    fc.constant<HostileCase>({ kind: 'transport', label: 'Content-Length with Transfer-Encoding', raw: rawRequest([`POST ${runPath(LLAMA)} HTTP/1.1`, host, authLine, 'content-length: 3', 'transfer-encoding: chunked'], '3\r\nabc\r\n0\r\n\r\n') }),
    fc.integer({ min: 17, max: 120 }).map((kb): HostileCase => ({ kind: 'transport', label: `${kb} KB header`, raw: rawRequest([`GET /client/v4/accounts/${ACCOUNT}/ai/models/search HTTP/1.1`, host, authLine, `x-big: ${'a'.repeat(kb * 1024)}`, 'connection: close']) })),
    fc.integer({ min: 20, max: 120 }).map((kb): HostileCase => ({ kind: 'transport', label: `${kb} KB URL`, raw: rawRequest([`GET /client/v4/accounts/${ACCOUNT}/ai/models/search?q=${'a'.repeat(kb * 1024)} HTTP/1.1`, host, authLine, 'connection: close']) })),
    fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes): HostileCase => ({ kind: 'transport', label: 'garbage bytes', raw: Buffer.from(bytes) })),
    fc.constant<HostileCase>({ kind: 'transport', label: 'absolute-form target', raw: rawRequest([`POST http://127.0.0.1${runPath(LLAMA)} HTTP/1.1`, host, authLine, 'content-type: application/json', `content-length: ${small.length}`, 'connection: close'], small) }),
    fc.constant<HostileCase>({ kind: 'transport', label: 'pipelined pair', raw: Buffer.concat([rawRequest([`POST ${runPath(LLAMA)} HTTP/1.1`, host, authLine, `content-length: ${small.length}`], small), rawRequest([`GET /client/v4/accounts/${ACCOUNT}/ai/models/search HTTP/1.1`, host, authLine, 'connection: close'])]) }),
    fc.constant<HostileCase>({ kind: 'transport', label: 'bad chunk size', raw: rawRequest([`POST ${runPath(LLAMA)} HTTP/1.1`, host, authLine, 'transfer-encoding: chunked'], 'zz\r\nabc\r\n0\r\n\r\n') }),
    fc.constant<HostileCase>({ kind: 'transport', label: 'HTTP/1.0 without Host', raw: rawRequest([`POST ${runPath(LLAMA)} HTTP/1.0`, authLine, `content-length: ${small.length}`], small) }),
    fc.integer({ min: 100, max: 2000 }).map((n): HostileCase => ({ kind: 'transport', label: `${n} headers`, raw: rawRequest([`GET /client/v4/accounts/${ACCOUNT}/ai/models/search HTTP/1.1`, host, authLine, ...Array.from({ length: n }, (_, i) => `x-h${i}: v`), 'connection: close']) })),
    fc.constantFrom('FOO', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT').map((method): HostileCase => ({ kind: 'transport', label: `method ${method}`, raw: rawRequest([`${method} ${runPath(LLAMA)} HTTP/1.1`, host, authLine, 'connection: close']) })),
    fc.constantFrom('gzip', 'br', 'zstd', 'gzip, gzip, gzip', 'deflate').chain((coding) =>
      fc.constantFrom('valid', 'broken', 'bomb').map((what): HostileCase => {
        const plain = Buffer.from(small);
        const encoded = coding === 'br' ? brotliCompressSync(plain) : gzipSync(plain);
        const body = what === 'bomb' ? gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20)) : what === 'broken' ? plain : encoded;
        return { kind: 'transport', label: `${what} body in ${coding}`, method: 'POST', path: runPath(LLAMA), headers: { ...auth, 'content-type': 'application/json', 'content-encoding': coding }, body };
      }),
    ),
  );

  const authCase = fc
    .constantFrom<[string, Record<string, string>, boolean]>(
      ['none', {}, false],
      ['Bearer alone', { authorization: 'Bearer' }, false],
      ['two spaces', { authorization: `Bearer  ${token}` }, true],
      ['lower-case scheme', { authorization: `bearer ${token}` }, true],
      ['no-break space before', { authorization: `Bearer \u00a0${token}` }, false],
      ['no-break space after', { authorization: `Bearer ${token}\u00a0` }, false],
      ['tab', { authorization: `Bearer\t${token}` }, false],
      ['Basic', { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }, false],
      ['wrong token', { authorization: 'Bearer wrong-token' }, false],
      ['token prefix', { authorization: `Bearer ${token.slice(0, -1)}` }, false],
      ['token suffix', { authorization: `Bearer ${token}x` }, false],
      ['global key', { 'x-auth-email': 'a@example.com', 'x-auth-key': token }, false],
      ['email only', { 'x-auth-email': 'a@example.com' }, false],
    )
    .chain(([label, headers, acceptable]) =>
      fc.constantFrom(runPath(LLAMA), v1Path('chat/completions'), `/v1/${ACCOUNT}/gw/workers-ai/${LLAMA}`).map((path): HostileCase => ({
        kind: 'auth',
        label: `auth: ${label}`,
        method: 'POST',
        path,
        headers: { ...headers, 'content-type': 'application/json' },
        body: enc(JSON.stringify(path.includes('/ai/v1/') ? { model: LLAMA, messages: [{ role: 'user', content: 'hi' }] } : { prompt: 'hi' })),
        acceptable,
      })),
    );

  const amplification = fc.oneof(
    fc.tuple(fc.constantFrom('@cf/deepgram/aura-1', '@cf/deepgram/aura-2-en', '@cf/deepgram/aura-2-es', '@cf/myshell-ai/melotts'), fc.integer({ min: 1_000, max: 1_000_000 })).map(([id, n]) =>
      jsonCase('amplification', `TTS ${n} characters`, runPath(id), id.includes('melotts') ? { prompt: 'word '.repeat(n / 5) } : { text: 'word '.repeat(n / 5) }, auth),
    ),
    fc.tuple(fc.integer({ min: 1_000, max: 10_000_000 }), fc.constantFrom('string', 'array', 'object')).map(([n, type]) => {
      const schema = type === 'string' ? { type, minLength: n } : type === 'array' ? { type, minItems: n, items: { type: 'integer' } } : { type, minProperties: n };
      return jsonCase('amplification', `json_schema ${type} ${n}`, runPath(LLAMA), { messages: [{ role: 'user', content: 'hi' }], max_tokens: n, response_format: { type: 'json_schema', json_schema: schema } }, auth);
    }),
    fc.integer({ min: 1_000, max: 10_000_000 }).map((n) =>
      jsonCase('amplification', `tool minItems ${n}`, runPath(LLAMA), { messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', description: 'd', parameters: { type: 'object', required: ['a'], properties: { a: { type: 'array', description: 'x', minItems: n, items: { type: 'integer' } } } } }] }, auth),
    ),
    fc.integer({ min: 100, max: 30_000 }).map((n) => jsonCase('amplification', `embeddings ×${n}`, v1Path('embeddings'), { model: '@cf/baai/bge-base-en-v1.5', input: Array.from({ length: n }, (_, i) => `text ${i}`) }, auth)),
    fc.tuple(fc.constantFrom('@cf/pfnet/plamo-embedding-1b', '@cf/baai/bge-m3'), fc.integer({ min: 100, max: 200_000 })).map(([id, n]) => jsonCase('amplification', `/ai/run ${id} text ×${n}`, runPath(id), { text: Array.from({ length: n }, () => 'a') }, auth)),
    fc.integer({ min: 100, max: 5_000 }).map((n) => jsonCase('amplification', `completions ×${n}`, v1Path('completions'), { model: LLAMA, prompt: Array.from({ length: n }, () => 'hi') }, auth)),
    fc.integer({ min: 500, max: 6_000 }).map((n) => jsonCase('amplification', `${n} messages of content 7`, runPath(LLAMA), { messages: Array.from({ length: n }, () => ({ role: 'user', content: 7 })) }, auth)),
    fc.integer({ min: 1, max: 2 ** 31 }).map((n) => jsonCase('amplification', `max_tokens ${n}`, runPath(LLAMA), { prompt: 'hi', max_tokens: n }, auth)),
    fc.integer({ min: 2_000, max: 100_000 }).map((n) => jsonCase('amplification', `image width ${n}`, runPath('@cf/leonardo/lucid-origin'), { prompt: 'a cat', width: n, height: 256 }, auth)),
    fc.constant(jsonCase('amplification', 'branching $ref cycle', runPath(LLAMA), { messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { $defs: { a: { anyOf: [{ $ref: '#/$defs/a' }, { $ref: '#/$defs/a' }] } }, $ref: '#/$defs/a' } } }, auth)),
    fc.constant(jsonCase('amplification', 'backtracking pattern', runPath(LLAMA), { messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { type: 'string', minLength: 60, pattern: '^(a+)+$' } } }, auth)),
  );

  return fc.oneof(
    { arbitrary: malformed, weight: 25 },
    { arbitrary: mutation, weight: 40 },
    { arbitrary: transport, weight: 10 },
    { arbitrary: authCase, weight: 15 },
    { arbitrary: amplification, weight: 10 },
  );
}

/** Sends raw bytes on a fresh socket; reads until the server closes or `hangMs` passes. */
function rawExchange(port: number, bytes: Buffer, hangMs: number): Promise<{ text: Buffer; hang: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (hang: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks), hang });
    };
    const timer = setTimeout(() => done(true), hangMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    socket.on('connect', () => socket.end(bytes));
  });
}

/** The first answer of a raw exchange: status, content type, body. */
function parseRaw(text: Buffer): { status: number; contentType: string | undefined; body: Buffer } {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, contentType: undefined, body: Buffer.alloc(0) };
  const head = text.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(head[0]!.split(' ')[1]);
  const header = (name: string): string | undefined => head.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const length = Number(header('content-length') ?? NaN);
  const rest = text.subarray(end + 4);
  return { status, contentType: header('content-type'), body: Number.isFinite(length) ? rest.subarray(0, length) : rest };
}

const STACK = /\n\s+at [^\n]+\(?(?:file:|\/)[^\n]*:\d+:\d+/;

/** What is wrong with one outcome (empty when nothing is). */
export function judge(outcome: Outcome, token: string): string[] {
  const problems: string[] = [];
  const { status, contentType, body } = outcome;
  const label = `${outcome.case.kind} "${outcome.case.label}"`;
  if (outcome.hang) return [`${label}: no answer (hang)`];
  const text = body.toString('utf8');
  if (text.includes(token)) problems.push(`${label}: the token appears in the answer`);
  if (STACK.test(text) || text.includes(process.cwd())) problems.push(`${label}: a stack trace or a path in the answer`);
  if (status === 0) return problems; // the server closed without answering (a raw abuse it may drop)
  if (status >= 500) problems.push(`${label}: ${status} for a client fault: ${text.slice(0, 200)}`);
  const head = outcome.case.method === 'HEAD';
  if (!head && body.length === 0) problems.push(`${label}: ${status} with an empty body`);
  if (!contentType) problems.push(`${label}: ${status} without a content type`);
  if (status >= 400 && contentType) {
    if (contentType.startsWith('text/html')) {
      if (![400, 408, 414, 431].includes(status) || !text.includes('cloudflare')) problems.push(`${label}: an HTML ${status} that is not an edge page`);
    } else if (contentType.startsWith('application/json')) {
      let envelope: unknown;
      try {
        envelope = JSON.parse(text);
      } catch {
        problems.push(`${label}: ${status} JSON that does not parse`);
      }
      const e = envelope as { success?: unknown; errors?: unknown; error?: unknown } | undefined;
      const v4 = e && e.success === false && Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isObject(x) && typeof x.code === 'number' && typeof x.message === 'string');
      const catalogNotFound = e && e.success === false && typeof e.error === 'string';
      if (envelope !== undefined && !v4 && !catalogNotFound) problems.push(`${label}: ${status} outside the error envelope: ${text.slice(0, 200)}`);
      if (v4 && outcome.case.path?.includes('/ai/v1/') && !(isObject(e!.error) && typeof e!.error.message === 'string')) problems.push(`${label}: /ai/v1 error without the OpenAI error member`);
      if ((status === 401 || status === 403) && v4 && !(e!.errors as Obj[]).every((x) => x.code === 10000 || x.code === 2009)) problems.push(`${label}: ${status} without code 10000`);
    } else problems.push(`${label}: ${status} of type ${contentType}`);
  }
  if (outcome.case.kind === 'auth') {
    const accepted = status !== 401 && status !== 403;
    if (accepted !== outcome.case.acceptable) problems.push(`${label}: ${accepted ? 'accepted' : 'refused'} (${status})`);
  }
  return problems;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs the battery: `requests` seeded cases, `concurrency` at a time, with a probe request on the side. */
export async function runBattery(options: BatteryOptions): Promise<BatteryReport> {
  const { url, token, contract, seed } = options;
  const hangMs = options.hangMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const port = Number(new URL(url).port);
  const agent = new Agent({ connections: concurrency + 2, headersTimeout: hangMs, bodyTimeout: hangMs, keepAliveTimeout: 1_000 });
  const arbitrary = hostileCases(contract, token, options.everyModel ?? false);
  // Cases are drawn in batches (seed + batch index), so 100,000 of them never sit in memory at once.
  const batch = (index: number): HostileCase[] => fc.sample(arbitrary, { seed: seed + index, numRuns: Math.min(BATCH, options.requests - index * BATCH) });
  const byKind: Record<CaseKind, number> = { malformed: 0, mutation: 0, transport: 0, auth: 0, amplification: 0 };
  const violations: string[] = [];
  let serverErrors = 0;
  let hangs = 0;
  const rssOf = options.rss ?? (() => process.memoryUsage().rss);
  const rss = { before: rssOf(), peak: 0, after: 0 };
  rss.peak = rss.before;
  const sampleRss = (): void => {
    const now = rssOf();
    if (now > rss.peak) rss.peak = now;
  };
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const started = performance.now();

  const send = async (c: HostileCase): Promise<Outcome> => {
    const t0 = performance.now();
    if (c.raw) {
      const { text, hang } = await rawExchange(port, c.raw, hangMs);
      return { case: c, ...parseRaw(text), ms: performance.now() - t0, hang };
    }
    try {
      const answer = await request(`${url}${c.path}`, { method: c.method as 'POST', headers: c.headers ?? {}, body: c.body, dispatcher: agent });
      const body = Buffer.from(await answer.body.arrayBuffer());
      const type = answer.headers['content-type'];
      return { case: c, status: answer.statusCode, contentType: Array.isArray(type) ? type[0] : type, body, ms: performance.now() - t0, hang: false };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const hang = code.includes('TIMEOUT');
      return { case: c, status: 0, contentType: undefined, body: Buffer.alloc(0), ms: performance.now() - t0, hang };
    }
  };

  // The probe: a small valid request sent while the battery runs; its latency is what other clients see.
  const probeTimes: number[] = [];
  let probeFailures = 0;
  let running = true;
  const probe = (async () => {
    const body = JSON.stringify({ prompt: 'probe', max_tokens: 8 });
    while (running) {
      const t0 = performance.now();
      try {
        const answer = await request(`${url}${runPath(LLAMA)}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body, headersTimeout: hangMs, bodyTimeout: hangMs });
        await answer.body.arrayBuffer();
        if (answer.statusCode !== 200) probeFailures++;
      } catch {
        probeFailures++;
      }
      probeTimes.push(performance.now() - t0);
      sampleRss();
      await new Promise((r) => setTimeout(r, options.probeEveryMs ?? 50));
    }
  })();

  let next = 0;
  let cases: HostileCase[] = [];
  let batchStart = 0;
  const take = (): HostileCase | undefined => {
    if (next >= options.requests) return undefined;
    if (next - batchStart >= cases.length) {
      batchStart = next;
      cases = batch(Math.floor(next / BATCH));
    }
    return cases[next++ - batchStart];
  };
  const worker = async (): Promise<void> => {
    for (let c = take(); c !== undefined; c = take()) {
      byKind[c.kind]++;
      const outcome = await send(c);
      if (outcome.status >= 500) serverErrors++;
      if (outcome.hang) hangs++;
      for (const problem of judge(outcome, token)) if (violations.length < 50) violations.push(problem);
      options.onOutcome?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  running = false;
  await probe;
  loop.disable();
  await agent.close();
  sampleRss();
  rss.after = rssOf();
  const sorted = [...probeTimes].sort((a, b) => a - b);
  return {
    requests: next,
    byKind,
    serverErrors,
    hangs,
    violations,
    probe: { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0, failures: probeFailures },
    eventLoopDelayMaxMs: loop.max / 1e6,
    rss,
    durationMs: performance.now() - started,
  };
}
