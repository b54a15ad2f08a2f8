/** @module The error for a target that cannot be set up (bad options, missing credentials): exit code 2. */

/**
 * Thrown when a target cannot be configured: a missing `--base-url`, a gateway without an id,
 * a live run without credentials. The CLI maps it to exit code 2 (usage or configuration error).
 * Its message names what to set and never includes a credential's value.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}
