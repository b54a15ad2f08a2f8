/**
 * The partner models end to end through the real CLI: `run` against the emulator judges its POST /ai/run answers
 * conformant, and against a server answering the v4 envelope instead of the catalogue's form, partner.answer fails.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/harness/options.js';
import { runConformance } from '../../src/harness/session.js';
import { spawnCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wai-partner-'));
let stub: Server;
let stubUrl = '';
beforeAll(async () => {
  // Answers every POST /ai/run as /ai/run/{model} answers Workers AI models: the v4 envelope, never the partner form.
  stub = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, result: { audio: 'https://example.com/a.mp3' }, errors: [], messages: [] }));
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => stub.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface Result {
  model: string | null;
  task: string;
  endpoint: string;
  check: string;
  status: string;
  failures: { message: string }[];
}
const partnerResults = (reportDir: string): Result[] => (JSON.parse(readFileSync(join(reportDir, 'conformance.json'), 'utf8')) as { results: Result[] }).results.filter((r) => r.check === 'partner.answer');

describe('partner models (POST /ai/run, model in the body)', () => {
  it('the emulator answers a partner model conformantly: a Completed answer and a Failed refusal', async () => {
    const reportDir = join(dir, 'emulator');
    const result = await spawnCli(['run', '--models', 'inworld/tts-1.5-mini', '--report-dir', reportDir, '--reporters', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(partnerResults(reportDir).map((r) => [r.model, r.task, r.endpoint, r.status])).toEqual([
      ['inworld/tts-1.5-mini', 'text-to-speech', 'POST /ai/run (partner model)', 'passed'],
      ['inworld/tts-1.5-mini', 'text-to-speech', 'POST /ai/run (partner model, invalid input)', 'passed'],
    ]);
  });

  it('env.AI.run of a partner model (createAi over the emulator\'s binding face) resolves to the same forms', async () => {
    const module = fileURLToPath(new URL('../fixtures/binding/defective-ai.js', import.meta.url));
    const report = await runConformance({ ...DEFAULT_OPTIONS, target: 'binding', bindingModule: `${module}#faithful`, models: ['bytedance/seedream-4.0'], seed: 7, reportDir: '/nonexistent' });
    expect(report.results.filter((r) => r.check === 'partner.answer').map((r) => [r.model, r.endpoint, r.status])).toEqual([
      ['bytedance/seedream-4.0', 'POST /ai/run (partner model)', 'passed'],
      ['bytedance/seedream-4.0', 'POST /ai/run (partner model, invalid input)', 'passed'],
    ]);
  });

  it('a server answering the v4 envelope in place of the partner form fails partner.answer', async () => {
    const reportDir = join(dir, 'stub');
    const result = await spawnCli(['run', '--target', 'url', '--base-url', stubUrl, '--account-id', 'acct', '--models', 'inworld/tts-1.5-mini', '--checks', 'partner.answer', '--report-dir', reportDir, '--reporters', 'json'], { CLOUDFLARE_API_TOKEN: 'test' });
    expect(result.code, result.stderr).toBe(1);
    const [valid, invalid] = partnerResults(reportDir);
    expect(valid!.status).toBe('failed');
    expect(valid!.failures[0]!.message).toMatch(/^POST \/ai\/run \(inworld\/tts-1\.5-mini\): .*state/);
    // The invalid input answered 200: the missing form is an error, the unrecorded enforcement a warning.
    expect(invalid!.status).toBe('failed');
  });
});
