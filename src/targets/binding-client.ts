/**
 * @module An `env.AI` for plain Node: the Workers binding's behaviour (what it sends, how it reads the answer, what it
 * throws) over a fetcher that speaks the binding's protocol (`POST /run?version=3`, ...), so code written for the
 * binding runs and is tested outside workerd. Written from the protocol as workerd's binding class uses it; the
 * error classes carry the same names (`InferenceUpstreamError`, `AiInternalError`, `AiGatewayLogNotFound`, ...).
 */
import type { Ai, AiGateway, AutoRAG, ToMarkdownService } from '@cloudflare/workers-types/index.ts';

/** Sends one binding request (`path` with its query, e.g. `/run?version=3`) to a backend. */
export type BindingFetcher = (path: string, init: { method: string; headers: Record<string, string>; body?: string | Uint8Array | ReadableStream; signal?: AbortSignal }) => Promise<Response>;

/** Thrown for a failed run: message `<internalCode>: <description>` (or `<code>: <message>`), name from the backend. */
export class InferenceUpstreamError extends Error {
  constructor(message: string, name = 'InferenceUpstreamError') {
    super(message);
    this.name = name;
  }
}

/** Thrown for a call the binding itself refuses, or a failure of models() and toMarkdown(). */
export class AiInternalError extends Error {
  constructor(message: string, name = 'AiInternalError') {
    super(message);
    this.name = name;
  }
}

/** Thrown by `gateway(id).getLog()` and `patchLog()` for a log the gateway does not have. */
export class AiGatewayLogNotFound extends Error {
  override name = 'AiGatewayLogNotFound';
}

/** Thrown by the other `gateway(id)` calls. */
export class AiGatewayInternalError extends Error {
  override name = 'AiGatewayInternalError';
}

/** Thrown by `autorag(id)` calls. */
export class AutoRAGInternalError extends Error {
  override name = 'AutoRAGInternalError';
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function isStreamLike(value: unknown): boolean {
  return value instanceof ReadableStream || (typeof FormData !== 'undefined' && value instanceof FormData);
}

/** Input keys holding a stream (a ReadableStream or FormData, bare or as `{body, contentType}`). */
function streamKeys(inputs: Obj): string[] {
  return Object.entries(inputs)
    .filter(([, value]) => isStreamLike(value) || (isObject(value) && 'body' in value && isStreamLike(value.body)))
    .map(([key]) => key);
}

/** The error an answer that is not ok stands for, read as the binding reads it. */
async function upstreamError(res: Response, onInternalCode: (code: number) => void): Promise<InferenceUpstreamError> {
  const content = await res.text();
  try {
    const parsed = JSON.parse(content) as Obj;
    if (parsed.internalCode) {
      onInternalCode(Number(parsed.internalCode));
      return new InferenceUpstreamError(`${String(parsed.internalCode)}: ${String(parsed.description)}`, typeof parsed.name === 'string' ? parsed.name : undefined);
    }
    const errors = parsed.errors;
    if (Array.isArray(errors) && isObject(errors[0])) return new InferenceUpstreamError(`${String(errors[0].code)}: ${String(errors[0].message)}`);
  } catch {
    // Not JSON: the text is the message.
  }
  return new InferenceUpstreamError(content);
}

async function apiError<E extends Error>(res: Response, fallback: string, make: (message: string) => E): Promise<E> {
  const content = await res.text();
  try {
    const parsed = JSON.parse(content) as { errors?: { message?: string }[] };
    return make(parsed.errors?.[0]?.message || fallback);
  } catch {
    return make(content || fallback);
  }
}

/** The binding's behaviour over a fetcher. Extra members (`close`) are not part of workers-types' `Ai`. */
export class BindingClient implements Ai {
  lastRequestId: string | null = null;
  aiGatewayLogId: string | null = null;
  lastRequestHttpStatusCode: number | null = null;
  lastRequestInternalStatusCode: number | null = null;

