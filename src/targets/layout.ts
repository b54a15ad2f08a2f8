/** @module Where an operation goes: URLs for the REST and AI Gateway layouts, model ids raw or encoded. */
import type { Operation } from './types.js';

/** How model ids go into paths (DESIGN.md `--path-style`). */
export type PathStyle = 'raw' | 'encoded';

/**
 * An API's URL layout.
 * - `rest`: `{root}/accounts/{account}/ai/...`, root e.g. `https://api.cloudflare.com/client/v4`.
 * - `gateway`: `{root}/{model}` and `{root}/v1/...`, root e.g.
 *   `https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/workers-ai`.
 */
export type Layout = { kind: 'rest'; root: string; accountId: string } | { kind: 'gateway'; root: string };

/** Characters left as they are in a path segment: RFC 3986 `pchar`, as the official SDK encodes. */
const UNSAFE_IN_SEGMENT = /[^A-Za-z0-9\-._~!$&'()*+,;=:@]+/g;

function encodeSegment(segment: string): string {
  return segment.replace(UNSAFE_IN_SEGMENT, encodeURIComponent);
}

/**
 * A model id as a path: `raw` keeps its slashes (`@cf/meta/llama-3.1-8b-instruct`, as curl and
 * the docs send it); `encoded` percent-encodes them (`@cf%2Fmeta%2Fllama-3.1-8b-instruct`, as
 * the official TypeScript SDK does). Either way characters that would break a URL (`?`, `#`,
 * spaces, `%`) are encoded.
 */
export function modelPath(model: string, style: PathStyle): string {
  return style === 'encoded' ? encodeSegment(model) : model.split('/').map(encodeSegment).join('/');
}

/** A root without trailing slashes, so joining never doubles them. */
export function trimRoot(root: string): string {
  return root.replace(/\/+$/, '');
}

/** The AI Gateway's Workers AI root: `{base}/{account}/{gateway}/workers-ai`. */
export function gatewayRoot(base: string, accountId: string, gatewayId: string): string {
  return `${trimRoot(base)}/${encodeSegment(accountId)}/${encodeSegment(gatewayId)}/workers-ai`;
}

/**
 * Whether a layout serves an operation: the catalogue is not reachable through the gateway, nor are /ai/v1/messages
 * and the partner models' `/ai/run` (spec/openapi.yaml documents them on the REST API only).
 */
export function supportsOperation(layout: Layout, operation: Operation): boolean {
  if (layout.kind !== 'gateway') return true;
  return operation.kind !== 'catalog' && operation.kind !== 'partner' && !(operation.kind === 'openai' && operation.endpoint === 'messages');
}

/**
 * The URL of an operation. Throws for an operation the layout does not serve: that is a
 * mistake in the plan (check with `supportsOperation`), not a finding about the server.
 */
export function buildUrl(layout: Layout, operation: Operation, style: PathStyle, query?: Record<string, string>): string {
  const root = trimRoot(layout.root);
  let url: string;
  if (layout.kind === 'rest') {
    const ai = `${root}/accounts/${encodeSegment(layout.accountId)}/ai`;
    if (operation.kind === 'run') url = `${ai}/run/${modelPath(operation.model, style)}`;
    else if (operation.kind === 'partner') url = `${ai}/run`;
    else if (operation.kind === 'openai') url = `${ai}/v1/${operation.endpoint}`;
    else url = `${ai}/${operation.endpoint}`;
  } else {
    if (operation.kind === 'catalog') {
      throw new Error(
        `buildUrl: the catalogue endpoint "${operation.endpoint}" is not available through the AI Gateway; ` +
          `check supports(operation) when planning`,
      );
    }
    if (operation.kind === 'partner') throw new Error('buildUrl: the partner models\' /ai/run is not available through the AI Gateway layout; check supports(operation) when planning');
    url = operation.kind === 'run' ? `${root}/${modelPath(operation.model, style)}` : `${root}/v1/${operation.endpoint}`;
  }
  const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
  return url + search;
}
