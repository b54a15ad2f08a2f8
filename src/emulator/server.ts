/**
 * @module The emulator's HTTP server: a plain node:http server (keep-alive on, no framework). Each request
 * is routed with string operations, authenticated, its body read with a size limit, and handed to the run
 * handler, the OpenAI-compatible handler or the catalogue; the answer is plain data
 * ({@link EmulatorResponse}) that faults may rewrite before it is written. Streams are written chunk by
 * chunk over time. A bug never crashes the server: the client gets a 500 envelope and stderr the stack.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Contract } from '../contract/contract.js';
import type { TaskId } from '../contract/types.js';
import { handleBinding } from './binding.js';
import { isBindingRequest } from './binding-envelope.js';
import { checkCredentials, checkGatewayCredentials, type AuthOptions } from './auth.js';
import { BatchQueue } from './batch.js';
import { DEFAULT_MAX_BODY_BYTES, readBody, readBodyThen, type BodyResult } from './body.js';
import { Catalog } from './catalog.js';
import { decodeBody } from './content-encoding.js';
import { answerParserError, edgeHeaders, edgePage, edgeRefusal, MAX_HEADER_BYTES, originForm } from './edge.js';
import { catalogNotFound, errorResponse, withOpenAiError } from './errors.js';
import { ActiveFaults, type ServedResponse } from './faults.js';
import { GatewayCache, GatewayLogs, LogIds, throughGateway } from './gateway.js';
import { hex32 } from './hex.js';
import { handlePartner } from './partner.js';
import { route, type Route } from './router.js';
import { DEFAULT_STREAM_DELAY_MS, runModel, type RunDeps } from './run-model.js';
import type { EmulatorRequest, EmulatorResponse, OpenAiHandlerContext, OutputMaker } from './types.js';
import { paced } from './v1-answers.js';
import { matchableRequest, type ReplayStore } from '../cassettes/replay.js';
import type { Operation } from '../targets/types.js';

/** The OpenAI-compatible handler's signature (src/emulator/openai.ts). */
export type OpenAiHandler = (request: EmulatorRequest, context: OpenAiHandlerContext) => EmulatorResponse | Promise<EmulatorResponse>;

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Fault specs, `NAME` or `NAME=VALUE` (see FAULTS). */
  faults?: readonly string[];
  /** Accept only `Authorization: Bearer <token>` with this token (any credential otherwise). */
  token?: string;
  /** Make the AI Gateway layout require `cf-aig-authorization: Bearer <gatewayToken>`. */
  gatewayToken?: string;
  /** Largest request body accepted (413 / 3006 past it). Default 10 MiB. */
  maxBodyBytes?: number;
  /** Pause between streamed chunks. Default 2 ms. */
  streamDelayMs?: number;
  /** Asynchronous Batch API: polls that answer "queued"/"running" before a batch's results (default 1). */
  batchReadyAfterPolls?: number;
  /** Gateway-wide cache TTL in seconds (0, the default: cache only when a request asks). */
  gatewayCacheTtlSeconds?: number;
  /** The contract (default: the package's spec/, loaded once). */
  contract?: Contract;
  /** Output makers by task (default: src/emulator/outputs). */
  outputMakers?: Partial<Record<TaskId, OutputMaker>>;
  /** The /ai/v1 handler (default: src/emulator/openai.ts). */
  openAi?: OpenAiHandler;
  /** Where emulator bugs are reported (default: stderr). */
  onError?: (error: unknown) => void;
  /** Clock of the gateway cache (tests). */
  now?: () => number;
  /** `mock --replay`: recorded answers to serve for the requests they match. */
  replay?: ReplayStore;
}

/** What the request handler needs, resolved. */
export interface EmulatorApp {
  contract: Contract;
  deps: RunDeps;
  openAi: OpenAiHandler;
  catalog: Catalog;
  auth: AuthOptions;
  gatewayToken: string | undefined;
  maxBodyBytes: number;
  gatewayCacheTtlSeconds: number;
  cache: GatewayCache;
  logIds: LogIds;
  /** What the gateway logged, for the binding's `gateway(id).getLog(logId)`. */
  gatewayLogs: GatewayLogs;
  replay: ReplayStore | undefined;
}

