// A small Worker that uses env.AI: a summary, a streamed answer, embeddings, and an error turned into a 400.
const MODEL = '@cf/meta/llama-3.1-8b-instruct';

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const text = url.searchParams.get('text') ?? '';
    try {
      if (url.pathname === '/summary') {
        const { response } = await env.AI.run(MODEL, { prompt: `Summarise in one line: ${text}`, max_tokens: 64 });
        return Response.json({ summary: response });
      }
      if (url.pathname === '/stream') {
        const stream = await env.AI.run(MODEL, { prompt: text, stream: true, max_tokens: 32 });
        return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
      }
      if (url.pathname === '/embed') {
        const { data } = await env.AI.run('@cf/baai/bge-small-en-v1.5', { text: [text] });
        return Response.json({ dimensions: data[0].length });
      }
      if (url.pathname === '/model') {
        return Response.json(await env.AI.run(url.searchParams.get('id'), { prompt: text }));
      }
      return new Response('not found', { status: 404 });
    } catch (error) {
      return Response.json({ error: error.message, name: error.name }, { status: 400 });
    }
  },
};
