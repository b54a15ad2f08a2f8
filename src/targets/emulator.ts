/** @module The `emulator` target: the embedded emulator started in-process on a free port. */
import { startEmulator, type EmulatorOptions } from '../emulator/index.js';
import { HttpTarget, type TransportOptions } from './http-target.js';
import { gatewayRoot } from './layout.js';
import { PLACEHOLDER_TOKEN } from './url.js';

/** How the emulator itself is set up (its own options, less where it listens) and which layout is tested. */
export type EmulatorSettings = Omit<EmulatorOptions, 'host' | 'port'> & {
  /** Which of the emulator's layouts the target uses: REST (default) or AI Gateway. */
  layout?: 'rest' | 'gateway';
  /** Gateway id in gateway-layout paths (default `conformance`). */
  gatewayId?: string;
};

/** Options of the emulator target. */
export interface EmulatorTargetOptions extends TransportOptions {
  accountId: string;
  /** Faults, the emulator's options (`faults`, `token`, `gatewayToken`, ...) and the layout. */
  emulator?: EmulatorSettings;
}

/**
 * Starts the emulator on 127.0.0.1 and a free port and returns a target at its REST root
 * (`{url}/client/v4`) or its gateway root (`{url}/v1/{account}/{gateway}/workers-ai`).
 * Closing the target stops the emulator. Real credentials are never sent to it: the target
 * uses the emulator's own `token` and `gatewayToken` when set, else a placeholder token.
 */
export async function createEmulatorTarget(options: EmulatorTargetOptions): Promise<HttpTarget> {
  const { accountId, emulator: settings = {}, ...transport } = options;
  const { layout = 'rest', gatewayId = 'conformance', ...emulatorOptions } = settings;
  const emulator = await startEmulator({ ...emulatorOptions, host: '127.0.0.1', port: 0 });
  try {
    const common = {
      ...transport,
      kind: 'emulator' as const,
      auth: { kind: 'token' as const, token: emulatorOptions.token ?? PLACEHOLDER_TOKEN },
      ...(emulatorOptions.gatewayToken ? { gatewayToken: emulatorOptions.gatewayToken } : {}),
      onClose: () => emulator.close(),
    };
    if (layout === 'gateway') {
      const root = gatewayRoot(`${emulator.url}/v1`, accountId, gatewayId);
      return new HttpTarget({ ...common, layout: { kind: 'gateway', root }, baseUrl: root });
    }
    const root = `${emulator.url}/client/v4`;
    return new HttpTarget({ ...common, layout: { kind: 'rest', root, accountId }, baseUrl: root });
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