function reportToStderr(error: unknown): void {
  process.stderr.write(`wai-conformance mock: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
}

/** Builds the app from options whose defaults are already resolved. */
export function createApp(options: EmulatorOptions & { contract: Contract; outputMakers: Partial<Record<TaskId, OutputMaker>>; openAi: OpenAiHandler }): EmulatorApp {
  const faults = new ActiveFaults(options.faults ?? []);
  return {
    contract: options.contract,
    deps: {
      contract: options.contract,
      makers: options.outputMakers,
      faults,
      streamDelayMs: options.streamDelayMs ?? DEFAULT_STREAM_DELAY_MS,
      batch: new BatchQueue(options.batchReadyAfterPolls),
      onError: options.onError ?? reportToStderr,
    },
    openAi: options.openAi,
    catalog: new Catalog(options.contract),
    auth: options.token !== undefined ? { token: options.token } : {},
    gatewayToken: options.gatewayToken,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    gatewayCacheTtlSeconds: options.gatewayCacheTtlSeconds ?? 0,
    cache: new GatewayCache(options.now),
    logIds: new LogIds(),
    gatewayLogs: new GatewayLogs(),
    replay: options.replay,
  };
}

let rayCounter = 0;
const RAY_SUFFIX = '-EMU';

/** The next `cf-ray` value: a 16-hex-digit counter and the emulator's suffix. */
function nextRay(): string {
  return `00000000${hex32(rayCounter++ >>> 0)}${RAY_SUFFIX}`;
}

/**
 * The head of an answer as the flat `[name, value, ...]` list `res.writeHead` takes: the answer's own headers,
 * `cf-ray`, and `content-length` for a whole body (built in one pass, no intermediate objects).
 */
function headList(response: ServedResponse, contentLength: number, closeConnection: boolean): (string | number)[] {
  const list: (string | number)[] = [];
  const own = response.headers;
  let hasLength = false;
  let hasConnection = false;
  for (const name in own) {
    if (name === 'cf-ray') continue;
    if (name === 'content-length') hasLength = true;
    else if (name === 'connection') hasConnection = true;
    else list.push(name, own[name]!);
  }
  // The emulator's own values win over an answer's (a fault's) for these three.
  list.push('cf-ray', nextRay());
  if (closeConnection) list.push('connection', 'close');
  else if (hasConnection) list.push('connection', own.connection!);
  if (contentLength >= 0) list.push('content-length', contentLength);
  else if (hasLength) list.push('content-length', own['content-length']!);
  return list;
}

/**
 * Writes an answer: whole bodies at once (synchronously, when there is no fault delay), streams chunk by chunk;
 * `abort` cuts the connection after the body. Returns a promise only when something is still to be written.
 */
function writeResponse(res: ServerResponse, response: ServedResponse, delayMs: number, closeConnection = false): Promise<void> | undefined {
  if (delayMs > 0) return sleep(delayMs).then(() => writeResponse(res, response, 0, closeConnection));
  if (res.destroyed) return undefined;
  const body = response.body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const ascii = response.ascii === true && typeof body === 'string';
    res.writeHead(response.status, headList(response, typeof body !== 'string' ? body.byteLength : ascii ? body.length : Buffer.byteLength(body), closeConnection));
    if (response.abort) {
      res.write(body);
      res.socket?.destroy();
      return undefined;
    }
    if (ascii) res.end(body, 'latin1');
    else res.end(body);
    return undefined;
  }
  return writeStream(res, response, body, closeConnection);
}

/**
 * Writes a streamed answer chunk by chunk, `chunkDelayMs` apart; with no pause, every chunk at once (each its own
 * write: one chunk per event-loop turn instead cost a stream six times its bytes' time, emulator.bench.ts's mix).
 */
async function writeStream(res: ServerResponse, response: ServedResponse, body: { chunks: (string | Uint8Array)[]; chunkDelayMs?: number }, closeConnection: boolean): Promise<void> {
  res.writeHead(response.status, headList(response, -1, closeConnection));
  res.flushHeaders();
  const wait = body.chunkDelayMs ?? 0;
  for (let i = 0; i < body.chunks.length; i++) {
    if (res.destroyed) return;
    if (i > 0 && wait > 0) await sleep(wait);
    if (res.destroyed) return;
    res.write(body.chunks[i]!);
  }
  if (response.abort) {
    // Let the last chunk reach the client, then cut the connection without ending the chunked body.
    await sleep(Math.max(wait, 1));
    res.socket?.destroy();
    return;
  }
  res.end();
}

const EMPTY_QUERY = '';

/** The `model` a partner request's body names ('' when it names none): replayed answers are matched by it. */
function partnerModelOf(body: Uint8Array): string {
  try {
    const value = JSON.parse(Buffer.from(body).toString('utf8')) as { model?: unknown };
    return typeof value?.model === 'string' ? value.model : '';
  } catch {
    return '';
  }
}

function toEmulatorRequest(req: IncomingMessage, r: Route & { accountId: string }, body: Uint8Array): EmulatorRequest {
  const request: EmulatorRequest = {
    method: req.method ?? 'GET',
    headers: req.headers as Record<string, string | undefined>,
    query: new URLSearchParams(r.query === EMPTY_QUERY ? undefined : r.query),
    body,
    accountId: r.accountId,
  };
  if ('gatewayId' in r && r.gatewayId !== undefined) request.gatewayId = r.gatewayId;
  return request;
}

/** Targets whose routes are remembered, and the longest remembered (a hostile client's long or endless targets stay out). */
const ROUTE_CACHE_ENTRIES = 512;
const ROUTE_CACHE_TARGET_CHARS = 512;
const routes = new Map<string, Route>();

/**
 * {@link route}, remembered per request target: a suite sends the same few targets thousands of times, and routing one
 * cost more than looking it up. Routes are frozen: every request to a target shares its route. Bounded: the cache
 * starts over when full.
 */
function routeOf(target: string): Route {
  let r = routes.get(target);
  if (r !== undefined) return r;
  r = Object.freeze(route(target));
  if (target.length <= ROUTE_CACHE_TARGET_CHARS) {
    if (routes.size >= ROUTE_CACHE_ENTRIES) routes.clear();
    routes.set(target, r);
  }
  return r;
}

const OPENAI_PATH = /^\/client\/v4\/accounts\/[^/]+\/ai\/v1\/|^\/v1\/[^/]+\/[^/]+\/workers-ai\/v1\//;

/** True for a path under an /ai/v1 root (REST or gateway layout), whatever endpoint follows. */
function isOpenAiPath(path: string): boolean {
  return OPENAI_PATH.test(path);
}

/** Writes an answer of a routed request; error answers under /ai/v1 also carry the OpenAI-style `error` member. */
function sendRouted(res: ServerResponse, openAiPath: boolean, response: ServedResponse, delay: number, closeConnection = false): Promise<void> | undefined {
  return writeResponse(res, openAiPath && response.status >= 400 ? withOpenAiError(response) : response, delay, closeConnection);
}

/** Handles one request start to end. Rejections (and throws) are turned into 500s by the caller. */
export function handle(app: EmulatorApp, req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
  const faults = app.deps.faults;
  const delay = faults.delayMs;
  const url = req.url ?? '/';
  const refusal = edgeRefusal(url, req.httpVersion, req.headers.host);
  if (refusal !== undefined) {
    const page = edgePage(refusal);
    res.writeHead(refusal, edgeHeaders(page));
    res.end(page);
    return undefined;
  }
  const target = originForm(url);
  // The Workers binding's protocol (bare, or in Miniflare's envelope) is one more face of the same server.
  if (isBindingRequest(target, req.headers)) return handleBinding(app, req, (response, close) => writeResponse(res, response, delay, close) ?? Promise.resolve());
  const r = routeOf(target);
  // Error answers under /ai/v1 also carry the OpenAI-style `error` member OpenAI clients read.
  const openAiPath = r.kind === 'openai' || (r.kind === 'none' && isOpenAiPath(r.path));
  if (r.kind === 'none') return sendRouted(res, openAiPath, errorResponse('noRoute', { path: r.path }), delay);
  if (r.kind === 'catalog-unknown') return sendRouted(res, openAiPath, catalogNotFound(), delay);
  const method = req.method;
  if (method !== r.method && !(r.method === 'GET' && method === 'HEAD')) return sendRouted(res, openAiPath, errorResponse('noRoute', { path: r.path }), delay);
  if (app.replay) return handleReplay(app, req, res, r, openAiPath);
  return handleRouted(app, req, res, r, openAiPath, undefined);
}

/** `mock --replay`: a recorded answer stands for everything, its authentication error included. */
async function handleReplay(app: EmulatorApp, req: IncomingMessage, res: ServerResponse, r: Exclude<Route, { kind: 'none' | 'catalog-unknown' }>, openAiPath: boolean): Promise<void> {
  const delay = app.deps.faults.delayMs;
  const read = await readBody(req, app.maxBodyBytes);
  if (!read.ok) return refuseUnread(res, openAiPath, read, delay);
  const layout = r.kind === 'catalog' ? 'rest' : r.layout;
  const operation: Operation =
    r.kind === 'run' ? { kind: 'run', model: r.model } : r.kind === 'openai' ? { kind: 'openai', endpoint: r.endpoint } : r.kind === 'partner' ? { kind: 'partner', model: partnerModelOf(read.body) } : { kind: 'catalog', endpoint: r.endpoint };
  const denied = checkCredentials(req.headers, app.auth);
  const credential = denied === undefined ? 'default' : denied === 'authMissing' ? 'none' : 'invalid';
  const query = r.query === '' ? new URLSearchParams() : new URLSearchParams(r.query);
  const found = app.replay!.lookup(matchableRequest(req.method!, layout, operation, query, credential, read.body, req.headers['content-type']), app.deps.streamDelayMs);
  if (found?.kind === 'recorded') return writeResponse(res, found.answer, delay);
  if (found?.kind === 'unmatched') return sendRouted(res, openAiPath, errorResponse('replayUnmatched', { detail: found.message }), delay);
  return handleRouted(app, req, res, r, openAiPath, read.body);
}

/** Credentials, body, then the catalogue or inference (directly or through the gateway). */
function handleRouted(
  app: EmulatorApp,
  req: IncomingMessage,
  res: ServerResponse,
  r: Exclude<Route, { kind: 'none' | 'catalog-unknown' }>,
  openAiPath: boolean,
  preread: Buffer | undefined,
): Promise<void> | undefined {
  const faults = app.deps.faults;
  const delay = faults.delayMs;
  const gateway = r.kind !== 'catalog' && r.layout === 'gateway' ? r : undefined;
  if (gateway) {
    const denied = checkGatewayCredentials(req.headers, app.gatewayToken);
    if (denied) return sendRouted(res, openAiPath, errorResponse(denied), delay);
  }
  if (!faults.skipAuth) {
    const denied = checkCredentials(req.headers, app.auth);
    if (denied) return sendRouted(res, openAiPath, errorResponse(denied), delay);
  }
  if (preread) return answerBody(app, req, res, r, openAiPath, preread);
  readBodyThen(req, app.maxBodyBytes, (read) => {
    // Called from the request's `end` event: a throw or a rejection is answered here, as `handle`'s caller would.
    try {
      (read.ok ? answerBody(app, req, res, r, openAiPath, read.body) : refuseUnread(res, openAiPath, read, delay))?.catch((error: unknown) => fail(app, res, error));
    } catch (error) {
      fail(app, res, error);
    }
  });
  return undefined;
}

/** A body that could not be read: nothing to answer when the client aborted, else the too-large refusal. */
function refuseUnread(res: ServerResponse, openAiPath: boolean, read: Extract<BodyResult, { ok: false }>, delay: number): Promise<void> | undefined {
  if (read.reason === 'aborted') return undefined;
  return sendRouted(res, openAiPath, errorResponse('tooLarge'), delay, read.closeConnection);
}

/** Decodes the body (Content-Encoding) and answers: the catalogue, or inference. */
function answerBody(
  app: EmulatorApp,
  req: IncomingMessage,
  res: ServerResponse,
  r: Exclude<Route, { kind: 'none' | 'catalog-unknown' }>,
  openAiPath: boolean,
  body: Buffer,
): Promise<void> | undefined {
  const coding = req.headers['content-encoding'];
  if (coding !== undefined) {
    return decodeBody(body, coding, app.maxBodyBytes).then((decoded) => {
      const delay = app.deps.faults.delayMs;
      if (!decoded.ok) {
        if (decoded.reason === 'too-large') return sendRouted(res, openAiPath, errorResponse('tooLarge'), delay);
        if (decoded.reason === 'unsupported') return sendRouted(res, openAiPath, errorResponse('unsupportedEncoding', { coding: decoded.coding }), delay);
        return sendRouted(res, openAiPath, errorResponse('incomplete', { what: `a valid ${decoded.coding} body, as its Content-Encoding says` }), delay);
      }
      return answer(app, req, res, r, openAiPath, decoded.body);
    });
  }
  return answer(app, req, res, r, openAiPath, body);
}

/** Inference on /ai/run or /ai/v1 (either layout), or a catalogue answer. */
function answer(
  app: EmulatorApp,
  req: IncomingMessage,
  res: ServerResponse,
  r: Exclude<Route, { kind: 'none' | 'catalog-unknown' }>,
  openAiPath: boolean,
  body: Uint8Array,
): Promise<void> | undefined {
  const faults = app.deps.faults;
  const delay = faults.delayMs;
  const request = toEmulatorRequest(req, r, body);
  if (r.kind === 'catalog') return sendRouted(res, openAiPath, app.catalog.handle(r.endpoint, request.query), delay);

  const infer = (): ServedResponse | Promise<ServedResponse> => {
    const intercepted = faults.intercept();
    if (intercepted) return intercepted;
    if (r.kind === 'run') return runModel(app.deps, request, r.model, r.wellFormed);
    const pace = (a: EmulatorResponse) => paced(a, app.deps.streamDelayMs);
    const answered = r.kind === 'partner' ? handlePartner(request, app.contract) : app.openAi(request, { contract: app.contract, endpoint: r.endpoint });
    if (faults.none) return answered instanceof Promise ? answered.then(pace) : pace(answered);
    return Promise.resolve(answered).then((a) => faults.rewriteResponse(pace(a)));
  };

  if (r.layout !== 'gateway') {
    const served = infer();
    if (served instanceof Promise) return served.then((response) => sendRouted(res, openAiPath, response, delay));
    return sendRouted(res, openAiPath, served, delay);
  }
  const called = r.kind === 'run' ? `run:${r.model}` : `v1:${r.endpoint}`;
  const model = r.kind === 'run' ? r.model : '';
  const through = { headers: req.headers, accountId: r.accountId, gatewayId: r.gatewayId!, target: called, model, path: r.path, body };
  return throughGateway(app, through, async () => infer()).then((response) => sendRouted(res, openAiPath, response, delay));
}

/** Answers a request whose handling threw: a 500 envelope when nothing was sent yet, else a cut connection. */
function fail(app: EmulatorApp, res: ServerResponse, error: unknown): void {
  try {
    app.deps.onError(error);
  } catch {
    // A failing reporter must not take the server down either.
  }
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const response = errorResponse('internal');
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body as string) });
  res.end(response.body);
}

const ignore = (): void => {};

/** A node:http server serving the app. */
export function createEmulatorServer(app: EmulatorApp): Server {
  // Host is checked in `handle` (Node's own check answers an empty, typeless 400); parser errors get the edge's pages.
  const options = { keepAlive: true, keepAliveTimeout: 65_000, requestTimeout: 120_000, headersTimeout: 60_000, maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false };
  const server = createServer(options, (req, res) => {
    res.on('error', ignore);
    req.on('error', ignore);
    try {
      handle(app, req, res)?.catch((error: unknown) => fail(app, res, error));
    } catch (error) {
      fail(app, res, error);
    }
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerParserError);
  return server;
}

export interface RunningEmulator {
  /** `http://HOST:PORT` (the REST root is `${url}/client/v4`, the gateway root `${url}/v1`). */
  url: string;
  host: string;
  port: number;
  server: Server;
  /** Stops accepting, ends idle connections, cuts streams still running after a short grace. */
  close(): Promise<void>;
}

/** Listens on `host:port` and resolves once the server is ready. */
export function listen(server: Server, host: string, port: number): Promise<RunningEmulator> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        host: address.address,
        port: address.port,
        server,
        close: () => {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            const timer = setTimeout(() => server.closeAllConnections(), 200);
            timer.unref();
          });
          return closing;
        },
      });
    });
  });
}
