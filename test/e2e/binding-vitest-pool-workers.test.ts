/**
 * @module examples/vitest-pool-workers runs as a user runs it: vitest with @cloudflare/vitest-pool-workers (workerd from
 * npm), the package's global setup and config helper, the Worker's real `env.AI` answered by the emulator. No account,
 * no network.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
