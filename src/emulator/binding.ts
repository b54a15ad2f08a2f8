/**
 * @module The emulator's binding face: the protocol the Workers binding class (`env.AI`) speaks to its backend,
 * answered from the same contract and the same handlers as REST. `/run` reuses the /ai/run handler and reshapes
 * its answer the way the real backend gives it: the bare result as `application/json` (exactly that type: the
 * binding parses no other), SSE and binary bodies untouched, errors as `{internalCode, name, description,
 * errors}`, `cf-ai-req-id` on every answer. The binding sends no credentials, so this face asks for none.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readBody } from './body.js';
import { convertToMarkdown, readConversionOptions, SUPPORTED_FORMATS, type MarkdownFile } from './binding-markdown.js';
import { isMiniflareSession, unwrapBindingRequest, type BindingCall } from './binding-envelope.js';
import { errorResponse } from './errors.js';
import type { ServedResponse } from './faults.js';
import { throughGateway } from './gateway.js';
import { isWellFormedModelId } from './router.js';
import { handlePartner, isFailedAnswer } from './partner.js';
import { runModel } from './run-model.js';
import type { EmulatorApp } from './server.js';
import type { EmulatorRequest } from './types.js';
import { matchableRequest } from '../cassettes/replay.js';

/** The account the binding's calls belong to (the binding names none; the gateway cache and URLs need one). */
export const BINDING_ACCOUNT_ID = 'workers-binding';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const JSON_TYPE = 'application/json';

function json(status: number, value: unknown): ServedResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(value) };
}

/** A feature the emulator does not have: 501 with a message the binding shows as the error's message. */
export function notEmulated(what: string): ServedResponse {
  return { status: 501, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `wai-conformance emulator: ${what} is not emulated` };
}

/** A failure of the gateway, AutoRAG or toMarkdown APIs: they read `errors[0].message`. */
function apiError(status: number, message: string): ServedResponse {
  return json(status, { success: false, errors: [{ code: status, message }], messages: [], result: null });
}

/**
 * The REST answer of /ai/run reshaped as the binding's backend answers: the envelope's `result` alone, errors with
 * `internalCode`/`description`/`name` (what the binding throws from) beside the v4 `errors`. Bodies a fault broke,
 * streams and binary answers are passed on as they are.
 */
export function toBindingAnswer(response: ServedResponse): ServedResponse {
  const { body } = response;
  if (typeof body !== 'string' || !response.headers['content-type']?.startsWith(JSON_TYPE)) return response;
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return response;
  }
  if (!isObject(envelope)) return response;
  const headers = { ...response.headers, 'content-type': JSON_TYPE };
  if (response.status < 300) {
    if (!('result' in envelope)) return response;
    return { ...response, headers, body: JSON.stringify(envelope.result) ?? 'null' };
  }
  const first = Array.isArray(envelope.errors) && isObject(envelope.errors[0]) ? envelope.errors[0] : undefined;
  if (!first) return response;
  const description = typeof first.message === 'string' ? first.message : '';
  return { ...response, headers, body: JSON.stringify({ internalCode: first.code, name: 'InferenceUpstreamError', description, message: description, errors: envelope.errors }) };
}

/** The model of a run: `cf-consn-model-id`, less the `<prefix>:` the binding's `prefix` option puts before it. */
function modelIdOf(call: BindingCall): string | undefined {
  const raw = call.headers['cf-consn-model-id']?.trim();
  if (!raw) return undefined;
  const colon = raw.indexOf(':');
  return colon > 0 && !raw.startsWith('@') ? raw.slice(colon + 1) : raw;
}

/** The AI Gateway headers the binding's `gateway` option stands for (as the binding itself builds them for `gateway().run`). */
export function gatewayHeaders(gateway: Obj): Record<string, string> {
  const headers: Record<string, string> = {};
  if (gateway.skipCache !== undefined) headers['cf-aig-skip-cache'] = gateway.skipCache ? 'true' : 'false';
  if (typeof gateway.cacheTtl === 'number' && gateway.cacheTtl) headers['cf-aig-cache-ttl'] = String(gateway.cacheTtl);
  if (typeof gateway.cacheKey === 'string') headers['cf-aig-cache-key'] = gateway.cacheKey;
  if (typeof gateway.eventId === 'string') headers['cf-aig-event-id'] = gateway.eventId;
  if (isObject(gateway.metadata)) headers['cf-aig-metadata'] = JSON.stringify(gateway.metadata);
  return headers;
}

