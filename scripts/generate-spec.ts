/** @module `npm run spec:generate`: writes spec/models/generated/ from the installed @cloudflare/workers-types. */

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defaultTypesDir, generateModelSchemas } from '../src/contract/generate-from-types.js';

/** The folder this script owns; every `.json` in it is generated. */
export const GENERATED_DIR = path.resolve(fileURLToPath(import.meta.url), '../../spec/models/generated');

/**
 * Regenerates `spec/models/generated/`: writes every document and deletes `.json` files of models
 * that are no longer in `AiModels`, so the folder always mirrors the installed types exactly.
 */
export async function writeGeneratedSpec(dir = GENERATED_DIR): Promise<{ written: number; removed: string[] }> {
  const files = await generateModelSchemas(defaultTypesDir());
  await mkdir(dir, { recursive: true });
  const removed = (await readdir(dir)).filter((f) => f.endsWith('.json') && !files.has(f)).sort();
  await Promise.all(removed.map((f) => rm(path.join(dir, f))));
  await Promise.all([...files].map(([f, text]) => writeFile(path.join(dir, f), text)));
  return { written: files.size, removed };
}

async function main(): Promise<void> {
  const started = performance.now();
  const { written, removed } = await writeGeneratedSpec();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`spec:generate: wrote ${written} files (${written - 1} models + index.json) in ${seconds}s`);
  if (removed.length > 0) console.log(`spec:generate: removed stale ${removed.join(', ')}`);
}

// Run only as the entry point, so the test can import without writing.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
