/** @module The embedded Workers AI emulator: `startEmulator(options) → { url, close() }`, and its fault table. */
import { sharedContract } from '../contract/load.js';
import { createApp, createEmulatorServer, listen, type EmulatorOptions, type RunningEmulator } from './server.js';

export { FAULTS, faultAppliesTo, faultByName, FaultSpecError, ActiveFaults, type Fault, type FaultArea } from './faults.js';
export { ERRORS, type ErrorKind, type ErrorName } from './errors.js';
export { route, type Route } from './router.js';
export type { EmulatorOptions, RunningEmulator, OpenAiHandler } from './server.js';
export type { EmulatorRequest, EmulatorResponse, OutputMaker, OutputContext, OutputResult, StreamEvent } from './types.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

/**
 * Starts the emulator and resolves once it listens. Throws FaultSpecError for an unknown fault and
 * ContractError for a broken spec/. `port: 0` picks a free port (see `url`).
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const contract = options.contract ?? sharedContract();
  const outputMakers = options.outputMakers ?? (await import('./outputs/index.js')).outputMakers;
  const openAi = options.openAi ?? (await import('./openai.js')).handleOpenAi;
  const app = createApp({ ...options, contract, outputMakers, openAi });
  const server = createEmulatorServer(app);
  return listen(server, options.host ?? DEFAULT_HOST, options.port ?? DEFAULT_PORT);
}
