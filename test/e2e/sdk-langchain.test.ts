/**
 * End to end: LangChain's Cloudflare integration (`@langchain/cloudflare` with `@langchain/core`), unmodified but for
 * `baseUrl`, against the emulator: the chat model (whole and streamed, over REST), the completion LLM, and the
 * embeddings class through a binding (our `createAi()`, as it takes `env.AI`). If LangChain fails, the emulator is wrong.
 */
import { ChatCloudflareWorkersAI, CloudflareWorkersAI, CloudflareWorkersAIEmbeddings } from '@langchain/cloudflare';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createAi } from '../../src/targets/create-ai.js';

const TOKEN = 'langchain-token';
const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353';
const LLAMA = '@cf/meta/llama-3.1-8b-instruct';

let emulator: RunningEmulator;
const baseUrl = () => `${emulator.url}/client/v4/accounts/${ACCOUNT}/ai/run`;

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN });
});

afterAll(async () => {
  await emulator?.close();
});

describe('@langchain/cloudflare', () => {
  it('ChatCloudflareWorkersAI answers a conversation, whole and streamed', async () => {
    const chat = new ChatCloudflareWorkersAI({ model: LLAMA, cloudflareAccountId: ACCOUNT, cloudflareApiToken: TOKEN, baseUrl: baseUrl(), maxRetries: 0 });
    const messages = [new SystemMessage('You are terse.'), new HumanMessage('Say hello')];
    const answer = await chat.invoke(messages);
    expect(typeof answer.content).toBe('string');
    expect((answer.content as string).length).toBeGreaterThan(0);

    let streamed = '';
    let chunks = 0;
    for await (const chunk of await chat.stream(messages)) {
      streamed += chunk.content as string;
      chunks++;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(streamed.length).toBeGreaterThan(0);
  });

  it('CloudflareWorkersAI completes a prompt', async () => {
    const llm = new CloudflareWorkersAI({ model: LLAMA, cloudflareAccountId: ACCOUNT, cloudflareApiToken: TOKEN, baseUrl: baseUrl(), maxRetries: 0 });
    const text = await llm.invoke('Tell me a joke');
    expect(typeof text).toBe('string');
    expect(text.length).toBeGreaterThan(0);
  });

  it('CloudflareWorkersAIEmbeddings embeds documents and a query through a binding, in batches', async () => {
    const ai = createAi({ url: emulator.url });
    const embeddings = new CloudflareWorkersAIEmbeddings({ binding: ai as never, model: '@cf/baai/bge-small-en-v1.5', batchSize: 2 });
    const documents = await embeddings.embedDocuments(['one', 'two', 'three']);
    expect(documents.map((d) => d.length)).toEqual([384, 384, 384]);
    expect((await embeddings.embedQuery('four')).length).toBe(384);
  });

  it('a refused request surfaces as LangChain reports it (no retries)', async () => {
    const chat = new ChatCloudflareWorkersAI({ model: '@cf/nobody/no-such-model', cloudflareAccountId: ACCOUNT, cloudflareApiToken: TOKEN, baseUrl: baseUrl(), maxRetries: 0 });
    await expect(chat.invoke('hi')).rejects.toThrow(/status code 400/);
  });
});
