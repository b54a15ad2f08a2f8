/**
 * @module Miniflare wiring: the `ai` option that makes a Worker's real `env.AI` binding (workerd's own class) talk to
 * a running emulator instead of Cloudflare. Miniflare forwards every binding call to
 * `ai.remoteProxyConnectionString` in its envelope (`MF-URL`, `MF-Header-*`), which the emulator unwraps.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './index.js';

/** Miniflare's branded URL type for `remoteProxyConnectionString` (declared here so miniflare stays a dev dependency). */
export type RemoteProxyConnectionString = URL & { __brand: 'RemoteProxyConnectionString' };

/** The Miniflare `ai` option for an emulator. */
export interface MiniflareAiOptions {
  ai: { binding: string; remoteProxyConnectionString: RemoteProxyConnectionString };
}

/**
 * Miniflare options (`new Miniflare({ ...script, ...miniflareAiOptions(emulator.url) })`) that point the `AI` binding
 * (or `binding`) at the emulator at `emulatorUrl` (`http://HOST:PORT`, as `startEmulator` gives it).
 */
export function miniflareAiOptions(emulatorUrl: string, binding = 'AI'): MiniflareAiOptions {
  let url: URL;
  try {
    url = new URL(emulatorUrl);
  } catch {
    throw new TypeError(`miniflareAiOptions: emulatorUrl should be the emulator's http://HOST:PORT, got ${JSON.stringify(emulatorUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`miniflareAiOptions: emulatorUrl should be http(s), got ${JSON.stringify(emulatorUrl)}`);
  if (typeof binding !== 'string' || binding === '') throw new TypeError('miniflareAiOptions: binding should be the binding name, such as "AI"');
  return { ai: { binding, remoteProxyConnectionString: new URL(`${url.origin}/`) as RemoteProxyConnectionString } };
}

/** Starts an emulator for bindings on 127.0.0.1 and a free port (the binding face needs no token). */
export function startBindingEmulator(options: Omit<EmulatorOptions, 'host' | 'port'> = {}): Promise<RunningEmulator> {
  return startEmulator({ ...options, host: '127.0.0.1', port: 0 });
}
