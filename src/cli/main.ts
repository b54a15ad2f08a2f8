/** @module The wai-conformance command: dispatch, usage, and the mapping of failures to exit codes. */
import { ContractError } from '../contract/errors.js';
import { ConfigurationError } from '../targets/errors.js';
import { modelsCommand, MODELS_USAGE } from './commands/models.js';
import { validateCommand, VALIDATE_USAGE } from './commands/validate.js';
import { diffCommand, DIFF_USAGE } from './commands/diff.js';
import { compareCommand, COMPARE_USAGE } from './commands/compare.js';
import { specCommand, SPEC_USAGE } from './commands/spec.js';
import { pactCommand, PACT_USAGE } from './commands/pact.js';
import { runCommand, RUN_USAGE } from './commands/run.js';
import { mockCommand, MOCK_USAGE } from './commands/mock.js';
import { processIo, type Io } from './output.js';
import { EXIT, UsageError } from './usage-error.js';

type Command = { run: (argv: string[], io: Io) => Promise<number>; usage: string };

/** Every command by name (exported for tests that check docs and workflows against the real CLI). */
export const COMMANDS: Record<string, Command> = {
  run: { run: runCommand, usage: RUN_USAGE },
  validate: { run: validateCommand, usage: VALIDATE_USAGE },
  models: { run: modelsCommand, usage: MODELS_USAGE },
  diff: { run: diffCommand, usage: DIFF_USAGE },
  compare: { run: compareCommand, usage: COMPARE_USAGE },
  spec: { run: specCommand, usage: SPEC_USAGE },
  pact: { run: pactCommand, usage: PACT_USAGE },
  mock: { run: mockCommand, usage: MOCK_USAGE },
};

const USAGE = `Usage: wai-conformance <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}

Run \`wai-conformance <command> --help\` for a command's options.
Exit codes: 0 conformant/valid, 1 non-conformance found, 2 usage or configuration error, 3 run could not complete.
`;

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    const { packageVersion } = await import('./version.js');
    io.out(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`wai-conformance: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
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
