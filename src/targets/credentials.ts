/** @module Cloudflare credentials, read from the environment only (never from flags, never printed). */
import { ConfigurationError } from './errors.js';

/** How requests authenticate to Cloudflare. */
export type CloudflareAuth =
  | { kind: 'token'; token: string }
  | { kind: 'key'; email: string; key: string };

/** Everything a target may need to authenticate. */
export interface Credentials {
  /** `CLOUDFLARE_API_TOKEN`, else `CLOUDFLARE_EMAIL` + `CLOUDFLARE_API_KEY`. */
  auth?: CloudflareAuth;
  /** `CLOUDFLARE_GATEWAY_TOKEN`, sent as `cf-aig-authorization` to an authenticated gateway. */
  gatewayToken?: string;
}

/** An environment to read from, e.g. `process.env`. */
export type Env = Record<string, string | undefined>;

/** Trimmed value, or undefined when unset or blank (a blank variable is as good as none). */
function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/**
 * Reads whatever credentials the environment holds. Throws ConfigurationError only for a
 * half-set pair (`CLOUDFLARE_EMAIL` without `CLOUDFLARE_API_KEY` or the reverse), which is a
 * mistake worth reporting rather than silently ignoring.
 */
export function readCredentials(env: Env): Credentials {
  const credentials: Credentials = {};
  const token = value(env, 'CLOUDFLARE_API_TOKEN');
  const email = value(env, 'CLOUDFLARE_EMAIL');
  const key = value(env, 'CLOUDFLARE_API_KEY');
  if (token) {
    credentials.auth = { kind: 'token', token };
  } else if (email && key) {
    credentials.auth = { kind: 'key', email, key };
  } else if (email || key) {
    const missing = email ? 'CLOUDFLARE_API_KEY' : 'CLOUDFLARE_EMAIL';
    throw new ConfigurationError(
      `${missing} is not set: CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY go together (or set CLOUDFLARE_API_TOKEN instead).`,
    );
  }
  const gatewayToken = value(env, 'CLOUDFLARE_GATEWAY_TOKEN');
  if (gatewayToken) credentials.gatewayToken = gatewayToken;
  return credentials;
}

/**
 * Reads credentials a `live` or `gateway` target cannot run without. Throws ConfigurationError
 * naming the variables to set (and no value) when there are none, before any request is made.
 */
export function requireCredentials(env: Env, target: 'live' | 'gateway'): Credentials & { auth: CloudflareAuth } {
  const credentials = readCredentials(env);
  if (!credentials.auth) {
    throw new ConfigurationError(
      `The ${target} target needs Cloudflare credentials in the environment: set CLOUDFLARE_API_TOKEN ` +
        `(an API token with Workers AI read and edit permissions), or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY. ` +
        `Credentials are never taken from flags.`,
    );
  }
  return { ...credentials, auth: credentials.auth };
}

/** The credential strings themselves, for redaction. */
export function secretsOf(credentials: Credentials): string[] {
  const secrets: string[] = [];
  if (credentials.auth?.kind === 'token') secrets.push(credentials.auth.token);
  if (credentials.auth?.kind === 'key') secrets.push(credentials.auth.key, credentials.auth.email);
  if (credentials.gatewayToken) secrets.push(credentials.gatewayToken);
  return secrets;
}
