/** The HTTP target loads undici's Pool from its file, not the package's index (start-up time): it must be the same class. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { UndiciPool } from '../../../src/targets/http-target.js';

describe("the target's undici Pool", () => {
  it('is the Pool the undici package exports (a moved file in an undici upgrade fails here)', () => {
    const undici = createRequire(import.meta.url)('undici') as typeof import('undici');
    expect(UndiciPool).toBe(undici.Pool);
  });
});
