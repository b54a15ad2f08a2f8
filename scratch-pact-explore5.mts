import { loadContract } from './src/contract/load.js';
import { exampleRequest, exampleOutput, invalidExampleRequest, buildPact } from './src/pact/export.js';
const c = loadContract();
const t0 = Date.now();
for (const m of c.models.values()) {
  if (m.facts.transport !== 'http') continue;
  const req = exampleRequest(c, m);
  const out = m.facts.response.envelope ? exampleOutput(c, m) : 'binary';
  const inv = req && 'json' in req ? invalidExampleRequest(c, m, req.json) : undefined;
  const s = req ? ('json' in req ? JSON.stringify(req.json).slice(0, 90) : `raw ${req.contentType}`) : 'NONE';
  console.log(m.id.padEnd(50), s.padEnd(92), '| out', JSON.stringify(out)?.slice(0, 60), '| inv', inv?.broken);
}
console.log('ms', Date.now() - t0);
const t1 = Date.now(); const { pact, notes } = buildPact(c, { models: ['**'] }); console.log('all', pact.interactions.length, Date.now() - t1, notes);
