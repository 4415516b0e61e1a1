import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileMap } from '../../src/store/fileMap.js';
import { diffSnapshots } from '../../src/store/snapshot.js';
import type { Snapshot } from '../../src/store/types.js';

const id = (n: number) => n.toString(16).padStart(40, '0');

test('FileMap behaves like a Map through many overlays and the folds into new bases', () => {
  const model = new Map<string, string>();
  for (let i = 0; i < 100; i++) model.set(`f${i}`, id(i));
  let fm = FileMap.from(new Map(model));
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let step = 0; step < 400; step++) {
    const changes: [string, string | null][] = [];
    for (let k = 0; k < 1 + Math.floor(rand() * 5); k++) {
      const path = `f${Math.floor(rand() * 160)}`;
      const v = rand() < 0.3 ? null : id(1000 + step * 10 + k);
      changes.push([path, v]);
    }
    const prev = fm;
    const prevModel = new Map(model);
    fm = fm.with(changes);
    for (const [p, v] of changes) {
      if (v === null) model.delete(p);
      else model.set(p, v);
    }
    assert.equal(fm.size, model.size, `size at step ${step}`);
    assert.deepEqual(new Map([...fm].sort()), new Map([...model].sort()));
    for (const p of ['f0', 'f99', 'f150', 'nope']) {
      assert.equal(fm.get(p), model.get(p));
      assert.equal(fm.has(p), model.has(p));
    }
    // Diffs agree whether they take the overlay shortcut or compare in full.
    const snap = (files: ReadonlyMap<string, string>, c: string): Snapshot => ({ commit: c, time: null, files, dirs: new Set() });
    const fast = diffSnapshots(snap(prev, 'a'), snap(fm, 'b'));
    const full = diffSnapshots(snap(prevModel, 'a'), snap(new Map(model), 'b'));
    assert.deepEqual(fast, full);
  }
  // The previous versions are untouched (persistence).
  const before = FileMap.from(new Map([['a', id(1)]]));
  const after = before.with([['a', null], ['b', id(2)]]);
  assert.deepEqual([...before], [['a', id(1)]]);
  assert.deepEqual([...after], [['b', id(2)]]);
  assert.deepEqual([...after.keys()], ['b']);
  assert.deepEqual([...after.values()], [id(2)]);
  const seen: string[] = [];
  after.forEach((v, k) => seen.push(`${k}=${v}`));
  assert.deepEqual(seen, [`b=${id(2)}`]);
  assert.deepEqual(FileMap.changedPaths(before, after)?.sort(), ['a', 'b']);
});
