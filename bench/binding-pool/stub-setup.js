// A hand-written stub backend, as teams write them: canned answers per model, in the binding's protocol.
import { createServer } from 'node:http';

const ANSWERS = {
  '@cf/meta/llama-3.1-8b-instruct': { response: 'A canned answer.', usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } },
  '@cf/baai/bge-small-en-v1.5': { shape: [1, 384], data: [Array.from({ length: 384 }, () => 0.01)], pooling: 'mean' },
  '@cf/huggingface/distilbert-sst-2-int8': [{ label: 'POSITIVE', score: 0.9 }, { label: 'NEGATIVE', score: 0.1 }],
};

export default async function setup(project) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = ANSWERS[req.headers['mf-header-cf-consn-model-id']];
      if (req.headers.upgrade) {
        res.writeHead(426).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? {}));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('workersAiEmulatorUrl', `http://127.0.0.1:${server.address().port}`);
  return () => new Promise((resolve) => server.close(resolve));
}
