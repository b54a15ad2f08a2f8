/** @module `wai-conformance spec sync [--check]`: pull the model catalogue's per-model schemas into spec/models/catalog/, or check them. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Contract } from '../../contract/contract.js';
import { defaultSpecDir, displayPath } from '../../contract/files.js';
import { loadContract } from '../../contract/load.js';
import { CatalogFetchError, DEFAULT_SCHEMA_CONCURRENCY, fetchCatalog } from '../../sync/catalog-client.js';
import {
  buildLiveCatalog,
  compareCatalogs,
  contractCatalog,
  contractView,
  formatDifferences,
  hasPinnedCatalog,
  readPinnedCatalog,
  writeCatalog,
  type LiveCatalog,
} from '../../sync/live-catalog.js';
import { ConfigurationError, createTarget, type CreateTargetOptions, type HttpTarget } from '../../targets/index.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';

export const SPEC_USAGE = `wai-conformance spec sync [--check] [--target live|url|emulator] [--base-url URL] [--account-id ID] [--spec DIR] [--out DIR]
  Read the model catalogue (every page of models/search, then models/schema for every model) and
  write the per-model part of the contract: one <model>.json per model (x-catalog: the search item;
  $defs: input and output as models/schema answers them) and index.json, into --out.
  --check              write nothing; compare the catalogue with what is pinned in --out and exit 1 when
                       they differ (models added or gone, task, description, properties, input or output
                       schema), naming each model and JSON pointer. When --out holds no index.json yet,
                       compare with the contract's effective schemas and task names instead.
  --target live|url|emulator   default live: https://api.cloudflare.com/client/v4, credentials only from
                       the environment ($CLOUDFLARE_API_TOKEN, or $CLOUDFLARE_EMAIL + $CLOUDFLARE_API_KEY);
                       emulator: the embedded emulator on a free port (its catalogue is the contract)
  --base-url URL       url target: the API root (the emulator: http://host:port/client/v4); live: another root
  --account-id ID      default $CLOUDFLARE_ACCOUNT_ID (any value for emulator and url targets)
  --spec DIR           the contract (default: the package's spec/)
  --out DIR            the synced catalogue (default: <spec>/models/catalog)
  --concurrency N      models/schema requests in flight (default ${DEFAULT_SCHEMA_CONCURRENCY})
  --timeout MS         per request (default 60000)
Exit: 0 written or in sync, 1 --check found differences, 2 usage or configuration error (missing
credentials, credentials refused, unreadable spec), 3 the catalogue could not be read (unreachable, bad answer, no model listed).`;

const TARGETS = ['live', 'url', 'emulator'] as const;
type SyncTarget = (typeof TARGETS)[number];

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

interface SyncOptions {
  check: boolean;
  target: SyncTarget;
  baseUrl?: string;
  accountId?: string;
  specDir: string;
  outDir: string;
  concurrency: number;
  timeoutMs?: number;
}

function parseSyncOptions(argv: string[]): SyncOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      check: { type: 'boolean' },
      target: { type: 'string' },
      'base-url': { type: 'string' },
      'account-id': { type: 'string' },
      spec: { type: 'string' },
      out: { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const [sub, ...extra] = positionals;
  if (sub === undefined) throw new UsageError('name a subcommand: spec sync');
  if (sub !== 'sync') throw new UsageError(`unknown subcommand "spec ${sub}" (known: sync)`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const target = (values.target ?? 'live') as SyncTarget;
  if (target === ('gateway' as SyncTarget)) throw new UsageError('--target gateway: the catalogue endpoints are not served through AI Gateway; use live (or url)');
  if (!TARGETS.includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, not "${values.target}"`);
  if (target === 'url' && !values['base-url']) throw new UsageError('--target url needs --base-url (the API root, e.g. http://127.0.0.1:8787/client/v4)');
  const specDir = resolve(values.spec ?? defaultSpecDir());
  const options: SyncOptions = {
    check: values.check ?? false,
    target,
    specDir,
    outDir: resolve(values.out ?? join(specDir, 'models', 'catalog')),
    concurrency: integer('concurrency', values.concurrency, 1) ?? DEFAULT_SCHEMA_CONCURRENCY,
  };
  const timeoutMs = integer('timeout', values.timeout, 1);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  if (values['base-url'] !== undefined) options.baseUrl = values['base-url'];
  if (values['account-id'] !== undefined) options.accountId = values['account-id'];
  return options;
}

/** What the live catalogue is compared with under --check, read before any request is sent. */
interface Baseline {
  catalog: LiveCatalog;
  name: string;
  /** True: a synced catalogue in --out; false: the contract itself (nothing pinned yet). */
  pinned: boolean;
}

