/**
 * @module Which requests are the Workers binding's, and the request behind Miniflare's forwarding envelope.
 *
 * The binding class (`cloudflare-internal:ai-api`, compiled into workerd) calls `https://workers-binding.ai/...`
 * through a fetcher. Given a local fetcher the emulator sees that request bare (`POST /run?version=3`); given
 * Miniflare's `ai.remoteProxyConnectionString`, the request arrives wrapped: `<METHOD> /` with `MF-URL` (the
 * original URL), `MF-Binding` (the binding's name) and `MF-Header-<name>` for every original header (`upgrade`
 * kept as is). Miniflare also opens a WebSocket (`GET /?MF-Binding=AI`, a capnweb session) when it builds the
 * binding: {@link isMiniflareSession} spots it so it is refused at once.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The paths of the binding's protocol (nothing of the REST or gateway layouts starts like this). */
const BINDING_PREFIXES = ['/run', '/ai-gateway/', '/ai-api/', '/to-everything/', '/autorag/'] as const;

/** A binding request, unwrapped: its path and query as the binding sent them, and its own headers (lower-case). */
export interface BindingCall {
  method: string;
  /** The original URL (origin `https://workers-binding.ai` when bare). */
  url: URL;
  headers: Record<string, string | undefined>;
  /** `MF-Binding`, when it came through Miniflare. */
  bindingName?: string;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** True when the request is Miniflare's remote-binding WebSocket (`GET /?MF-Binding=NAME`, `Upgrade: websocket`). */
export function isMiniflareSession(url: string, headers: IncomingHttpHeaders): boolean {
  return url.startsWith('/?') && /(^|&)MF-Binding=/i.test(url.slice(2)) && single(headers['mf-url']) === undefined;
}

/** True when the request speaks the binding's protocol (bare, or in Miniflare's envelope). */
export function isBindingRequest(url: string, headers: IncomingHttpHeaders): boolean {
  if (headers['mf-url'] !== undefined) return true;
  if (isMiniflareSession(url, headers)) return true;
  return BINDING_PREFIXES.some((prefix) => url.startsWith(prefix) && (url.length === prefix.length || prefix.endsWith('/') || url[prefix.length] === '?' || url[prefix.length] === '/'));
}

/**
 * The call behind a request: Miniflare's envelope unwrapped (`MF-Header-*` become the headers, `MF-URL` the URL),
 * or the bare request as it is. Undefined when `MF-URL` is not a URL.
 */
export function unwrapBindingRequest(method: string, url: string, headers: IncomingHttpHeaders): BindingCall | undefined {
  const forwarded = single(headers['mf-url']);
  if (forwarded === undefined) {
    const own: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(headers)) own[name] = single(value);
    return { method, url: new URL(url, 'https://workers-binding.ai'), headers: own };
  }
  let original: URL;
  try {
    original = new URL(forwarded);
  } catch {
    return undefined;
  }
  const inner: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('mf-header-')) inner[name.slice('mf-header-'.length)] = single(value);
  }
  if (headers.upgrade !== undefined) inner.upgrade = single(headers.upgrade);
  const call: BindingCall = { method, url: original, headers: inner };
  const name = single(headers['mf-binding']);
  if (name !== undefined) call.bindingName = name;
  return call;
}
