/**
 * @module Which Workers AI operation a recorded URL is: the REST layout (`…/accounts/{id}/ai/…`, at
 * api.cloudflare.com or any API root) or the AI Gateway layout (`/v1/{account}/{gateway}/workers-ai/…`),
 * routed by the emulator's own router so recorded and live paths are read the same way.
 */
import { route, type Route } from '../emulator/router.js';
import type { Operation } from '../targets/types.js';

/** Hosts whose traffic `judge` recognises in a HAR that is not one of our cassettes. */
export const WORKERS_AI_HOSTS: ReadonlySet<string> = new Set(['api.cloudflare.com', 'gateway.ai.cloudflare.com']);

/** A recorded URL, located. */
export interface Located {
  operation: Operation;
  layout: 'rest' | 'gateway';
  /** `?a=b` members. */
  query: Record<string, string>;
  /** The route as the emulator reads it (path rebased onto the emulator's roots). */
  route: Exclude<Route, { kind: 'none' } | { kind: 'catalog-unknown' }>;
}

/** Splits an absolute or origin-relative URL into path and query (no normalisation of the path). */
function pathAndQuery(url: string): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  const rest = url.slice(origin.length) || '/';
  const hash = rest.indexOf('#');
  return hash === -1 ? rest : rest.slice(0, hash);
}

/**
 * The emulator-rooted path of a Workers AI URL: whatever the API root (`https://api.cloudflare.com/client/v4`,
 * a Prism root, an emulator's `/client/v4`), the REST layout is rebased to `/client/v4/accounts/…`.
 */
export function emulatorPath(url: string): string {
  const target = pathAndQuery(url);
  const rest = target.indexOf('/accounts/');
  if (rest !== -1 && !target.startsWith('/v1/')) return `/client/v4${target.slice(rest)}`;
  return target;
}

/** The operation a URL names, or undefined when it is not a Workers AI operation. */
export function locate(url: string): Located | undefined {
  const r = route(emulatorPath(url));
  if (r.kind === 'none' || r.kind === 'catalog-unknown') return undefined;
  const operation: Operation =
    r.kind === 'run'
      ? { kind: 'run', model: r.model }
      : r.kind === 'openai'
        ? { kind: 'openai', endpoint: r.endpoint }
        : // A partner model is named in the body, which a URL does not carry: the reader fills it in (from-entry.ts).
          r.kind === 'partner'
          ? { kind: 'partner', model: '' }
          : { kind: 'catalog', endpoint: r.endpoint };
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(r.query)) query[name] = value;
  return { operation, layout: r.kind === 'catalog' ? 'rest' : r.layout, query, route: r };
}

/** The host of a URL, lower-cased ('' when it has none). */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