function readBaseline(options: SyncOptions, contract: () => Contract): Baseline {
  if (hasPinnedCatalog(options.outDir)) {
    const { index, catalog } = readPinnedCatalog(options.outDir);
    const when = typeof index.syncedAt === 'string' ? `, synced ${index.syncedAt}` : '';
    return { catalog, name: `the pinned catalogue (${displayPath(options.outDir)}${when})`, pinned: true };
  }
  return { catalog: contractCatalog(contract()), name: `the contract in ${displayPath(options.specDir)} (nothing pinned in ${displayPath(options.outDir)} yet: task names and input and output schemas compared)`, pinned: false };
}

/** Runs `wai-conformance spec <subcommand>`; resolves to the exit code. */
export async function specCommand(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = parseSyncOptions(argv);
  let loaded: Contract | undefined;
  const contract = (): Contract => (loaded ??= loadContract(options.specDir));
  // Everything that can fail without the network fails first: a broken pin or spec sends nothing.
  const baseline = options.check ? readBaseline(options, contract) : undefined;

  const targetOptions: CreateTargetOptions = { kind: options.target, env, concurrency: options.concurrency };
  if (options.baseUrl !== undefined) targetOptions.baseUrl = options.baseUrl;
  if (options.accountId !== undefined) targetOptions.accountId = options.accountId;
  if (options.timeoutMs !== undefined) targetOptions.timeoutMs = options.timeoutMs;
  if (options.target === 'emulator') targetOptions.emulator = { contract: contract() };
  let target: HttpTarget;
  try {
    target = await createTarget(targetOptions);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(error.message);
    throw error;
  }

  const source = options.target === 'emulator' ? 'emulator' : target.baseUrl;
  let live: LiveCatalog;
  try {
    io.err(`wai-conformance spec sync: reading the catalogue from ${source}\n`);
    const models = await fetchCatalog(target, { concurrency: options.concurrency });
    live = buildLiveCatalog(source, models);
  } catch (error) {
    if (!(error instanceof CatalogFetchError)) throw error;
    io.err(`wai-conformance spec sync: cannot read the catalogue from ${source}: ${error.message}\n`);
    return error.kind === 'rejected' ? EXIT.usage : EXIT.incomplete;
  } finally {
    await target.close();
  }
  const requests = target.requestsSent;

  if (baseline) {
    const liveName = options.target === 'emulator' ? "the emulator's catalogue" : `the catalogue at ${source}`;
    const differences = compareCatalogs(baseline.catalog, live, baseline.pinned ? {} : { view: contractView });
    if (differences.length === 0) {
      io.out(`in sync: the ${live.documents.size} models of ${liveName} match ${baseline.name}\n`);
      return EXIT.ok;
    }
    io.out(`${liveName.charAt(0).toUpperCase()}${liveName.slice(1)} differs from ${baseline.name}:\n`);
    const names = { pinned: baseline.pinned ? 'the pinned catalogue' : 'the contract', live: 'the live catalogue' };
    for (const line of formatDifferences(differences, names)) io.out(`${line}\n`);
    const total = new Set([...baseline.catalog.documents.keys(), ...live.documents.keys()]).size;
    io.out(`\n${differences.length} of ${total} models differ; \`wai-conformance spec sync\` writes the live catalogue to ${displayPath(options.outDir)}\n`);
    return EXIT.nonConformant;
  }

  if (live.documents.size === 0) {
    // An empty list is far likelier a wrong account or a broken answer than an empty catalogue.
    io.err(`wai-conformance spec sync: models/search at ${source} listed no models; nothing written\n`);
    return EXIT.incomplete;
  }
  const result = writeCatalog(options.outDir, live);
  const parts = [`${result.written.length} written`, `${result.unchanged.length} unchanged`];
  if (result.removed.length) parts.push(`${result.removed.length} removed (${result.removed.join(', ')})`);
  io.out(`synced ${live.documents.size} models from ${source} into ${displayPath(options.outDir)}: ${parts.join(', ')}${result.indexWritten ? '; index.json updated' : ''} (${requests} requests)\n`);
  return EXIT.ok;
}
