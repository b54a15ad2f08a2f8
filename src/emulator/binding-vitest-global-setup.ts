/** @module vitest global setup (see binding-vitest-pool-workers.ts): starts the emulator for the run, provides its URL, stops it after. */
import { startBindingEmulator } from './binding-miniflare.js';
import { EMULATOR_URL_KEY } from './binding-vitest-pool-workers.js';

/** What vitest hands a global setup (the part used here). */
interface ProvidingProject {
  provide(key: string, value: unknown): void;
}

export default async function setup(project: ProvidingProject): Promise<() => Promise<void>> {
  const emulator = await startBindingEmulator();
  project.provide(EMULATOR_URL_KEY, emulator.url);
  return () => emulator.close();
}
