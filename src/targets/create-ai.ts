/**
 * @module `createAi(options)`: an `env.AI` for plain Node tests, typed as workers-types' `Ai`. By default it is backed by
 * the embedded emulator (started on first use, on a free port, speaking the binding's protocol); `url` points it at a
 * running emulator, and `target` at any target of the harness (`live` with credentials, a gateway, a URL), where runs
 * and `models()` go over REST and come back reshaped as the binding returns them.
 */
import { gatewayHeaders, toBindingAnswer } from '../emulator/binding.js';
import { isFailedAnswer } from '../emulator/partner.js';
import type { EmulatorOptions, RunningEmulator } from '../emulator/index.js';
import { BindingClient, type BindingFetcher } from './binding-client.js';
import type { RequestSpec, Target } from './types.js';

export { BindingClient, InferenceUpstreamError, AiInternalError, AiGatewayLogNotFound, AiGatewayInternalError, AutoRAGInternalError, type BindingFetcher } from './binding-client.js';

/** Where a `createAi` object gets its answers. At most one of `url` and `target`; neither: the embedded emulator. */
export interface CreateAiOptions {
  /** A running emulator (`http://HOST:PORT`, e.g. `wai-conformance mock`), reached over the binding's protocol. */
  url?: string;
  /** Any target (see `createTarget`): runs and `models()` go over its REST API. Closing the object closes the target. */
  target?: Target;
  /** Options of the embedded emulator (faults, stream delay ...), when neither `url` nor `target` is given. */
  emulator?: Omit<EmulatorOptions, 'host' | 'port'>;
}

/** A fetcher for a server that speaks the binding's protocol. */
export function urlFetcher(url: string): BindingFetcher {
  const origin = new URL(url).origin;
  return (path, init) => fetch(`${origin}${path}`, { ...init, ...(init.body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
}

/** The REST gateway headers of a binding run's `gateway` option (honoured by gateway targets). */
function gatewayOf(options: unknown): Record<string, string> {
  const gateway = (options as { gateway?: unknown } | undefined)?.gateway;
  return typeof gateway === 'object' && gateway !== null ? gatewayHeaders(gateway as Record<string, unknown>) : {};
}

async function bytesOf(body: string | Uint8Array | ReadableStream | undefined): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array();
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

const notThroughRest = (what: string): Response =>
  new Response(`wai-conformance createAi: ${what} is not available through a REST target; use the embedded emulator or a running one (url)`, { status: 501, headers: { 'content-type': 'text/plain' } });

/** A fetcher that turns the binding's requests into a target's REST requests, and the answers back. */
export function targetFetcher(target: Target): BindingFetcher {
  return async (path, init) => {
    const url = new URL(path, 'https://workers-binding.ai');
    let spec: RequestSpec;
    if (url.pathname === '/run' || url.pathname === '/ai-gateway/run') {
      const model = init.headers['cf-consn-model-id'] ?? '';
      const bytes = await bytesOf(init.body);
      const contentType = init.headers['content-type'] ?? 'application/json';
      if (contentType === 'application/json') {
        const { inputs, options } = JSON.parse(Buffer.from(bytes).toString('utf8')) as { inputs: unknown; options?: unknown };
        // A third-party `author/model` id (Workers AI ids are `@cf/...`, `@hf/...`) is a partner model of the unified
        // catalogue: REST runs it as POST /ai/run with {model, input} (spec/openapi.yaml runPartnerModel).
        spec = model.startsWith('@')
          ? { operation: { kind: 'run', model }, method: 'POST', body: { json: inputs }, headers: gatewayOf(options) }
          : { operation: { kind: 'partner', model }, method: 'POST', body: { json: { model, input: inputs } } };
      } else {
        // REST takes the raw body alone: the other inputs (`userInputs`) have no place there.
        spec = { operation: { kind: 'run', model }, method: 'POST', body: { raw: bytes, contentType } };
      }
    } else if (url.pathname === '/ai-api/models/search') {
      spec = { operation: { kind: 'catalog', endpoint: 'models/search' }, method: 'GET', query: Object.fromEntries(url.searchParams) };
    } else {
      return notThroughRest(url.pathname);
    }
    const exchange = await target.send(spec, init.signal ? { signal: init.signal } : {});
    if (!exchange.response) throw new TypeError(`fetch failed: ${exchange.error?.kind ?? 'no response'}: ${exchange.error?.message ?? ''}`);
    const { status, bytes } = exchange.response;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(exchange.response.headers)) headers[name.toLowerCase()] = value;
    if (spec.operation.kind === 'partner' && headers['content-type']?.startsWith('application/json')) {
      // The binding resolves to a partner model's whole answer, a refusal {state: "Failed", error} included (the
      // emulator's binding face answers it so: src/emulator/binding.ts partnerRun); v4 errors are thrown as usual.
      const text = Buffer.from(bytes).toString('utf8');
      const failed = status >= 400 && isFailedAnswer(text);
      const answer = status < 300 || failed ? { status: 200, headers, body: text } : toBindingAnswer({ status, headers, body: text });
      return new Response(answer.body as string, { status: answer.status, headers: answer.headers });
    }
    if (spec.operation.kind === 'run' && headers['content-type']?.startsWith('application/json')) {
      const answer = toBindingAnswer({ status, headers, body: Buffer.from(bytes).toString('utf8') });
      return new Response(answer.body as string, { status: answer.status, headers: answer.headers });
    }
    return new Response(status === 204 || bytes.length === 0 ? null : bytes, { status, headers });
  };
}

/**
 * An object that behaves like the Workers binding `env.AI` (streams as ReadableStream, binary models as a byte
 * stream, errors thrown as `InferenceUpstreamError` "<code>: <description>"), typed as workers-types' `Ai`.
 * Call `close()` (or `await using`) when done: it stops the embedded emulator or closes the target.
 */
export function createAi(options: CreateAiOptions = {}): BindingClient {
  if (options.url !== undefined && options.target !== undefined) throw new TypeError('createAi: give url or target, not both');
  if (options.url !== undefined) {
    try {
      new URL(options.url);
    } catch {
      throw new TypeError(`createAi: url should be an emulator's http://HOST:PORT, got ${JSON.stringify(options.url)}`);
    }
    return new BindingClient(urlFetcher(options.url));
  }
  const target = options.target;
  if (target) return new BindingClient(targetFetcher(target), () => target.close());
  let started: Promise<RunningEmulator> | undefined;
  const emulator = (): Promise<RunningEmulator> =>
    (started ??= import('../emulator/binding-miniflare.js')
      .then(({ startBindingEmulator }) => startBindingEmulator(options.emulator))
      .then((running) => {
        // A forgotten close() must not keep the process alive.
        running.server.unref();
        return running;
      }));
  return new BindingClient(
    async (path, init) => urlFetcher((await emulator()).url)(path, init),
    async () => {
      if (started) await (await started).close();
    },
  );
}
