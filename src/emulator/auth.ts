/**
 * @module Credentials of the emulated API. Like Cloudflare's v4 API it takes `Authorization: Bearer <token>`
 * or `X-Auth-Email` + `X-Auth-Key`; without either it answers 401 / 10000, and a credential it does not
 * accept gets 403 / 10000 (spec/openapi.yaml `x-wai.authentication`). An authenticated AI Gateway also
 * wants `cf-aig-authorization: Bearer <gateway token>` (401 / 2009 otherwise).
 */
import type { ErrorName } from './errors.js';

export interface AuthOptions {
  /** When set, only `Authorization: Bearer <token>` with exactly this token is accepted. */
  token?: string;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** RFC 6750 `b64token`: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** True for a token that RFC 6750's `b64token` syntax allows. */
export function isBearerToken(token: string): boolean {
  return B64TOKEN.test(token);
}

/**
 * The bearer token of an `Authorization`-style value (`Bearer 1*SP b64token`, RFC 6750 2.1), or undefined
 * when it is not one. Only spaces separate scheme and token: a no-break space or a tab is not trimmed away,
 * and a token with characters outside b64token is refused, as RFC 6750 requires.
 */
export function bearerToken(value: string): string | undefined {
  if (value.length < 8 || value.charCodeAt(6) !== 0x20 || value.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  let start = 7;
  while (value.charCodeAt(start) === 0x20) start++;
  const token = value.slice(start);
  return isBearerToken(token) ? token : undefined;
}

/** Checks the API credentials; returns the error to answer, or undefined when they are accepted. */
export function checkCredentials(headers: Headers, options: AuthOptions): ErrorName | undefined {
  const authorization = header(headers, 'authorization');
  const email = header(headers, 'x-auth-email');
  const key = header(headers, 'x-auth-key');
  if (authorization === undefined && email === undefined && key === undefined) return 'authMissing';
  if (authorization !== undefined) {
    const token = bearerToken(authorization);
    if (token === undefined) return 'authRejected';
    if (options.token !== undefined && token !== options.token) return 'authRejected';
    return undefined;
  }
  // Global API key: both headers, non-empty; not accepted when the emulator is pinned to one token.
  if (!email || !key || options.token !== undefined) return 'authRejected';
  return undefined;
}

/** Checks `cf-aig-authorization` of an authenticated gateway; undefined when accepted. */
export function checkGatewayCredentials(headers: Headers, gatewayToken: string | undefined): ErrorName | undefined {
  if (gatewayToken === undefined) return undefined;
  const value = header(headers, 'cf-aig-authorization');
  const token = value === undefined ? undefined : bearerToken(value);
  return token === gatewayToken ? undefined : 'gatewayUnauthorized';
}
