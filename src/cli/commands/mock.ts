/** @module `wai-conformance mock`: serve the embedded emulator until SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import { ActiveFaults, DEFAULT_HOST, DEFAULT_PORT, FAULTS, FaultSpecError, startEmulator } from '../../emulator/index.js';
import { isBearerToken } from '../../emulator/auth.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';
import type { ReplayMode, ReplayStore } from '../../cassettes/replay.js';

const faultLines = FAULTS.map((f) => {
  const name = f.param ? `${f.name}[=${f.param.name.toUpperCase()}]` : f.name;
  return `    ${name.padEnd(26)} ${f.description} [${f.affects}]`;
}).join('\n');

export const MOCK_USAGE = `wai-conformance mock [--host ${DEFAULT_HOST}] [--port ${DEFAULT_PORT}] [--fault NAME ...] [--token T] [--gateway-token T] [--replay FILE.har [--replay-mode strict|fallback]] [--batch-ready-after N] [--stream-delay MS]
  Serve the Workers AI emulator; prints "listening on http://HOST:PORT" when ready, stops on SIGINT/SIGTERM.
  REST root at /client/v4 (/client/v4/accounts/{id}/ai/run/{model}, /ai/v1/..., /ai/models/search, ...),
  AI Gateway layout at /v1/{account}/{gateway}/workers-ai/{model} (also .../workers-ai/run/{model}) and
  /v1/{account}/{gateway}/workers-ai/v1/...; the asynchronous Batch API with ?queueRequest=true.
  --host H              address to listen on (default ${DEFAULT_HOST})
  --port N              port (default ${DEFAULT_PORT}; 0 picks a free one)
  --fault NAME[=VALUE]  inject a fault (repeatable, or comma-separated); see the list below
  --token T             accept only "Authorization: Bearer T" (default: any credential)
  --gateway-token T     authenticated gateway: require "cf-aig-authorization: Bearer T"
  --stream-delay MS     pause between streamed chunks (default 2)
  --max-body-bytes N    largest request body (default 10485760; 413 past it)
  --gateway-cache-ttl S gateway-wide cache TTL in seconds (default 0: cache only when a request asks)
  --batch-ready-after N polls of a queued batch answered "queued"/"running" before its results (default 1)
  --spec DIR            the contract (default: the package's spec/)
  --replay FILE.har     answer requests that match a recorded one with the recorded answer (repeatable: several
                        cassettes); matched by method, path (model id raw or encoded), query, credential and the
                        body as canonical JSON
  --replay-mode MODE    fallback (default): the emulator answers the rest; strict: 404 naming the nearest recorded request
  --replay-ignore PTR   a request member to leave out of matching (JSON pointer, \`*\` for any item; repeatable);
                        /user and /metadata always are
  --replay-pace         write recorded streams with the recorded mean pause between events
  Faults:
${faultLines}`;

function integerFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

/** The recorded exchanges of \`--replay\` files, or undefined without the flag; bad files and flags are usage errors. */
async function replayStore(values: { replay?: string[]; 'replay-mode'?: string; 'replay-ignore'?: string[]; 'replay-pace'?: boolean }): Promise<ReplayStore | undefined> {
  const files = values.replay ?? [];
  if (files.length === 0) {
    if (values['replay-mode'] !== undefined || values['replay-ignore'] !== undefined || values['replay-pace']) throw new UsageError('--replay-mode, --replay-ignore and --replay-pace need --replay FILE.har');
    return undefined;
  }
  const { readHar, CassetteError } = await import('../../cassettes/cassette-file.js');
  const { ReplayStore, REPLAY_MODES } = await import('../../cassettes/replay.js');
  const { DEFAULT_VOLATILE_FIELDS } = await import('../../cassettes/match.js');
  const mode = values['replay-mode'] ?? 'fallback';
  if (!(REPLAY_MODES as readonly string[]).includes(mode)) throw new UsageError(`--replay-mode must be strict or fallback, not "${mode}"`);
  for (const pointer of values['replay-ignore'] ?? []) if (!pointer.startsWith('/')) throw new UsageError(`--replay-ignore takes a JSON pointer such as /seed, not "${pointer}"`);
  let hars;
  try {
    hars = files.map((file) => readHar(file));
  } catch (cause) {
    if (cause instanceof CassetteError) throw new UsageError(`--replay: ${cause.message}`);
    throw cause;
  }
  const store = new ReplayStore(hars, { mode: mode as ReplayMode, ignore: [...DEFAULT_VOLATILE_FIELDS, ...(values['replay-ignore'] ?? [])], pace: values['replay-pace'] ?? false });
  if (store.size === 0) throw new UsageError(`--replay: ${files.join(', ')} holds no Workers AI exchange with an answer`);
  return store;
}

