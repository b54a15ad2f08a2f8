/** @module `wai-conformance diff OLD NEW`: breaking changes between two contract versions, for clients and for mocks. */
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ContractError } from '../../contract/errors.js';
import { loadContract } from '../../contract/load.js';
import type { Contract } from '../../contract/contract.js';
import { diffContracts } from '../../diff/diff-contracts.js';
import { fails, FORMATS, render, type AudienceChoice, type Format } from '../../diff/render.js';
import { resolveSource, SourceError, type ContractSource } from '../../diff/sources.js';
import type { Level } from '../../diff/types.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';

export const DIFF_USAGE = `wai-conformance diff OLD NEW [--format text|json|markdown] [--fail-on breaking|warning] [--audience client|mock|both]
  Every change between two contract versions, each graded breaking, warning or info for a client of
  the API (built on OLD, served by NEW) and for a mock of it (built on OLD, judged by NEW), with the
  model and the JSON pointer: per-model input and output schemas and facts, task schemas, openapi.yaml.
  OLD and NEW are contract directories (the folder with openapi.yaml, or a folder with spec/ in it) or
  git revisions (git:HEAD~1, or any revision that is not an existing directory), whose spec/ is exported.
  --format     text (default), json (every change), markdown (for a pull-request comment)
  --fail-on    the level that makes the exit code 1 (default breaking)
  --audience   whose levels count: client (default), mock, or both
  --spec-path  the contract's folder in a project directory or in the repository (default spec)
  --repo DIR   the git repository revisions are read from (default the working directory)
  Exit 0 nothing at or above --fail-on, 1 something is, 2 usage error (unreadable dir, bad revision, broken contract).`;

const FAIL_ON: readonly Level[] = ['breaking', 'warning', 'info'];
const AUDIENCE_CHOICES: readonly AudienceChoice[] = ['client', 'mock', 'both'];

function open(source: ContractSource): Contract {
  const contract = loadContract(source.dir);
  // openapi.yaml is read on first use: read it now, while an exported revision still exists.
  void contract.openapi;
  return contract;
}

export async function diffCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'breaking' },
      audience: { type: 'string', default: 'client' },
      'spec-path': { type: 'string', default: 'spec' },
      repo: { type: 'string', default: '.' },
    },
  });
  if (positionals.length !== 2) throw new UsageError(`expected OLD and NEW, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  if (!FORMATS.includes(values.format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  if (!FAIL_ON.includes(values['fail-on'] as Level)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${values['fail-on']}"`);
  if (!AUDIENCE_CHOICES.includes(values.audience as AudienceChoice)) throw new UsageError(`--audience must be one of ${AUDIENCE_CHOICES.join(', ')}, not "${values.audience}"`);
  const options = { audience: values.audience as AudienceChoice, failOn: values['fail-on'] as Level };
  const sourceOptions = { specPath: values['spec-path'], repo: values.repo };

  const sources: ContractSource[] = [];
  try {
    const contracts: Contract[] = [];
    for (const arg of positionals) {
      try {
        const source = resolveSource(arg, sourceOptions);
        sources.push(source);
        contracts.push(open(source));
      } catch (error) {
        if (error instanceof SourceError) throw new UsageError(error.message);
        // A broken contract is a configuration error (main: exit 2); name an exported revision's file by revision, not by its temporary copy.
        const root = sources.at(-1)?.displayRoot;
        if (error instanceof ContractError && root && sources.length === contracts.length + 1) {
          throw new ContractError(`${root}/${relative(sources.at(-1)!.dir, resolve(error.file)).split(sep).join('/')}`, error.pointer, error.detail, { cause: error });
        }
        throw error;
      }
    }
    const report = diffContracts(contracts[0]!, contracts[1]!, { oldLabel: sources[0]!.label, newLabel: sources[1]!.label });
    io.out(render(report, values.format as Format, options));
    return fails(report, options) ? EXIT.nonConformant : EXIT.ok;
  } finally {
    for (const source of sources) source.cleanup();
  }
}
