/**
 * Manual measurement of the store's commit path (not run by the test runner):
 *   node --import tsx test/store/bench-commit.ts [N ...]
 * For each N: import N items in one commit, then time sequential single-item updates, 8 concurrent
 * writers (group commit), head() on an unchanged ref, a cold head() in a fresh store, and a
 * sync-style diff against the previous commit. Prints medians; the machine's load matters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const author = { name: 'Bench', email: 'bench@example.org' };
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const item = (i: number, v = 0) =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:${i}@bench\r\nSUMMARY:Event ${i} v${v}\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n${'X'.repeat(600)}`;
const name = (i: number) => `event-${String(i).padStart(6, '0')}.ics`;

async function run(n: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kalends-bench-'));
  const store = createStore(root, { watch: false, gcAfterCommits: 1e9, gcAfterBytes: 1e15 });
  try {
    let t = performance.now();
    const c = await store.create('u/cal', {
      author,
      plan: () => ({ ops: Array.from({ length: n }, (_, i) => ({ op: 'put' as const, path: name(i), data: enc(item(i)) })), message: 'import' }),
    });
    const importMs = performance.now() - t;
    const seq: number[] = [];
    for (let k = 0; k < 41; k++) {
      t = performance.now();
      await c.commit({ author, plan: () => ({ ops: [{ op: 'put', path: name((k * 37) % n), data: enc(item(k, k + 1)) }], message: 'update' }) });
      seq.push(performance.now() - t);
    }
    const writes = 96;
    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < writes) {
          const j = next++;
          await c.commit({ author, plan: () => ({ ops: [{ op: 'put', path: `new-${j}.ics`, data: enc(item(n + j)) }], message: 'add' }) });
        }
      }),
    );
    const concurrent = (writes / (performance.now() - t)) * 1000;
    const heads: number[] = [];
    for (let k = 0; k < 2000; k++) {
      t = performance.now();
      await c.head();
      heads.push(performance.now() - t);
    }
    const before = await c.head();
    const after = (await c.commit({ author, plan: () => ({ ops: [{ op: 'put', path: name(1), data: enc('changed') }], message: 'one' }) })).snapshot;
    t = performance.now();
    const prev = await c.snapshotAt(before.commit!);
    const changes = c.diff(prev!, after);
    const diffMs = performance.now() - t;
    const fresh = createStore(root, { watch: false });
    t = performance.now();
    await (await fresh.open('u/cal'))!.head();
    const cold = performance.now() - t;
    await fresh.close();
    console.log(
      `N=${n}: import ${importMs.toFixed(0)} ms | sequential commit median ${median(seq).toFixed(1)} ms (min ${Math.min(...seq).toFixed(1)}) | ` +
        `8 writers ${concurrent.toFixed(0)} commits/s | head() ${(median(heads) * 1000).toFixed(0)} µs | ` +
        `diff to previous ${diffMs.toFixed(2)} ms (${changes.length} change) | cold head ${cold.toFixed(0)} ms`,
    );
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
for (const n of sizes.length ? sizes : [1000, 10000]) await run(n);