type RunInputs = { ok: true; request: EmulatorRequest; options: Obj } | { ok: false; response: ServedResponse };

/** The /ai/run request a binding run stands for: JSON `{inputs, options}`, or a raw streamed input with `userInputs`. */
function runRequest(call: BindingCall, body: Uint8Array): RunInputs {
  const contentType = call.headers['content-type'];
  const base = { method: 'POST', query: new URLSearchParams(), accountId: BINDING_ACCOUNT_ID };
  if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() === JSON_TYPE) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch (error) {
      return { ok: false, response: errorResponse('incomplete', { what: `a valid JSON body {inputs, options} (${(error as Error).message})` }) };
    }
    if (!isObject(parsed) || !isObject(parsed.inputs)) return { ok: false, response: errorResponse('incomplete', { what: 'a JSON body {inputs, options} whose inputs is an object' }) };
    const options = isObject(parsed.options) ? parsed.options : {};
    return { ok: true, request: { ...base, headers: { 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(parsed.inputs)) }, options };
  }
  // A streamed input: the raw body, the other inputs as JSON in `userInputs`, the options as query parameters.
  const query = call.url.searchParams;
  let extraInputs: unknown = {};
  try {
    extraInputs = JSON.parse(query.get('userInputs') ?? '{}');
  } catch (error) {
    return { ok: false, response: errorResponse('incomplete', { what: `userInputs as a JSON object (${(error as Error).message})` }) };
  }
  const options: Obj = {};
  for (const [key, value] of query) if (key !== 'version' && key !== 'userInputs') options[key] = value;
  const request: EmulatorRequest = { ...base, headers: contentType === undefined ? {} : { 'content-type': contentType }, body };
  if (isObject(extraInputs)) request.extraInputs = extraInputs;
  return { ok: true, request, options };
}

/**
 * `mock --replay`: a binding run replays like the REST request it stands for (same model, same inputs; through
 * /ai-gateway/run, the gateway layout's), its recorded REST answer reshaped the binding's way by the caller.
 * The binding sends no credentials: it stands for a request that carries the account's.
 */
function replayRun(app: EmulatorApp, call: BindingCall, model: string, request: EmulatorRequest): ServedResponse | undefined {
  if (!app.replay) return undefined;
  const layout = call.url.pathname === '/ai-gateway/run' ? 'gateway' : 'rest';
  const found = app.replay.lookup(matchableRequest('POST', layout, { kind: 'run', model }, new URLSearchParams(), 'default', request.body, request.headers['content-type']), app.deps.streamDelayMs);
  if (!found) return undefined;
  if (found.kind === 'unmatched') return errorResponse('replayUnmatched', { detail: found.message });
  const { body } = found.answer;
  // toBindingAnswer reshapes JSON text; recorded JSON is valid UTF-8 (cassettes keep it as text).
  const json = body instanceof Uint8Array && (found.answer.headers['content-type'] ?? '').toLowerCase().startsWith(JSON_TYPE);
  return { ...found.answer, body: json ? Buffer.from(body).toString('utf8') : body };
}

/**
 * `env.AI.run("author/model", input)` for a partner model of the unified catalogue: answered as POST /ai/run with
 * `{model, input}` answers it, and handed to the binding whole: the catalogue prints `console.log(response)` beside the
 * raw_response `{state, result, gatewayMetadata}`, and cloudflare/ai#559's reporter got `{state: "Failed", error}`
 * back from env.AI.run, so a refusal is answered 200 (the binding resolves to it) instead of REST's 400. The v4
 * errors (a body that is not JSON) are reshaped as for any model.
 */
function partnerRun(app: EmulatorApp, modelId: string, request: EmulatorRequest): ServedResponse {
  if (request.headers['content-type'] !== JSON_TYPE) return toBindingAnswer(errorResponse('incomplete', { what: `a JSON input for ${modelId}` }));
  const body = Buffer.from(`{"model":${JSON.stringify(modelId)},"input":${Buffer.from(request.body).toString('utf8')}}`);
  const answer = app.deps.faults.intercept() ?? handlePartner({ ...request, body }, app.contract);
  if (typeof answer.body === 'string' && answer.status === 400 && isFailedAnswer(answer.body)) return { ...answer, status: 200 };
  return answer.status < 300 ? answer : toBindingAnswer(answer);
}

