/** @module The wai-conformance command: dispatch, usage, and the mapping of failures to exit codes. */
import { ContractError } from '../contract/errors.js';
import { ConfigurationError } from '../targets/errors.js';
import { processIo, type Io } from './output.js';
import { EXIT, UsageError } from './usage-error.js';

type Command = { run: (argv: string[], io: Io) => Promise<number>; usage: string };

/**
 * Every command by name, loaded on first use: `validate` must start in well under 300 ms, and
 * importing every command (the harness, vitest, Pact) would cost more than the work itself.
 */
const COMMAND_LOADERS: Record<string, () => Promise<Command>> = {
  run: async () => {
    const m = await import('./commands/run.js');
    return { run: m.runCommand, usage: m.RUN_USAGE };
  },
  validate: async () => {
    const m = await import('./commands/validate.js');
    return { run: m.validateCommand, usage: m.VALIDATE_USAGE };
  },
  models: async () => {
    const m = await import('./commands/models.js');
    return { run: m.modelsCommand, usage: m.MODELS_USAGE };
  },
  diff: async () => {
    const m = await import('./commands/diff.js');
    return { run: m.diffCommand, usage: m.DIFF_USAGE };
  },
  compare: async () => {
    const m = await import('./commands/compare.js');
    return { run: m.compareCommand, usage: m.COMPARE_USAGE };
  },
  spec: async () => {
    const m = await import('./commands/spec.js');
    return { run: m.specCommand, usage: m.SPEC_USAGE };
  },
  pact: async () => {
    const m = await import('./commands/pact.js');
    return { run: m.pactCommand, usage: m.PACT_USAGE };
  },
  judge: async () => {
    const m = await import('./commands/judge.js');
    return { run: m.judgeCommand, usage: m.JUDGE_USAGE };
  },
  mock: async () => {
    const m = await import('./commands/mock.js');
    return { run: m.mockCommand, usage: m.MOCK_USAGE };
  },
};

/** The names of the commands. */
export const COMMAND_NAMES = Object.keys(COMMAND_LOADERS);

/** Every command, loaded (for --help, and for tests that check docs and workflows against the real CLI). */
export async function loadCommands(): Promise<Record<string, Command>> {
  const entries = await Promise.all(COMMAND_NAMES.map(async (name) => [name, await COMMAND_LOADERS[name]!()] as const));
  return Object.fromEntries(entries);
}

/** The overview of every command (loads them all: only for help and mistakes). */
async function usage(): Promise<string> {
  const commands = await loadCommands();
  return `Usage: wai-conformance <command> [options]

Commands:
${Object.values(commands)
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}

Run \`wai-conformance <command> --help\` for a command's options.
Exit codes: 0 conformant/valid, 1 non-conformance found, 2 usage or configuration error, 3 run could not complete.
`;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(await usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    const { packageVersion } = await import('./version.js');
    io.out(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const load = Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
  if (!load) {
    io.err(`wai-conformance: unknown command "${name}"\n\n${await usage()}`);
    return EXIT.usage;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`wai-conformance ${name}: ${(error as Error).message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigurationError) {
      io.err(`wai-conformance ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ContractError) {
      io.err(`wai-conformance ${name}: broken contract: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
