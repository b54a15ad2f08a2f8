/**
 * @module Reads a whole model catalogue through a Target: every page of `models/search`, then
 * `models/schema?model=ID` for each model with bounded concurrency. Going through a Target brings
 * its budget, retries on 429/503, timeouts and redaction.
 */
import type { Exchange, RequestSpec, Target } from '../targets/types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Items asked for per models/search page. */
export const SEARCH_PAGE_SIZE = 100;
/** Pages read at most: a server that never ends its list must not keep us forever. */
export const MAX_SEARCH_PAGES = 100;
/** models/schema requests in flight. */
export const DEFAULT_SCHEMA_CONCURRENCY = 4;

/** One catalogue model: its models/search item and its models/schema answer. */
export interface CatalogModel {
  /** The model id (`name` of the search item), e.g. `@cf/meta/llama-3.1-8b-instruct`. */
  id: string;
  /** The models/search item as answered. */
  item: Obj;
  /** `result.input` of models/schema. */
  input: unknown;
  /** `result.output` of models/schema. */
  output: unknown;
}

/**
 * Why the catalogue could not be read. `unreachable`: no (complete) answer (network, timeout,
 * budget); `rejected`: 401/403, the credentials were refused; `answer`: another non-2xx status or an
 * answer that is not the documented JSON.
 */