/** `POST /run?version=3` and `POST /ai-gateway/run?version=3`. */
async function run(app: EmulatorApp, call: BindingCall, body: Uint8Array): Promise<ServedResponse> {
  if (call.headers.upgrade?.toLowerCase() === 'websocket' || call.method === 'GET') {
    return notEmulated('a WebSocket run (`websocket: true`); run the model over HTTP instead');
  }
  if (call.method !== 'POST') return errorResponse('noRoute', { path: call.url.pathname });
  const modelId = modelIdOf(call);
  if (!modelId) return toBindingAnswer(errorResponse('incomplete', { what: 'header cf-consn-model-id (the model)' }));
  const parsed = runRequest(call, body);
  if (!parsed.ok) return toBindingAnswer(parsed.response);
  const { request, options } = parsed;
  if (app.contract.partnerModel(modelId)) return partnerRun(app, modelId, request);
  // The asynchronous Batch API: the binding's `queueRequest` option is the REST `?queueRequest=true` (src/emulator/batch.ts).
  if (options.queueRequest === true || options.queueRequest === 'true') request.query = new URLSearchParams({ queueRequest: 'true' });
  const replayed = replayRun(app, call, modelId, request);
  if (replayed) return toBindingAnswer(replayed);
  const faults = app.deps.faults;
  const infer = async (): Promise<ServedResponse> => faults.intercept() ?? runModel(app.deps, request, modelId, isWellFormedModelId(modelId));
  const gateway = isObject(options.gateway) ? options.gateway : undefined;
  if (call.url.pathname !== '/ai-gateway/run') return toBindingAnswer(await infer());
  if (!gateway || typeof gateway.id !== 'string' || gateway.id === '') {
    return toBindingAnswer(errorResponse('incomplete', { what: 'options.gateway.id (the gateway to run through)' }));
  }
  const answer = await throughGateway(
    app,
    { headers: gatewayHeaders(gateway), accountId: BINDING_ACCOUNT_ID, gatewayId: gateway.id, target: `run:${modelId}`, model: modelId, path: call.url.pathname, body: request.body },
    infer,
  );
  return toBindingAnswer(answer);
}

/** `POST /ai-gateway/universal/run/<gateway>`: the first `workers-ai` step that succeeds, answered as REST answers it. */
async function universalRun(app: EmulatorApp, gatewayId: string, call: BindingCall, body: Uint8Array): Promise<ServedResponse> {
  let steps: unknown;
  try {
    steps = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return apiError(400, 'the universal endpoint takes a JSON array of {provider, endpoint, headers, query}');
  }
  const list = (Array.isArray(steps) ? steps : [steps]).filter(isObject);
  let last: ServedResponse | undefined;
  for (const step of list) {
    if (step.provider !== 'workers-ai' || typeof step.endpoint !== 'string') continue;
    const model = step.endpoint.replace(/^\/+/, '');
    const inputs = Buffer.from(JSON.stringify(step.query ?? {}));
    const request: EmulatorRequest = { method: 'POST', headers: { 'content-type': JSON_TYPE }, query: new URLSearchParams(), body: inputs, accountId: BINDING_ACCOUNT_ID };
    const stepHeaders = isObject(step.headers) ? Object.fromEntries(Object.entries(step.headers).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : JSON.stringify(v)])) : {};
    last = await throughGateway(app, { headers: { ...call.headers, ...stepHeaders }, accountId: BINDING_ACCOUNT_ID, gatewayId, target: `run:${model}`, model, path: call.url.pathname, body: inputs }, async () =>
      app.deps.faults.intercept() ?? runModel(app.deps, request, model, isWellFormedModelId(model)),
    );
    if (last.status < 400) return last;
  }
  const providers = [...new Set(list.map((s) => String(s.provider)))].join(', ');
  return last ?? apiError(400, `no step the emulator can run: it emulates the workers-ai provider only (got ${providers || 'no step'})`);
}

