#!/usr/bin/env node
// Runs every test file under test/ and bench/test/ with Node's test runner (TypeScript via tsx).
// Node 20's `node --test test/` finds no .ts files and exits 0, so the list is built here
// and an empty list is a failure, not a green run.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let files = [...collect(join(root, 'test')), ...collect(join(root, 'bench/test'))];
if (only.length) files = files.filter((f) => only.some((o) => relative(root, f).includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/ — refusing to report success');
  process.exit(1);
}
console.log(`run-tests: ${files.length} test files`);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit', cwd: root, env: process.env },
);
process.exit(r.status ?? 1);
