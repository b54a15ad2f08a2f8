#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
import { setFlagsFromString } from 'node:v8';
import { main } from '../dist/src/cli/main.js';

// A conformance run keeps a large heap alive for seconds (the contract's validators, the generators, every case's
// results). V8 would grow its young generation to 2 × 16 MB for it, which the run pays in peak RSS for little speed:
// it stays at its initial size instead (bench/README.md, "Where the memory goes"). Set before the command loads.
if (process.argv[2] === 'run') setFlagsFromString('--semi-space-growth-factor=1');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`wai-conformance: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 3;
  },
);
