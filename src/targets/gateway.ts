/** @module The `gateway` target: Workers AI through Cloudflare AI Gateway. */
import { requireCredentials, type Env } from './credentials.js';
import { HttpTarget, type TransportOptions } from './http-target.js';
import { gatewayRoot } from './layout.js';

/** AI Gateway's API root; a gateway's Workers AI root is `{this}/{account}/{gateway}/workers-ai`. */
export const GATEWAY_BASE_URL = 'https://gateway.ai.cloudflare.com/v1';

/** Options of the gateway target. */
export interface GatewayTargetOptions extends TransportOptions {
  accountId: string;
  gatewayId: string;
  /** Where the environment's credentials come from (e.g. `process.env`). */
  env: Env;
  /** Another gateway root with the same layout (e.g. the emulator's `{url}/v1`); default {@link GATEWAY_BASE_URL}. */
  baseUrl?: string;
}

/**
 * Workers AI through AI Gateway: `{root}/{model}` and `{root}/v1/{endpoint}`; the catalogue is
 * not served (`supports` says so). Sends the Cloudflare credentials, plus
 * `cf-aig-authorization` when `CLOUDFLARE_GATEWAY_TOKEN` is set. Throws ConfigurationError
 * when the environment has no Cloudflare credentials, before anything is sent.
 */
export function createGatewayTarget(options: GatewayTargetOptions): HttpTarget {
  const { env, accountId, gatewayId, baseUrl, ...transport } = options;
  const { auth, gatewayToken } = requireCredentials(env, 'gateway');
  const root = gatewayRoot(baseUrl ?? GATEWAY_BASE_URL, accountId, gatewayId);
  return new HttpTarget({
    ...transport,
    kind: 'gateway',
    layout: { kind: 'gateway', root },
    baseUrl: root,
    auth,
    ...(gatewayToken ? { gatewayToken } : {}),
  });
}