export class CatalogFetchError extends Error {
  override readonly name = 'CatalogFetchError';
  constructor(
    readonly kind: 'unreachable' | 'rejected' | 'answer',
    /** The request, e.g. `GET models/schema?model=@cf/openai/whisper`. */
    readonly endpoint: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${endpoint}: ${message}`);
  }
}

export interface FetchCatalogOptions {
  /** Items asked for per page (default {@link SEARCH_PAGE_SIZE}). */
  perPage?: number;
  /** Pages read at most (default {@link MAX_SEARCH_PAGES}); more is an error, never a silent cut. */
  maxPages?: number;
  /** models/schema requests in flight (default {@link DEFAULT_SCHEMA_CONCURRENCY}). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each answer, for progress. */
  onProgress?: (event: { endpoint: 'models/search' | 'models/schema'; done: number; total?: number }) => void;
}

function describe(spec: RequestSpec): string {
  const endpoint = spec.operation.kind === 'catalog' ? spec.operation.endpoint : spec.operation.kind;
  const query = spec.query ? `?${Object.entries(spec.query).map(([k, v]) => `${k}=${v}`).join('&')}` : '';
  return `${spec.method} ${endpoint}${query}`;
}

/** The error message an answer carries: the v4 envelope's `errors[0].message`, or the 404 form's `error`. */
function answerMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (Array.isArray(body.errors)) {
    const messages = body.errors.map((e) => (isObject(e) ? [e.code, e.message].filter((x) => x !== undefined).join(' ') : '')).filter(Boolean);
    if (messages.length) return messages.join('; ');
  }
  return typeof body.error === 'string' ? body.error : undefined;
}

/** Sends one catalogue request and returns its parsed JSON body; throws CatalogFetchError for anything but a 2xx JSON envelope. */
async function getJson(target: Target, spec: RequestSpec, signal: AbortSignal | undefined): Promise<Obj> {
  const name = describe(spec);
  const exchange: Exchange = await target.send(spec, signal ? { signal } : {});
  if (exchange.error || !exchange.response) {
    const detail = exchange.error ? `${exchange.error.kind}: ${exchange.error.message}` : 'no response';
    throw new CatalogFetchError('unreachable', name, `no answer from ${exchange.request.url.split('?')[0]} (${detail})`);
  }
  const { status, bytes } = exchange.response;
  let body: unknown;
  let parseError: string | undefined;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    parseError = (cause as Error).message;
  }
  if (status < 200 || status > 299) {
    const message = answerMessage(body);
    const kind = status === 401 || status === 403 ? 'rejected' : 'answer';
    const hint = kind === 'rejected' ? ' (check CLOUDFLARE_API_TOKEN: it needs Workers AI read permission on the account)' : '';
    throw new CatalogFetchError(kind, name, `HTTP ${status}${message ? `: ${message}` : ''}${hint}`, status);
  }
  if (parseError !== undefined) throw new CatalogFetchError('answer', name, `HTTP ${status} but the body is not JSON (${parseError})`, status);
  if (!isObject(body)) throw new CatalogFetchError('answer', name, `HTTP ${status} but the body is not a JSON object`, status);
  if (body.success === false) throw new CatalogFetchError('answer', name, `HTTP ${status} with "success": false${answerMessage(body) ? `: ${answerMessage(body)}` : ''}`, status);
  return body;
}

/** Reads every page of models/search; items in the order served, each model once. */
export async function fetchModelList(target: Target, options: FetchCatalogOptions = {}): Promise<Obj[]> {
  const perPage = options.perPage ?? SEARCH_PAGE_SIZE;
  const maxPages = options.maxPages ?? MAX_SEARCH_PAGES;
  const items: Obj[] = [];
  const seen = new Set<string>();
  let served = 0;
  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw new CatalogFetchError('answer', 'GET models/search', `still answering items after ${maxPages} pages of ${perPage} (${items.length} models so far); refusing to page further`);
    }
    const spec: RequestSpec = { operation: { kind: 'catalog', endpoint: 'models/search' }, method: 'GET', query: { per_page: String(perPage), page: String(page) } };
    const body = await getJson(target, spec, options.signal);
    if (!Array.isArray(body.result)) throw new CatalogFetchError('answer', describe(spec), `expected "result" to be an array of models, found ${JSON.stringify(body.result)?.slice(0, 80)}`);
    body.result.forEach((item: unknown, i: number) => {
      if (!isObject(item) || typeof item.name !== 'string' || item.name === '') {
        throw new CatalogFetchError('answer', describe(spec), `result/${i} is not a model (expected an object with a "name" such as "@cf/meta/llama-3.1-8b-instruct")`);
      }
      // A catalogue that changes while it is paged can repeat a model across pages.
      if (seen.has(item.name)) return;
      seen.add(item.name);
      items.push(item);
    });
    served += body.result.length;
    const info = isObject(body.result_info) ? body.result_info : {};
    options.onProgress?.({ endpoint: 'models/search', done: items.length, ...(typeof info.total_count === 'number' ? { total: info.total_count } : {}) });
    if (body.result.length === 0) break;
    if (typeof info.total_count === 'number') {
      // The server may serve fewer per page than asked; the total says when the list ends.
      if (served >= info.total_count) break;
    } else if (body.result.length < (typeof info.per_page === 'number' ? info.per_page : perPage)) {
      break;
    }
  }
  return items;
}

/** Reads models/schema for one model: `{input, output}`. */
export async function fetchModelSchema(target: Target, id: string, signal?: AbortSignal): Promise<{ input: unknown; output: unknown }> {
  const spec: RequestSpec = { operation: { kind: 'catalog', endpoint: 'models/schema' }, method: 'GET', query: { model: id } };
  const body = await getJson(target, spec, signal);
  const result = body.result;
  if (!isObject(result) || !('input' in result) || !('output' in result)) {
    throw new CatalogFetchError('answer', describe(spec), `expected "result" to be {input, output} JSON Schemas, found ${JSON.stringify(result)?.slice(0, 80)}`);
  }
  return { input: result.input, output: result.output };
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops new work and is thrown. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results;
}

/**
 * Reads the whole catalogue: all models/search pages, then models/schema for every model.
 * Throws CatalogFetchError naming the request and status for the first failure.
 */
export async function fetchCatalog(target: Target, options: FetchCatalogOptions = {}): Promise<CatalogModel[]> {
  const items = await fetchModelList(target, options);
  let done = 0;
  return mapBounded(items, options.concurrency ?? DEFAULT_SCHEMA_CONCURRENCY, async (item) => {
    const id = item.name as string;
    const schema = await fetchModelSchema(target, id, options.signal);
    options.onProgress?.({ endpoint: 'models/schema', done: ++done, total: items.length });
    return { id, item, ...schema };
  });
}
