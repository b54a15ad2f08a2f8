/**
 * @module URL → route for the emulator, with a few string operations (no regex chains): the REST layout
 * under `/client/v4/accounts/{account}/ai/...` and the AI Gateway layout under
 * `/v1/{account}/{gateway}/workers-ai/...` (a model as `workers-ai/{model}` or `workers-ai/run/{model}`). Model ids are accepted raw (several path segments) and
 * percent-encoded (`@cf%2Fmeta%2F...`, `%40cf%2F...`), as spec/openapi.yaml `x-wai.model-path` requires.
 */
import type { CatalogEndpoint, OpenAiEndpoint } from '../targets/types.js';

export type Layout = 'rest' | 'gateway';

/** Where a request goes. `method` is the one method the route answers. */
export type Route =
  | {
      kind: 'run';
      layout: Layout;
      accountId: string;
      gatewayId?: string;
      /** The model id, percent-decoded. */
      model: string;
      /** False when the id is not `@cf|@hf/<author>/<name>` (or could not be decoded). */
      wellFormed: boolean;
      method: 'POST';
      path: string;
      query: string;
    }
  | { kind: 'openai'; layout: Layout; accountId: string; gatewayId?: string; endpoint: OpenAiEndpoint; method: 'POST'; path: string; query: string }
  /** `POST /ai/run` with the model in the body (spec/openapi.yaml runPartnerModel; REST layout only). */
  | { kind: 'partner'; layout: 'rest'; accountId: string; gatewayId?: undefined; method: 'POST'; path: string; query: string }
  | { kind: 'catalog'; accountId: string; endpoint: CatalogEndpoint; method: 'GET'; path: string; query: string }
  /** Under a catalogue prefix (`/ai/models/`, `/ai/tasks/`, `/ai/authors/`) but nothing there. */
  | { kind: 'catalog-unknown'; path: string; query: string }
  | { kind: 'none'; path: string; query: string };

const REST_PREFIX = '/client/v4/accounts/';
const GATEWAY_PREFIX = '/v1/';
const GATEWAY_PROVIDER = 'workers-ai/';
const GATEWAY_RUN = 'run/';

const OPENAI_ENDPOINTS: ReadonlySet<string> = new Set<OpenAiEndpoint>(['chat/completions', 'completions', 'embeddings', 'responses']);
/** The REST layout's /ai/v1 endpoints: the OpenAI-compatible ones and Anthropic's `messages` (spec/openapi.yaml createMessage; no gateway form is documented). */
const REST_V1_ENDPOINTS: ReadonlySet<string> = new Set<OpenAiEndpoint>([...(OPENAI_ENDPOINTS as Set<OpenAiEndpoint>), 'messages']);
const CATALOG_ENDPOINTS: ReadonlySet<string> = new Set<CatalogEndpoint>(['models/search', 'models/schema', 'tasks/search', 'authors/search']);

/** True for `@cf/<author>/<name>` and `@hf/<author>/<name>` with non-empty parts and no further `/`. */
export function isWellFormedModelId(id: string): boolean {
  if (!(id.startsWith('@cf/') || id.startsWith('@hf/'))) return false;
  const slash = id.indexOf('/', 4);
  if (slash <= 4 || slash === id.length - 1) return false;
  if (id.indexOf('/', slash + 1) !== -1) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** Decodes the model part of a path; undefined when its percent-encoding is broken. */
export function decodeModelId(raw: string): string | undefined {
  if (raw.indexOf('%') === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function modelRoute(layout: Layout, accountId: string, gatewayId: string | undefined, raw: string, path: string, query: string): Route {
  const decoded = decodeModelId(raw);
  const model = decoded ?? raw;
  const route: Route = { kind: 'run', layout, accountId, model, wellFormed: decoded !== undefined && isWellFormedModelId(model), method: 'POST', path, query };
  if (gatewayId !== undefined) route.gatewayId = gatewayId;
  return route;
}

/** Splits `segment/rest`; undefined when there is no non-empty first segment. */
function firstSegment(text: string): [string, string] | undefined {
  const slash = text.indexOf('/');
  if (slash <= 0) return undefined;
  return [text.slice(0, slash), text.slice(slash + 1)];
}

/** Routes a request target (path and query, as in `IncomingMessage.url`). */
export function route(url: string): Route {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const none: Route = { kind: 'none', path, query };

  if (path.startsWith(REST_PREFIX)) {
    const split = firstSegment(path.slice(REST_PREFIX.length));
    if (!split) return none;
    const [accountId, rest] = split;
    if (!rest.startsWith('ai/')) return none;
    const sub = rest.slice(3);
    if (sub === 'run') return { kind: 'partner', layout: 'rest', accountId, method: 'POST', path, query };
    if (sub.startsWith('run/')) {
      const raw = sub.slice(4);
      return raw === '' ? none : modelRoute('rest', accountId, undefined, raw, path, query);
    }
    if (sub.startsWith('v1/')) {
      const endpoint = sub.slice(3);
      return REST_V1_ENDPOINTS.has(endpoint) ? { kind: 'openai', layout: 'rest', accountId, endpoint: endpoint as OpenAiEndpoint, method: 'POST', path, query } : none;
    }
    if (CATALOG_ENDPOINTS.has(sub)) return { kind: 'catalog', accountId, endpoint: sub as CatalogEndpoint, method: 'GET', path, query };
    if (sub.startsWith('models/') || sub.startsWith('tasks/') || sub.startsWith('authors/')) return { kind: 'catalog-unknown', path, query };
    return none;
  }

  if (path.startsWith(GATEWAY_PREFIX)) {
    const first = firstSegment(path.slice(GATEWAY_PREFIX.length));
    if (!first) return none;
    const [accountId, afterAccount] = first;
    const second = firstSegment(afterAccount);
    if (!second) return none;
    const [gatewayId, rest] = second;
    if (!rest.startsWith(GATEWAY_PROVIDER)) return none;
    const sub = rest.slice(GATEWAY_PROVIDER.length);
    if (sub.startsWith('v1/')) {
      const endpoint = sub.slice(3);
      return OPENAI_ENDPOINTS.has(endpoint)
        ? { kind: 'openai', layout: 'gateway', accountId, gatewayId, endpoint: endpoint as OpenAiEndpoint, method: 'POST', path, query }
        : none;
    }
    // `run/{model}` is the form workers-ai-provider and much public code call (spec/openapi.yaml
    // gatewayRunModelRun); model ids start with `@`, so `run/` can never be part of one.
    const model = sub.startsWith(GATEWAY_RUN) ? sub.slice(GATEWAY_RUN.length) : sub;
    return model === '' ? none : modelRoute('gateway', accountId, gatewayId, model, path, query);
  }
  return none;
}