/** Resolves when the process is asked to stop. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export async function mockCommand(argv: string[], io: Io, stop: () => Promise<unknown> = stopSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      fault: { type: 'string', multiple: true },
      token: { type: 'string' },
      'gateway-token': { type: 'string' },
      'stream-delay': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'gateway-cache-ttl': { type: 'string' },
      'batch-ready-after': { type: 'string' },
      spec: { type: 'string' },
      replay: { type: 'string', multiple: true },
      'replay-mode': { type: 'string' },
      'replay-ignore': { type: 'string', multiple: true },
      'replay-pace': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = integerFlag(values.port, '--port', 0, 65535) ?? DEFAULT_PORT;
  const streamDelayMs = integerFlag(values['stream-delay'], '--stream-delay', 0, 60_000);
  const maxBodyBytes = integerFlag(values['max-body-bytes'], '--max-body-bytes', 1, 2 ** 31);
  const gatewayCacheTtlSeconds = integerFlag(values['gateway-cache-ttl'], '--gateway-cache-ttl', 0, 30 * 24 * 3600);
  const batchReadyAfterPolls = integerFlag(values['batch-ready-after'], '--batch-ready-after', 0, 1000);
  const faults = values.fault ?? [];
  try {
    new ActiveFaults(faults);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(error.message);
    throw error;
  }
  for (const flag of ['token', 'gateway-token'] as const) {
    const token = values[flag];
    if (token === '') throw new UsageError(`--${flag} must not be empty`);
    // A token no client can send as "Bearer <token>" (RFC 6750 b64token) would lock every client out.
    if (token !== undefined && !isBearerToken(token)) throw new UsageError(`--${flag} must be an RFC 6750 token (letters, digits and -._~+/, then any "="s)`);
  }

  const replay = await replayStore(values);
  const contract = loadContract(values.spec);
  let emulator;
  try {
    emulator = await startEmulator({
      host: values.host ?? DEFAULT_HOST,
      port,
      faults,
      contract,
      ...(values.token !== undefined ? { token: values.token } : {}),
      ...(values['gateway-token'] !== undefined ? { gatewayToken: values['gateway-token'] } : {}),
      ...(streamDelayMs !== undefined ? { streamDelayMs } : {}),
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
      ...(gatewayCacheTtlSeconds !== undefined ? { gatewayCacheTtlSeconds } : {}),
      ...(replay ? { replay } : {}),
      ...(batchReadyAfterPolls !== undefined ? { batchReadyAfterPolls } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND') {
      io.err(`wai-conformance mock: cannot listen on ${values.host ?? DEFAULT_HOST}:${port} (${code})\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (replay) io.err(`replaying ${replay.size} recorded exchanges (${replay.mode})\n`);
  io.out(`listening on ${emulator.url}\n`);
  await stop();
  await emulator.close();
  if (replay) io.err(`replay: ${replay.stats.matched} requests matched a recorded exchange, ${replay.stats.unmatched} did not\n`);
  return EXIT.ok;
}
