/** @module Targets: create one from the CLI's options, with every option checked before anything starts. */
import { Budget } from './budget.js';
import type { Env } from './credentials.js';
import { ConfigurationError } from './errors.js';
import { createGatewayTarget } from './gateway.js';
import type { HttpTarget, TransportOptions } from './http-target.js';
import type { PathStyle } from './layout.js';
import { createLiveTarget } from './live.js';
import type { RetryPolicy } from './retry.js';
import type { EmulatorSettings } from './emulator.js';
import type { TargetKind } from './types.js';
import { createUrlTarget } from './url.js';

export { Budget } from './budget.js';
export { ConfigurationError } from './errors.js';
export { readCredentials, requireCredentials, type Credentials, type CloudflareAuth, type Env } from './credentials.js';
export { HttpTarget, DEFAULT_CONCURRENCY, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, type HttpTargetOptions, type TransportOptions } from './http-target.js';
export { buildUrl, modelPath, supportsOperation, type Layout, type PathStyle } from './layout.js';
export { Limiter } from './limiter.js';
export { REDACTED, Redactor, recordBody } from './redact.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { LIVE_BASE_URL } from './live.js';
export { GATEWAY_BASE_URL } from './gateway.js';
export { PLACEHOLDER_TOKEN } from './url.js';
export type { EmulatorSettings } from './emulator.js';
export type * from './types.js';

/** Account id used by emulator and url targets when none is given (they accept any). */
export const PLACEHOLDER_ACCOUNT_ID = '0123456789abcdef0123456789abcdef';

const KINDS: readonly TargetKind[] = ['emulator', 'live', 'gateway', 'url'];
const PATH_STYLES: readonly PathStyle[] = ['raw', 'encoded'];

/** What `createTarget` takes: the CLI's target flags, and the environment for credentials. */
export interface CreateTargetOptions {
  kind: TargetKind;
  /** `--base-url`: required for `url`; for `live` and `gateway` it replaces the default root. */
  baseUrl?: string;
  /** `--account-id`; default `$CLOUDFLARE_ACCOUNT_ID` (required for live and gateway). */
  accountId?: string;
  /** `--gateway-id`; default `$CLOUDFLARE_GATEWAY_ID` (required for gateway). */
  gatewayId?: string;
  /** `--path-style` (default `raw`). */
  pathStyle?: PathStyle;
  /** `--timeout` in ms, per request. */
  timeoutMs?: number;
  /** `--max-requests`: a hard budget. */
  maxRequests?: number;
  /** `--concurrency`: requests in flight. */
  concurrency?: number;
  /** The only source of credentials (e.g. `process.env`). */
  env: Env;
  /** A budget shared with other targets; overrides `maxRequests`. */
  budget?: Budget;
  retry?: Partial<RetryPolicy>;
  maxResponseBytes?: number;
  /** Emulator target only: faults, the emulator's other options, and the layout to test. */
  emulator?: EmulatorSettings;
}

function fail(message: string): never {
  throw new ConfigurationError(message);
}

function checkInteger(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) fail(`${name} should be an integer of at least ${min}, got ${String(value)}`);
}

/** An http(s) URL without credentials, query or fragment, as the API root must be. */
function checkBaseUrl(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return fail(`--base-url should be an absolute http(s) URL such as http://127.0.0.1:8787/client/v4, got "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`--base-url should use http or https, got "${url.protocol}"`);
  // Credentials come only from the environment; a URL with them would also leak into reports.
  if (url.username || url.password) fail('--base-url must not contain credentials; set CLOUDFLARE_API_TOKEN in the environment instead');
  if (url.search || url.hash) fail(`--base-url should be an API root without query or fragment, got "${baseUrl}"`);
}

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Creates the target a run asks for. Every option is checked first, and a problem (unknown
 * kind, `url` without `--base-url`, `gateway` without a gateway id, `live` without
 * credentials) throws ConfigurationError before any server is started or request sent.
 */
export async function createTarget(options: CreateTargetOptions): Promise<HttpTarget> {
  const { kind, env } = options;
  if (!KINDS.includes(kind)) fail(`--target should be one of ${KINDS.join(', ')}, got "${String(kind)}"`);
  const pathStyle = options.pathStyle ?? 'raw';
  if (!PATH_STYLES.includes(pathStyle)) fail(`--path-style should be raw or encoded, got "${String(pathStyle)}"`);
  checkInteger('--timeout', options.timeoutMs, 1);
  checkInteger('--concurrency', options.concurrency, 1);
  checkInteger('--max-requests', options.maxRequests, 0);
  checkInteger('maxResponseBytes', options.maxResponseBytes, 1);
  if (options.baseUrl !== undefined) checkBaseUrl(options.baseUrl);
  if (options.emulator && kind !== 'emulator') fail(`emulator options (such as faults) apply only to --target emulator, not ${kind}`);

  const transport: TransportOptions = { pathStyle };
  if (options.timeoutMs !== undefined) transport.timeoutMs = options.timeoutMs;
  if (options.concurrency !== undefined) transport.concurrency = options.concurrency;
  if (options.maxResponseBytes !== undefined) transport.maxResponseBytes = options.maxResponseBytes;
  if (options.retry) transport.retry = options.retry;
  transport.budget = options.budget ?? new Budget(options.maxRequests ?? Infinity);

  const accountId = options.accountId?.trim() || envValue(env, 'CLOUDFLARE_ACCOUNT_ID');
  const gatewayId = options.gatewayId?.trim() || envValue(env, 'CLOUDFLARE_GATEWAY_ID');
  if (options.gatewayId !== undefined && kind !== 'gateway' && kind !== 'emulator') {
    fail(`--gateway-id applies only to --target gateway (or the emulator's gateway layout), not ${kind}`);
  }

  switch (kind) {
    case 'emulator': {
      if (options.baseUrl !== undefined) {
        fail('--base-url does not apply to --target emulator (it starts on a free port); to test a running emulator use --target url --base-url http://HOST:PORT/client/v4');
      }
      const { createEmulatorTarget } = await import('./emulator.js');
      const emulator: EmulatorSettings = { ...options.emulator };
      if (gatewayId && !emulator.gatewayId) emulator.gatewayId = gatewayId;
      return createEmulatorTarget({ ...transport, accountId: accountId ?? PLACEHOLDER_ACCOUNT_ID, emulator });
    }
    case 'url':
      if (options.baseUrl === undefined) fail('--target url needs --base-url, the API root (e.g. http://127.0.0.1:4010 for Prism, http://127.0.0.1:8787/client/v4 for the emulator)');
      return createUrlTarget({ ...transport, baseUrl: options.baseUrl, accountId: accountId ?? PLACEHOLDER_ACCOUNT_ID, env });
    case 'live':
      if (!accountId) fail('--target live needs an account id: pass --account-id or set CLOUDFLARE_ACCOUNT_ID');
      return createLiveTarget({ ...transport, accountId, env, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
    case 'binding':
    case 'miniflare':
      return fail(`--target ${kind} is binding-shaped, not HTTP: create it with createBindingTarget (src/targets/binding.ts)`);
    case 'gateway':
      if (!accountId) fail('--target gateway needs an account id: pass --account-id or set CLOUDFLARE_ACCOUNT_ID');
      if (!gatewayId) fail('--target gateway needs a gateway id: pass --gateway-id or set CLOUDFLARE_GATEWAY_ID');
      return createGatewayTarget({ ...transport, accountId, gatewayId, env, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });
  }
}
