/** @module Hex digits from tables: ids and counters the emulator writes on every answer (cf-ray, cf-ai-req-id, hex ids). */

/** The two hex digits of every byte. */
export const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** An unsigned 32-bit integer as 8 hex digits, zero-padded: half the cost of `toString(16).padStart(8, '0')`. */
export function hex32(n: number): string {
  return HEX_BYTES[n >>> 24]! + HEX_BYTES[(n >>> 16) & 0xff]! + HEX_BYTES[(n >>> 8) & 0xff]! + HEX_BYTES[n & 0xff]!;
}
