/** @module Setup errors of the contract: a broken spec names its file and JSON pointer. */

/** Thrown when the contract in spec/ cannot be loaded or compiled. The run cannot go on. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    /** Path of the offending file, relative to the working directory when possible. */
    readonly file: string,
    /** JSON pointer inside that file ("" for the whole file). */
    readonly pointer: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${pointer ? `#${pointer}` : ''}: ${detail}`, options);
  }
}
