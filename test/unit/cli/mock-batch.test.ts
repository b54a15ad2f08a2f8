import { describe, expect, it } from 'vitest';
import { mockCommand } from '../../../src/cli/commands/mock.js';
import { UsageError } from '../../../src/cli/usage-error.js';

const io = (out: (text: string) => void) => ({ out, err: () => {}, stdin: async () => Buffer.alloc(0) });

describe('wai-conformance mock --batch-ready-after', () => {
  it('answers a queued batch on the first poll with --batch-ready-after 0', async () => {
    let release!: () => void;
    const stopped = new Promise<void>((resolve) => (release = resolve));
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const served = mockCommand(['--port', '0', '--batch-ready-after', '0'], io((text) => {
      const match = /listening on (\S+)/.exec(text);
      if (match) listening(match[1]!);
    }), () => stopped);
    const base = `${await url}/client/v4/accounts/x/ai/run/@cf/meta/m2m100-1.2b?queueRequest=true`;
    const post = async (body: unknown) => (await (await fetch(base, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { result: Record<string, unknown> };
    const ack = await post({ requests: [{ text: 'Hello', target_lang: 'fr' }] });
    const done = await post({ request_id: ack.result.request_id });
    expect(done.result.responses).toMatchObject([{ id: 0, success: true }]);
    release();
    expect(await served).toBe(0);
  });

  it('refuses a value that is not a whole number of polls', async () => {
    await expect(mockCommand(['--batch-ready-after', 'soon'], io(() => {}), async () => {})).rejects.toThrow(UsageError);
  });
});
