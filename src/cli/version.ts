/** @module The package's own name and version, read from package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../contract/files.js';

/** `{ name, version }` of this package. */
export function packageInfo(): { name: string; version: string } {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: manifest.name, version: manifest.version };
}

export function packageVersion(): string {
  return packageInfo().version;
}
