/** @module Workers AI paths in pact files: which operation (and model) a path names, and where a target serves it. */

/** The operation a request path names. */
export type ApiPath =
  | { kind: 'run'; model: string; accountId?: string; query: string }
  | { kind: 'openai'; endpoint: string; accountId?: string; query: string }
  | { kind: 'catalog'; endpoint: string; accountId?: string; query: string }
  /** `POST /ai/run` with `{model, input}` in the body: a partner model of the unified catalogue. */
  | { kind: 'partner'; accountId?: string; query: string }
  | { kind: 'other'; query: string };

/** How a target lays out its paths below its API root. */
export type TargetLayout = { kind: 'rest'; accountId: string } | { kind: 'gateway' };

const REST = /\/accounts\/([^/]+)\/ai\/(.*)$/;
const GATEWAY = /^\/v1\/([^/]+)\/([^/]+)\/workers-ai\/(.*)$/;

function decodeModel(raw: string): string {
  // Raw (`@cf/meta/x`) and percent-encoded (`@cf%2Fmeta%2Fx`) forms name the same model.
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function classify(rest: string, query: string, accountId?: string): ApiPath {
  const account = accountId === undefined ? {} : { accountId };
  if (rest.startsWith('run/') && rest.length > 4) return { kind: 'run', model: decodeModel(rest.slice(4)), ...account, query };
  if (rest === 'run') return { kind: 'partner', ...account, query };
  if (rest.startsWith('v1/')) return { kind: 'openai', endpoint: rest.slice(3), ...account, query };
  if (/^(models\/search|models\/schema|tasks\/search|authors\/search)\/?$/.test(rest)) return { kind: 'catalog', endpoint: rest.replace(/\/$/, ''), ...account, query };
  return { kind: 'other', query };
}

/**
 * Parses a request path: REST (`[prefix]/accounts/{account}/ai/run/{model}`, `/ai/v1/...`, the
 * catalogue) or AI Gateway (`/v1/{account}/{gateway}/workers-ai/{model}`). Model ids may be raw or
 * percent-encoded. Anything else is `other`.
 */
export function parseApiPath(path: string): ApiPath {
  const at = path.indexOf('?');
  const bare = at < 0 ? path : path.slice(0, at);
  const query = at < 0 ? '' : path.slice(at);
  const rest = REST.exec(bare);
  if (rest) return classify(rest[2]!, query, decodeSegment(rest[1]!));
  const gateway = GATEWAY.exec(bare);
  if (gateway) {
    const tail = gateway[3]!;
    if (tail.startsWith('v1/')) return { kind: 'openai', endpoint: tail.slice(3), accountId: decodeSegment(gateway[1]!), query };
    return { kind: 'run', model: decodeModel(tail), accountId: decodeSegment(gateway[1]!), query };
  }
  return { kind: 'other', query };
}

/**
 * Where a target serves the operation a pact path names, relative to the target's API root: pact
 * files carry their own prefix and account (`/client/v4/accounts/{placeholder}/ai/run/...`), a
 * target has its root (`https://api.cloudflare.com/client/v4`) and account. Paths that name no
 * Workers AI operation are sent as they are. The model id keeps the form (raw or encoded) the pact used.
 */
export function providerPath(path: string, layout: TargetLayout): string {
  const at = path.indexOf('?');
  const bare = at < 0 ? path : path.slice(0, at);
  const query = at < 0 ? '' : path.slice(at);
  const tail = apiTail(bare);
  if (tail === undefined) return path;
  if (layout.kind === 'rest') return `/accounts/${encodeURIComponent(layout.accountId)}/ai/${tail}${query}`;
  if (tail.startsWith('run/')) return `/${tail.slice(4)}${query}`;
  if (tail.startsWith('v1/')) return `/${tail}${query}`;
  return path; // the catalogue is not served through the gateway: left as is, the target answers 404
}

/** The part of a path below `/ai/` (`run/{model}`, `v1/...`, `models/search`), from either layout; undefined for other paths. */
function apiTail(bare: string): string | undefined {
  const rest = REST.exec(bare);
  if (rest) return rest[2]!;
  const gateway = GATEWAY.exec(bare);
  if (!gateway) return undefined;
  const tail = gateway[3]!;
  return tail.startsWith('v1/') ? tail : `run/${tail}`;
}
