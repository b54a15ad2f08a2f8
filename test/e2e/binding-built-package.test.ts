/**
 * @module The wirings that load the built package (dist/) as a user's tools do, one after another (they share the
 * build): examples/vitest-pool-workers run by vitest with @cloudflare/vitest-pool-workers (workerd from npm, the
 * package's global setup and config helper, no account, no network), and the experimental Miniflare external plugin
 * that `wrangler dev` loads from an unsafe binding's `dev.plugin`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { expect, test } from 'vitest';
import { preparePackageFor, ROOT } from '../helpers/built-package.js';

const run = promisify(execFile);

test('the vitest-pool-workers example passes against the emulator', async () => {
  const example = join(ROOT, 'examples/vitest-pool-workers');
  preparePackageFor(example);
  const env: NodeJS.ProcessEnv = { ...process.env, CLOUDFLARE_API_TOKEN: '', CLOUDFLARE_ACCOUNT_ID: '', NO_COLOR: '1', CI: 'true' };
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: example, env, timeout: 180_000 });
  expect(stdout).toMatch(/Tests\s+5 passed \(5\)/);
}, 200_000);

test('unsafe binding + external plugin: env.AI answers from the emulator', async () => {
  preparePackageFor(join(ROOT, 'examples/wrangler-dev'));
  const mf = new Miniflare({
    modules: true,
    compatibilityDate: '2025-09-01',
    script: `export default { async fetch(request, env) {
      const answer = await env.AI.run('@cf/baai/bge-small-en-v1.5', { text: 'hello' });
      const error = await env.AI.run('@cf/nobody/none', { prompt: 'x' }).catch((e) => e.name + ': ' + e.message);
      return Response.json({ shape: answer.shape, error });
    } }`,
    // What wrangler passes for `unsafe.bindings: [{ name: "AI", type: "ai", dev: { plugin, options } }]`; the package
    // is named by path here because this repository is not installed in its own node_modules.
    unsafeBindings: [{ name: 'AI', type: 'ai', plugin: { package: join(ROOT, 'dist/src/emulator/binding-wrangler-plugin.js'), name: 'workers-ai-emulator' }, options: {} }],
  });
  try {
    const response = await mf.dispatchFetch('http://worker.test/');
    expect(await response.json()).toEqual({ shape: [1, 384], error: 'InferenceUpstreamError: 5007: No such model @cf/nobody/none or task' });
  } finally {
    await mf.dispose();
  }
}, 60_000);
