import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';

it('makes 10 env.AI.run calls', async () => {
  for (let i = 0; i < 4; i++) {
    const { response } = await env.AI.run('@cf/meta/llama-3.1-8b-instruct', { prompt: `Question ${i}?`, max_tokens: 32 });
    expect(typeof response).toBe('string');
  }
  for (let i = 0; i < 3; i++) {
    const { data } = await env.AI.run('@cf/baai/bge-small-en-v1.5', { text: `text ${i}` });
    expect(data[0]).toHaveLength(384);
  }
  for (let i = 0; i < 3; i++) {
    const labels = await env.AI.run('@cf/huggingface/distilbert-sst-2-int8', { text: `I like ${i}` });
    expect(labels.length).toBe(2);
  }
});
