/** @module Where commands write: injectable so tests can capture output without spawning. */

/** Output streams of a command. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Reads standard input fully (for `-`). */
  stdin: () => Promise<Buffer>;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The process's own streams. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stdin: readStdin,
};
