import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../src/store/index.js';
import { StoreError, type Snapshot, type WriteOp } from '../../src/store/types.js';
import { bare, enc, fsckClean, tempRoot, write } from './helpers.js';

/** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const plain = (s: Snapshot) => ({ files: [...s.files].sort(), dirs: [...s.dirs].sort() });

test('snapshots derived after a commit equal the tree read back from disk (random nested edits)', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('r', write([]));
    const rand = rng(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const names = ['a', 'b', 'a.b', 'a-b', 'c0', 'z'];
    let committed = 0;
    for (let round = 0; round < 200; round++) {
      const head = await c.head();
      const ops: WriteOp[] = [];
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const depth = 1 + Math.floor(rand() * 3);
        const path = Array.from({ length: depth }, () => pick(names)).join('/');
        const existing = [...head.files.keys(), ...head.dirs];
        if (rand() < 0.3 && existing.length > 0) ops.push({ op: 'delete', path: pick(existing) });
        else if (rand() < 0.1 && head.files.size > 0) ops.push({ op: 'link', path, blob: pick([...head.files.values()]) });
        else ops.push({ op: 'put', path, data: enc(`r${round} k${k}`) });
      }
      let r;
      try {
        r = await c.commit(write(ops, `round ${round}`));
      } catch (e) {
        // Random ops may collide (a file where a directory is, a path deleted twice): refused whole.
        assert.ok(e instanceof StoreError && (e.code === 'conflict' || e.code === 'missing'), String(e));
        continue;
      }
      if (!r.committed) continue;
      committed++;
      // A fresh store knows nothing: it walks the tree on disk.
      const fresh = createStore(root, { watch: false });
      const disk = await (await fresh.open('r'))!.head();
      await fresh.close();
      assert.equal(disk.commit, r.snapshot.commit);
      assert.deepEqual(plain(r.snapshot), plain(disk), `round ${round}: ${JSON.stringify(ops.map((o) => [o.op, o.path]))}`);
    }
    assert.ok(committed > 80, `${committed} commits`);
    assert.equal(fsckClean(c.gitDir), '');
    assert.ok(Number(bare(c.gitDir, 'rev-list', '--count', 'HEAD').trim()) === committed + 1);
  } finally {
    await store.close();
    cleanup();
  }
});
