/**
 * @module EXPERIMENTAL. A Miniflare external plugin that makes an `ai` binding local, for `wrangler dev`: the binding
 * is the real binding class (`cloudflare-internal:ai-api`) with its fetcher pointed at the emulator (started here on a
 * free port, or `options.url`). Wrangler 4 treats `ai` as always remote, so the binding is declared as an unsafe
 * binding with a `dev.plugin` in a dev-only environment (unsafe bindings are uploaded on deploy):
 *
 * ```jsonc
 * "env": { "local": { "unsafe": { "bindings": [{ "name": "AI", "type": "ai",
 *   "dev": { "plugin": { "package": "workers-ai-conformance/wrangler-plugin", "name": "workers-ai-emulator" }, "options": {} } }] } } }
 * ```
 * External plugins are an undocumented, experimental Miniflare interface: this may break with any Miniflare release.
 */
import type { RunningEmulator } from './index.js';
import { startBindingEmulator } from './binding-miniflare.js';

/** An unsafe binding as Miniflare hands it to an external plugin. */
interface UnsafeBinding {
  name: string;
  type: string;
  options?: { url?: unknown };
}

let started: Promise<RunningEmulator> | undefined;

/** The emulator the bindings use: one per process, started on first use, never keeping the process alive. */
function emulator(): Promise<RunningEmulator> {
  started ??= startBindingEmulator().then((running) => {
    running.server.unref();
    return running;
  });
  return started;
}

const serviceName = (binding: UnsafeBinding): string => `wai-conformance-ai:${binding.name}`;

async function backendAddress(binding: UnsafeBinding): Promise<string> {
  if (typeof binding.options?.url === 'string') return new URL(binding.options.url).host;
  const running = await emulator();
  return `${running.host}:${running.port}`;
}

/** The plugin, under the name wrangler.jsonc gives in `dev.plugin.name`. */
export const plugins = {
  'workers-ai-emulator': {
    /** Miniflare validates only its own plugins' options; the unsafe bindings arrive as they are. */
    options: undefined,
    async getBindings(bindings: UnsafeBinding[] | undefined) {
      return (bindings ?? []).map((binding) => ({
        name: binding.name,
        wrapped: { moduleName: 'cloudflare-internal:ai-api', innerBindings: [{ name: 'fetcher', service: { name: serviceName(binding) } }] },
      }));
    },
    getNodeBindings() {
      return {};
    },
    async getServices({ options }: { options: UnsafeBinding[] | undefined }) {
      return Promise.all((options ?? []).map(async (binding) => ({ name: serviceName(binding), external: { address: await backendAddress(binding), http: {} } })));
    },
  },
};
