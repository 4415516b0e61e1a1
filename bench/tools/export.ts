/**
 * Writes the generated data set to a directory, for inspection and for the independent Python
 * cross-check (crosscheck.py): events/*.ics, cards/*.vcf and expected.json (the model's answers).
 * Usage: node --import tsx bench/tools/export.ts --n 1000 --dir /tmp/bench-data [--seed N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MONTH, WEEK, generateDataset } from '../data/dataset.js';
import { TARGET_TEXT } from '../data/words.js';
import { expectedEmailMatch, expectedTimeRange } from '../expected.js';

const { values } = parseArgs({ options: { n: { type: 'string' }, dir: { type: 'string' }, seed: { type: 'string' } } });
if (!values.dir) throw new Error('--dir DIR is required');
const ds = generateDataset(Number(values.n ?? 1000), values.seed === undefined ? undefined : Number(values.seed));
mkdirSync(join(values.dir, 'events'), { recursive: true });
mkdirSync(join(values.dir, 'cards'), { recursive: true });
for (const it of ds.eventItems) writeFileSync(join(values.dir, 'events', it.name), it.body);
for (const it of ds.cardItems) writeFileSync(join(values.dir, 'cards', it.name), it.body);
const ranges = Object.fromEntries(
  [WEEK, MONTH].map((r) => [r.label, { start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString(), names: [...expectedTimeRange(ds.events, r)].sort() }]),
);
const expected = { n: ds.n, seed: ds.seed, ranges, email: { text: TARGET_TEXT, names: [...expectedEmailMatch(ds.cards, TARGET_TEXT)].sort() } };
writeFileSync(join(values.dir, 'expected.json'), JSON.stringify(expected, null, 1));
process.stdout.write(`wrote ${ds.n} events and ${ds.n} cards to ${values.dir}\n`);
