import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract } from './src/contract/load.js';
import { buildPact, writePact } from './src/pact/export.js';
import { verifyPacts } from './src/pact/verify.js';
import { startEmulator } from './src/emulator/index.js';
const c = loadContract();
const dir = mkdtempSync(join(tmpdir(), 'pact-'));
const models = process.argv[2] ? process.argv[2].split(',') : ['**'];
const faults = process.argv[3] ? process.argv[3].split(',') : [];
const { pact } = buildPact(c, { models });
writePact(pact, dir);
const emu = await startEmulator({ host: '127.0.0.1', port: 0, token: 'secret-token', faults, contract: c });
const t = Date.now();
try {
  const out = await verifyPacts({ pacts: dir, providerBaseUrl: `${emu.url}/client/v4`, layout: { kind: 'rest', accountId: 'acct' }, headers: { Authorization: 'Bearer secret-token' } });
  console.log('passed', out.passed, 'failed', out.failed, 'ms', Date.now() - t);
  for (const r of out.results.filter((r) => r.status === 'failed').slice(0, 30)) console.log(r.description, '\n   ', r.messages.slice(0, 4).join('\n    '));
} finally { await emu.close(); }
