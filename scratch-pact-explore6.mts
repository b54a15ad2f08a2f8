import { loadContract } from './src/contract/load.js';
const c = loadContract();
const props = (s: any, d = 0): string => { if (!s || typeof s !== 'object') return String(s); const out: string[] = []; if (s.type) out.push(`type=${JSON.stringify(s.type)}`); if (s.required) out.push(`req=${s.required}`); if (s.properties) out.push(`props=${Object.keys(s.properties).join(',')}`); for (const k of ['anyOf','oneOf','allOf']) if (s[k] && d < 2) out.push(`${k}[${s[k].map((b: any) => props(b, d + 1)).join(' | ')}]`); return `{${out.join(' ')}}`; };
for (const id of ['@cf/meta/llama-2-7b-chat-int8','@cf/qwen/qwen3-embedding-0.6b','@cf/deepgram/nova-3','@cf/openai/gpt-oss-20b','@cf/microsoft/resnet-50','@cf/baai/bge-m3', '@cf/black-forest-labs/flux-2-dev']) { const m = c.model(id)!; console.log(id, m.facts.rawInput, props(c.inlinedSchema(m, 'input'))); }
const n = c.model('@cf/deepgram/nova-3')!; console.log(JSON.stringify((c.inlinedSchema(n,'input') as any).properties?.audio));
