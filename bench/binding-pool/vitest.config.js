// The backend is chosen by WAI_BENCH_BACKEND: `emulator` (the package's global setup) or `stub` (stub-setup.js, a
// hand-written server with canned answers). Both reach the Worker's real env.AI the same way (workersAiEmulator).
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { globalSetup, workersAiEmulator } from 'workers-ai-conformance/vitest-pool-workers';

const stub = fileURLToPath(new URL('./stub-setup.js', import.meta.url));

export default defineConfig({
  plugins: [cloudflareTest(workersAiEmulator({ wrangler: { configPath: './wrangler.jsonc' } }))],
  test: { include: ['test/*.test.js'], globalSetup: [process.env.WAI_BENCH_BACKEND === 'stub' ? stub : globalSetup] },
});
