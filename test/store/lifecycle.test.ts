import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import type { GitCollection, Snapshot } from '../../src/store/types.js';
import { bare, enc, git, tempRoot, write } from './helpers.js';

const watching = (c: GitCollection) => (c as unknown as { watching: boolean }).watching;
/** The cached HEAD snapshot, without asking the collection to check the ref. */
const cachedHead = (c: GitCollection) => (c as unknown as { current: { snapshot: Snapshot } | null }).current?.snapshot.commit;

test('LRU eviction closes watchers; close() closes the rest', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { maxOpen: 2 });
  try {
    const a = await store.create('a', write([]));
    const b = await store.create('b', write([]));
    assert.ok(watching(a) && watching(b));
    assert.equal(await store.open('a'), a, 'cached');
    const c = await store.create('c', write([]));
    // 'a' was used more recently than 'b', so 'b' goes.
    assert.equal(watching(b), false);
    assert.ok(watching(a) && watching(c));
    const b2 = (await store.open('b'))!;
    assert.notEqual(b2, b);
    assert.equal(watching(a), false);
    // An evicted collection still works (it reads disk; the lock registry is the store's).
    const r = await b.commit(write([{ op: 'put', path: 'x', data: enc('x') }]));
    assert.equal((await b2.head()).commit, r.snapshot.commit);
    await store.close();
    assert.equal(watching(b2), false);
    assert.equal(watching(c), false);
  } finally {
    await store.close();
    cleanup();
  }
});

test('the watcher refreshes the cached HEAD after a native update, before anyone asks', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root);
  try {
    const c = await store.create('w', write([{ op: 'put', path: 'a', data: enc('a') }]));
    const h = await c.head();
    assert.equal(cachedHead(c), h.commit);
    // Give chokidar a moment to be ready (its initial scan is asynchronous).
    await new Promise((r) => setTimeout(r, 300));
    let parent = h.commit!;
    // Three updates in a row (a ref file replaced by rename each time, and once only in packed-refs).
    for (let i = 0; i < 3; i++) {
      const commit = bare(c.gitDir, 'commit-tree', `${parent}^{tree}`, '-p', parent, '-m', `native ${i}`).trim();
      bare(c.gitDir, 'update-ref', 'refs/heads/main', commit);
      if (i === 1) bare(c.gitDir, 'pack-refs', '--all');
      const deadline = Date.now() + 5000;
      while (cachedHead(c) !== commit && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      assert.equal(cachedHead(c), commit, `update ${i} seen by the watcher`);
      parent = commit;
    }
  } finally {
    await store.close();
    cleanup();
  }
});

test('store.close() lets the process exit', () => {
  const { root, cleanup } = tempRoot();
  try {
    const storeUrl = new URL('../../src/store/index.ts', import.meta.url).href;
    const script = join(root, 'child.mts');
    writeFileSync(
      script,
      `import { createStore } from ${JSON.stringify(storeUrl)};
const store = createStore(${JSON.stringify(join(root, 'data'))}, { gcAfterCommits: 3 });
const author = { name: 'A', email: 'a@example.org' };
for (const name of ['one', 'two', 'three']) {
  const c = await store.create('u/' + name, { author, plan: () => ({ ops: [{ op: 'put', path: 'f', data: new Uint8Array([1]) }], message: 'm' }) });
  for (let i = 0; i < 3; i++) await c.commit({ author, plan: () => ({ ops: [{ op: 'put', path: 'g' + i, data: new Uint8Array([i]) }], message: 'n' }) });
}
await store.close();
console.log('closed');
`,
    );
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30000, cwd: process.cwd() });
    assert.equal(r.signal, null, `child killed after ${Date.now() - t0} ms: it did not exit by itself`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'closed');
    // Background gc ran before close() returned (close waits for it).
    assert.ok(git(['--git-dir', join(root, 'data/u/one'), 'count-objects', '-v']).includes('packs: 1'));
  } finally {
    cleanup();
  }
});
