import { loadContract } from './src/contract/load.js';
const c = loadContract();
const m = c.model('@cf/meta/llama-3.1-8b-instruct')!;
console.log(c.validateModel(m, 'input', { prompt: 'hi', max_tokens: 'many' }));
console.log(c.validateEnvelope(m, { success: true, result: { answer: 'x' } }));
console.log(JSON.stringify(c.inlinedSchema(m, 'input')).slice(0, 1500));
