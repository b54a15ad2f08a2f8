/** @module The `url` target: any server with the REST layout (a mock, an emulator, a vendor). */
import { readCredentials, type CloudflareAuth, type Env } from './credentials.js';
import { HttpTarget, type TransportOptions } from './http-target.js';
import { trimRoot } from './layout.js';

/**
 * Sent when the environment has no credentials: mocks and emulators want some bearer token
 * (they answer 401 without one) but accept any.
 */
export const PLACEHOLDER_TOKEN = 'wai-conformance-placeholder-token';

/** Options of the url target. */
export interface UrlTargetOptions extends TransportOptions {
  /** The API root: requests go to `{baseUrl}/accounts/{account}/ai/...`. */
  baseUrl: string;
  accountId: string;
  /** Credentials are used when present (a vendor may need them), else a placeholder token. */
  env: Env;
}

/** A server with the REST layout at `baseUrl`. */
export function createUrlTarget(options: UrlTargetOptions): HttpTarget {
  const { env, accountId, baseUrl, ...transport } = options;
  const credentials = readCredentials(env);
  const auth: CloudflareAuth = credentials.auth ?? { kind: 'token', token: PLACEHOLDER_TOKEN };
  const root = trimRoot(baseUrl);
  return new HttpTarget({
    ...transport,
    kind: 'url',
    layout: { kind: 'rest', root, accountId },
    baseUrl: root,
    auth,
    secrets: credentials.gatewayToken ? [credentials.gatewayToken] : [],
  });
}
