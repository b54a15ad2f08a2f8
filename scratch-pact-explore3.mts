import { loadContract } from './src/contract/load.js';
const c = loadContract();
const styles = new Map<string, string[]>();
for (const m of c.models.values()) if (m.task === 'text-generation') styles.set(m.facts.outputStyle ?? '?', [...(styles.get(m.facts.outputStyle ?? '?') ?? []), m.id]);
for (const [s, ids] of styles) console.log(s, ids.length, ids.slice(0, 5).join(' '));
const pick = [...(styles.get('chat-completions') ?? []).slice(0,1), ...(styles.get('responses') ?? []).slice(0,1)];
for (const id of pick) { const m = c.model(id)!; console.log('###', id); console.log(JSON.stringify(c.inlinedSchema(m, 'output')).slice(0, 2500)); }
