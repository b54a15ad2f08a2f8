import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('the Worker, with env.AI answered by the emulator', () => {
  it('summarises', async () => {
    const response = await SELF.fetch('https://example.com/summary?text=Workers%20AI%20runs%20models%20at%20the%20edge');
    expect(response.status).toBe(200);
    const { summary } = await response.json();
    expect(typeof summary).toBe('string');
    expect(summary.length).toBeGreaterThan(0);
  });

  it('streams server-sent events that end with [DONE]', async () => {
    const body = await (await SELF.fetch('https://example.com/stream?text=hello')).text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('embeds with the model dimension', async () => {
    expect(await (await SELF.fetch('https://example.com/embed?text=hello')).json()).toEqual({ dimensions: 384 });
  });

  it('turns an unknown model into the binding error', async () => {
    const response = await SELF.fetch('https://example.com/model?id=@cf/nobody/nothing&text=hi');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ name: 'InferenceUpstreamError', error: '5007: No such model @cf/nobody/nothing or task' });
  });

  it('calls env.AI directly from the test', async () => {
    const models = await env.AI.models({ search: 'bge-small' });
    expect(models.map((m) => m.name)).toContain('@cf/baai/bge-small-en-v1.5');
  });
});
