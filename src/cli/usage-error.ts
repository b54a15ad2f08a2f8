/** @module The error for bad flags and arguments: printed with the usage, exit code 2. */

/** Exit codes shared by every command (DESIGN.md). */
export const EXIT = { ok: 0, nonConformant: 1, usage: 2, incomplete: 3 } as const;

/** A mistake in how the command was called. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