  constructor(
    private readonly fetcher: BindingFetcher,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  /** Stops what backs the object (the embedded emulator, a target). */
  close(): Promise<void> {
    return this.onClose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // One implementation signature behind every overload of workers-types' `Ai.run`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async run(model: string, inputs: any, options: any = {}): Promise<any> {
    if (typeof model !== 'string' || model === '') throw new AiInternalError('run: model should be a model id such as "@cf/meta/llama-3.1-8b-instruct"');
    if (!isObject(inputs)) throw new AiInternalError('run: inputs should be an object');
    const { prefix, extraHeaders, sessionOptions, signal, ...cleaned } = (options ?? {}) as Obj;
    const headers: Record<string, string> = {
      ...((isObject(sessionOptions) && isObject(sessionOptions.extraHeaders) ? sessionOptions.extraHeaders : {}) as Record<string, string>),
      ...((isObject(extraHeaders) ? extraHeaders : {}) as Record<string, string>),
      'cf-consn-sdk-version': '2.0.0',
      'cf-consn-model-id': `${typeof prefix === 'string' && prefix ? `${prefix}:` : ''}${model}`,
    };
    const init = signal instanceof AbortSignal ? { signal } : {};
    if (cleaned.websocket) throw new AiInternalError('run: WebSocket runs (`websocket: true`) are not supported outside workerd; run the model over HTTP');
    const gatewayId = isObject(cleaned.gateway) && cleaned.gateway.id ? cleaned.gateway.id : undefined;
    const keys = streamKeys(inputs);
    let res: Response;
    if (keys.length > 1) throw new AiInternalError(`Multiple ReadableStreams are not supported. Found streams in keys: [${keys.join(', ')}]`);
    if (keys.length === 1) {
      const key = keys[0]!;
      const stream = inputs[key] as Obj;
      if (gatewayId) throw new AiInternalError('AI Gateway does not support ReadableStreams yet.');
      if (typeof stream.contentType !== 'string' || !stream.contentType) throw new AiInternalError('Content-Type is required with ReadableStream inputs');
      const { [key]: _streamed, ...userInputs } = inputs;
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(cleaned)) query.set(name, String(value));
      query.set('version', '3');
      query.set('userInputs', JSON.stringify(userInputs));
      const body = stream.body instanceof ReadableStream ? stream.body : new Uint8Array(await new Response(stream.body as FormData).arrayBuffer());
      res = await this.fetcher(`/run?${query}`, { method: 'POST', headers: { ...headers, 'content-type': stream.contentType }, body, ...init });
    } else {
      const path = gatewayId ? '/ai-gateway/run?version=3' : '/run?version=3';
      res = await this.fetcher(path, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ inputs, options: cleaned }), ...init });
    }
    this.lastRequestId = res.headers.get('cf-ai-req-id');
    this.aiGatewayLogId = res.headers.get('cf-aig-log-id');
    this.lastRequestHttpStatusCode = res.status;
    if (cleaned.returnRawResponse) return res;
    if (!res.ok || !res.body) throw await upstreamError(res, (code) => (this.lastRequestInternalStatusCode = code));
    // Exactly this type is parsed, as the binding does; anything else is handed over as the byte stream.
    if (res.headers.get('content-type') === 'application/json') return res.json();
    return res.body;
  }

  async models(params: Record<string, unknown> = {}): Promise<any> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) query.set(key, String(value));
    const res = await this.fetcher(`/ai-api/models/search?${query}`, { method: 'GET', headers: {} });
    if (res.status !== 200) throw await apiError(res, 'Internal Error', (m) => new AiInternalError(m));
    return ((await res.json()) as { result: unknown }).result;
  }

  toMarkdown(): ToMarkdownService;
  toMarkdown(files: any, options?: any): Promise<any>;
  toMarkdown(files?: any, options?: any): ToMarkdownService | Promise<any> {
    const service = {
      transform: async (documents: any, conversion?: any): Promise<any> => {
        const list = Array.isArray(documents) ? documents : [documents];
        const processed = [];
        for (const file of list as { name: string; blob: Blob }[]) {
          processed.push({ name: file.name, mimeType: file.blob.type, data: Buffer.from(await file.blob.arrayBuffer()).toString('base64') });
        }
        const res = await this.fetcher('/to-everything/markdown/transformer', {
          method: 'POST',
          headers: { ...(isObject(conversion?.extraHeaders) ? (conversion.extraHeaders as Record<string, string>) : {}), 'content-type': 'application/json' },
          body: JSON.stringify({ files: processed, options: conversion }),
        });
        if (!res.ok) throw await apiError(res, 'Internal Error', (m) => new AiInternalError(m));
        const result = ((await res.json()) as { result: unknown[] }).result;
        if (Array.isArray(documents)) return result;
        if (!result[0]) throw new AiInternalError('Internal Error Converting files into Markdown');
        return result[0];
      },
      supported: async (): Promise<any> => {
        const res = await this.fetcher('/to-everything/markdown/supported', { method: 'GET', headers: { 'content-type': 'application/json' } });
        return ((await res.json()) as { result: unknown }).result;
      },
    } as unknown as ToMarkdownService;
    if (files === undefined || files === null) return service;
    return service.transform(files, options);
  }

  gateway(gatewayId: string): AiGateway {
    const base = `/ai-gateway/gateways/${encodeURIComponent(gatewayId)}`;
    const gateway = {
      getUrl: async (provider?: string): Promise<string> => {
        const res = await this.fetcher(`${base}/url/${encodeURIComponent(provider ?? 'universal')}`, { method: 'GET', headers: {} });
        if (!res.ok) throw await apiError(res, 'Internal Error', (m) => new AiGatewayInternalError(m));
        return ((await res.json()) as { result: { url: string } }).result.url;
      },
      getLog: async (logId: string): Promise<any> => {
        const res = await this.fetcher(`${base}/logs/${encodeURIComponent(logId)}`, { method: 'GET', headers: {} });
        if (res.status === 404) throw await apiError(res, 'Log Not Found', (m) => new AiGatewayLogNotFound(m));
        if (!res.ok) throw await apiError(res, 'Internal Error', (m) => new AiGatewayInternalError(m));
        const result = ((await res.json()) as { result: Obj }).result;
        return { ...result, created_at: new Date(String(result.created_at)) };
      },
      patchLog: async (logId: string, data: unknown): Promise<void> => {
        const res = await this.fetcher(`${base}/logs/${encodeURIComponent(logId)}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });
        if (res.status === 404) throw await apiError(res, 'Log Not Found', (m) => new AiGatewayLogNotFound(m));
        if (!res.ok) throw await apiError(res, 'Internal Error', (m) => new AiGatewayInternalError(m));
      },
      run: async (data: unknown, options?: { extraHeaders?: object }): Promise<Response> =>
        this.fetcher(`/ai-gateway/universal/run/${encodeURIComponent(gatewayId)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...((options?.extraHeaders ?? {}) as Record<string, string>) },
          body: JSON.stringify(Array.isArray(data) ? data : [data]),
        }),
    };
    return gateway as unknown as AiGateway;
  }

  autorag(autoragId: string): AutoRAG {
    const call = async (path: string, method: string, body?: unknown): Promise<any> => {
      const res = await this.fetcher(path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      if (!res.ok) throw await apiError(res, 'Internal Error', (m) => new AutoRAGInternalError(m));
      return ((await res.json()) as { result: unknown }).result;
    };
    const rag = {
      list: () => call('/autorag/rags', 'GET'),
      search: (params: unknown) => call(`/autorag/rags/${encodeURIComponent(autoragId)}/search`, 'POST', params),
      aiSearch: (params: unknown) => call(`/autorag/rags/${encodeURIComponent(autoragId)}/ai-search`, 'POST', params),
    };
    return rag as unknown as AutoRAG;
  }

  aiSearch(): never {
    throw new AiInternalError('aiSearch() is served over JS-RPC by Cloudflare and is not available outside workerd');
  }

  websearch(): Promise<any> {
    return Promise.reject(new AiInternalError('websearch() is not emulated'));
  }

  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(String(input), 'https://workers-binding.ai');
    return this.fetcher(`${url.pathname}${url.search}`, { method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers).entries()), ...(init.body ? { body: init.body as string } : {}) });
  }

  /** @deprecated as on the binding. */
  getLogs(): string[] {
    return [];
  }
}
