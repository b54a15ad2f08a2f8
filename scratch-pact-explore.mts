import { loadContract } from './src/contract/load.js';
const c = loadContract();
const kw = (s: unknown, acc = new Set<string>()): Set<string> => { if (Array.isArray(s)) s.forEach((x) => kw(x, acc)); else if (s && typeof s === 'object') for (const [k, v] of Object.entries(s)) { if (['anyOf','oneOf','allOf','not','if','pattern','const','enum','prefixItems','$ref','type'].includes(k)) acc.add(k === 'type' && Array.isArray(v) ? 'type[]' : k); if (k !== 'enum' && k !== 'const') kw(v, acc); } return acc; };
const byTask = new Map<string, string[]>();
for (const m of c.models.values()) {
  const o = c.inlinedSchema(m, 'output');
  const line = `${m.id} ${m.facts.response.contentType} env=${m.facts.response.envelope} ${m.facts.outputStyle ?? ''} ${m.facts.transport} [${[...kw(o)].join(',')}]`;
  byTask.set(m.task, [...(byTask.get(m.task) ?? []), line]);
}
for (const [t, ls] of byTask) { console.log('##', t, ls.length); for (const l of ls.slice(0, 40)) console.log('  ', l); }
