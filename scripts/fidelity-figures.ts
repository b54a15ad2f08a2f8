/** @module Prints the README "Fidelity" figures (accepted/total by task, source kind and part) from fixtures/real. */
import { loadContract } from '../src/contract/load.js';
import { judgeCorpus, type Tally } from '../src/validate/corpus.js';

const report = judgeCorpus(loadContract(), process.argv[2] ?? 'fixtures/real');
const accepted = report.results.filter((r) => r.accepted).length;
const row = (title: string, map: Map<string, Tally>) =>
  `| ${title} | ${[...map.keys()].sort().map((k) => `${k} ${map.get(k)!.accepted}/${map.get(k)!.total}`).join(', ')} |`;

console.log(`| documents accepted | **${accepted} of ${report.results.length}** (${report.results.length - accepted} known disagreements) |`);
console.log('|---|---|');
console.log([row('by task', report.byTask), row('by source kind', report.bySourceKind), row('by part', report.byPart)].join('\n'));
