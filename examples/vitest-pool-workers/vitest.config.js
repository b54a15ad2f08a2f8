// The emulator stands in for Workers AI: the global setup starts it, workersAiEmulator() points the
// pool's Miniflare `ai` binding at it (with remoteBindings: false, so nothing logs in).
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { globalSetup, workersAiEmulator } from 'workers-ai-conformance/vitest-pool-workers';

export default defineConfig({
  plugins: [cloudflareTest(workersAiEmulator({ wrangler: { configPath: './wrangler.jsonc' } }))],
  test: { globalSetup: [globalSetup] },
});
