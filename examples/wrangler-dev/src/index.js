// curl 'http://localhost:8787/?q=hello' after `npx wrangler dev --env local`.
export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams.get('q') ?? 'Hello';
    const { response } = await env.AI.run('@cf/meta/llama-3.1-8b-instruct', { prompt: q, max_tokens: 64 });
    return new Response(response);
  },
};
