import { loadContract } from './src/contract/load.js';
const c = loadContract();
for (const id of process.argv.slice(2)) { const m = c.model(id)!; console.log('###', id, m.facts.outputStyle); console.log(JSON.stringify(c.inlinedSchema(m, 'output'), null, 1).slice(0, 3000)); }