/** `GET|PATCH /ai-gateway/gateways/<id>/logs/<logId>` and `GET /ai-gateway/gateways/<id>/url/<provider>`. */
function gatewayApi(app: EmulatorApp, call: BindingCall, body: Uint8Array, origin: string): ServedResponse {
  const parts = call.url.pathname.split('/').slice(3).map(decodeURIComponent); // [id, 'logs'|'url', value]
  const [gatewayId, kind, value] = parts;
  if (!gatewayId || !value || parts.length !== 3) return errorResponse('noRoute', { path: call.url.pathname });
  if (kind === 'url' && call.method === 'GET') {
    return json(200, { success: true, errors: [], messages: [], result: { url: `${origin}/v1/${BINDING_ACCOUNT_ID}/${encodeURIComponent(gatewayId)}/${encodeURIComponent(value)}` } });
  }
  if (kind !== 'logs') return errorResponse('noRoute', { path: call.url.pathname });
  const missing = (): ServedResponse => apiError(404, `Log ${value} not found in gateway ${gatewayId}`);
  if (call.method === 'GET') {
    const entry = app.gatewayLogs.get(gatewayId, value);
    return entry ? json(200, { success: true, errors: [], messages: [], result: entry }) : missing();
  }
  if (call.method === 'PATCH') {
    let patch: unknown;
    try {
      patch = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      return apiError(400, 'the log patch is not JSON');
    }
    if (!isObject(patch)) return apiError(400, 'the log patch should be a JSON object {score, feedback, metadata}');
    return app.gatewayLogs.patch(gatewayId, value, patch) ? json(200, { success: true, errors: [], messages: [], result: {} }) : missing();
  }
  return errorResponse('noRoute', { path: call.url.pathname });
}

/** `POST /to-everything/markdown/transformer`: `{files: [{name, mimeType, data}], options}` → `{result: [...]}`. */
function toMarkdown(body: Uint8Array): ServedResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return apiError(400, 'toMarkdown takes a JSON body {files: [{name, mimeType, data}]}');
  }
  if (!isObject(parsed) || !Array.isArray(parsed.files)) return apiError(400, 'toMarkdown takes a JSON body {files: [{name, mimeType, data}]}');
  const files = parsed.files.filter(isObject) as unknown as MarkdownFile[];
  const conversion = readConversionOptions(isObject(parsed.options) ? parsed.options.conversionOptions : undefined);
  if (!conversion.ok) return apiError(400, `toMarkdown: ${conversion.error}`);
  return json(200, { success: true, errors: [], messages: [], result: files.map((file) => convertToMarkdown(file, conversion.options)) });
}

/** Answers one unwrapped binding call. `origin` is the emulator's own (for gateway URLs). */
export async function answerBindingCall(app: EmulatorApp, call: BindingCall, body: Uint8Array, origin: string): Promise<ServedResponse> {
  const path = call.url.pathname;
  if (path === '/run' || path === '/ai-gateway/run') return run(app, call, body);
  if (path === '/ai-api/models/search' && call.method === 'GET') return app.catalog.handle('models/search', call.url.searchParams);
  if (path === '/to-everything/markdown/transformer' && call.method === 'POST') return toMarkdown(body);
  if (path === '/to-everything/markdown/supported' && call.method === 'GET') return json(200, { success: true, errors: [], messages: [], result: SUPPORTED_FORMATS });
  if (path.startsWith('/ai-gateway/universal/run/') && call.method === 'POST') return universalRun(app, decodeURIComponent(path.slice('/ai-gateway/universal/run/'.length)), call, body);
  if (path.startsWith('/ai-gateway/gateways/')) return gatewayApi(app, call, body, origin);
  if (path.startsWith('/autorag/')) return apiError(501, 'wai-conformance emulator: AutoRAG (env.AI.autorag()) is not emulated');
  return errorResponse('noRoute', { path });
}

/** The binding's request id, on every answer. */
function withRequestId(response: ServedResponse): ServedResponse {
  return { ...response, headers: { ...response.headers, 'cf-ai-req-id': randomUUID() } };
}

/** Handles a binding request start to end (see binding-envelope.ts for which requests are). */
export async function handleBinding(app: EmulatorApp, req: IncomingMessage, send: (response: ServedResponse, closeConnection?: boolean) => Promise<void>): Promise<void> {
  const url = req.url ?? '/';
  if (isMiniflareSession(url, req.headers)) {
    // Miniflare's capnweb session for the remote binding: refused at once, so building the binding costs nothing.
    return send({ status: 426, headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }, body: 'wai-conformance emulator: remote-binding sessions are not served; HTTP binding calls are' });
  }
  const call = unwrapBindingRequest(req.method ?? 'GET', url, req.headers);
  const read = await readBody(req, app.maxBodyBytes);
  if (!read.ok) {
    if (read.reason === 'aborted') return;
    return send(withRequestId(toBindingAnswer(errorResponse('tooLarge'))), read.closeConnection);
  }
  if (!call) return send(withRequestId(errorResponse('incomplete', { what: 'an MF-URL header that is a URL' })));
  return send(withRequestId(await answerBindingCall(app, call, read.body, `http://${req.headers.host ?? '127.0.0.1'}`)));
}
