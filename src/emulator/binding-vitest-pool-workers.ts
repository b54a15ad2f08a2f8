/**
 * @module @cloudflare/vitest-pool-workers wiring: a global setup that starts the emulator once for the test run and
 * provides its URL, and a config helper that hands the pool's Miniflare the `ai` option pointing at it (with
 * `remoteBindings: false`, so nothing tries to log in). Tests then call the real `env.AI` binding, with no account.
 *
 * ```ts
 * import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
 * import { defineConfig } from 'vitest/config';
 * import { globalSetup, workersAiEmulator } from 'workers-ai-conformance/vitest-pool-workers';
 * export default defineConfig({
 *   plugins: [cloudflareTest(workersAiEmulator({ wrangler: { configPath: './wrangler.jsonc' } }))],
 *   test: { globalSetup: [globalSetup] },
 * });
 * ```
 */
import { fileURLToPath } from 'node:url';
import { miniflareAiOptions } from './binding-miniflare.js';

/** The key under which the global setup provides the emulator's URL (`inject(EMULATOR_URL_KEY)`). */
export const EMULATOR_URL_KEY = 'workersAiEmulatorUrl';

/** The path of the global setup module, for `test.globalSetup`. */
export const globalSetup: string = fileURLToPath(new URL('./binding-vitest-global-setup.js', import.meta.url));

/** The part of the pool's options the helper touches (the rest passes through untouched). */
export interface PoolOptionsLike {
  miniflare?: Record<string, unknown>;
  remoteBindings?: boolean;
  [key: string]: unknown;
}

/** What the pool hands an options function. */
export interface PoolOptionsContext {
  inject: (key: never) => unknown;
}

/**
 * Wraps the pool's options (an object or the pool's options function) so the `binding` (default `AI`) goes to the
 * emulator the global setup started. Without that global setup it throws, saying what to add.
 */
export function workersAiEmulator<T extends PoolOptionsLike>(
  options: T | ((context: PoolOptionsContext) => T | Promise<T>) = {} as T,
  settings: { binding?: string } = {},
): (context: PoolOptionsContext) => Promise<T> {
  return async (context) => {
    const base = typeof options === 'function' ? await options(context) : options;
    const url = (context.inject as (key: string) => unknown)(EMULATOR_URL_KEY);
    if (typeof url !== 'string') {
      throw new Error(`workersAiEmulator: no emulator URL was provided; add the global setup: test: { globalSetup: [globalSetup] } (globalSetup from 'workers-ai-conformance/vitest-pool-workers')`);
    }
    return { ...base, remoteBindings: false, miniflare: { ...base.miniflare, ...miniflareAiOptions(url, settings.binding) } };
  };
}
