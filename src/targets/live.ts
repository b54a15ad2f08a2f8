/** @module The `live` target: Cloudflare's REST API, with credentials from the environment. */
import { requireCredentials, type Env } from './credentials.js';
import { HttpTarget, type TransportOptions } from './http-target.js';
import { trimRoot } from './layout.js';

/** Cloudflare's API root. */
export const LIVE_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** Options of the live target. */
export interface LiveTargetOptions extends TransportOptions {
  accountId: string;
  /** Where the environment's credentials come from (e.g. `process.env`). */
  env: Env;
  /** Another root with the same layout (a staging API, a recording proxy); default {@link LIVE_BASE_URL}. */
  baseUrl?: string;
}

/**
 * The live Workers AI REST API: `{root}/accounts/{account}/ai/...`. Throws ConfigurationError
 * when the environment has no credentials, before anything is sent.
 */
export function createLiveTarget(options: LiveTargetOptions): HttpTarget {
  const { env, accountId, baseUrl, ...transport } = options;
  const { auth, gatewayToken } = requireCredentials(env, 'live');
  const root = trimRoot(baseUrl ?? LIVE_BASE_URL);
  // The gateway token is a credential too: not sent here, but kept out of records.
  return new HttpTarget({
    ...transport,
    kind: 'live',
    layout: { kind: 'rest', root, accountId },
    baseUrl: root,
    auth,
    secrets: gatewayToken ? [gatewayToken] : [],
  });
}
