/**
 * The UID index follows snapshots forwards and backwards by applying diffs in place, and a
 * blob's UID is read once. Real repositories through the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { isFlatMember, UidIndex } from '../../src/dav/uidIndex.js';
import type { CollectionView } from '../../src/dav/types.js';
import type { WriteOp } from '../../src/store/types.js';

const author = { name: 't', email: 't@example.com' };
const card = (uid: string) => Buffer.from(`UID:${uid}\n`);

test('UID index: O(changes) updates, moves between snapshots in both directions', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kalends-uid-'));
  const store = createStore(root, { watch: false });
  try {
    const repo = await store.create('u/c/a', { author, plan: () => ({ ops: [{ op: 'put', path: 'a.x', data: card('A') }, { op: 'put', path: 'b.x', data: card('B') }, { op: 'put', path: '.hidden', data: card('H') }], message: 'init' }) });
    const coll = { rel: 'u/c/a', repo } as unknown as CollectionView;
    let reads = 0;
    const index = new UidIndex(async (_c, blob) => {
      reads++;
      const text = Buffer.from(await repo.readBlob(blob)).toString('utf8');
      return /^UID:(.*)$/m.exec(text)?.[1];
    }, isFlatMember);
    const s1 = await repo.head();
    assert.equal(await index.find(coll, s1, 'A'), 'a.x');
    assert.equal(await index.find(coll, s1, 'B'), 'b.x');
    assert.equal(await index.find(coll, s1, 'H'), undefined, 'hidden files are not members');
    assert.equal(reads, 2);

    const commit = async (ops: WriteOp[]) => (await repo.commit({ author, plan: () => ({ ops, message: 'c' }) })).snapshot;
    // b.x now holds C, a.x is renamed to d.x (same blob: its UID is not read again).
    const s2 = await commit([{ op: 'put', path: 'b.x', data: card('C') }, { op: 'delete', path: 'a.x' }, { op: 'link', path: 'd.x', blob: s1.files.get('a.x')! }]);
    assert.equal(await index.find(coll, s2, 'A'), 'd.x');
    assert.equal(await index.find(coll, s2, 'B'), undefined);
    assert.equal(await index.find(coll, s2, 'C'), 'b.x');
    assert.equal(reads, 3, 'only the new blob was read');

    // Back to the older snapshot: the same answers as the first time.
    assert.equal(await index.find(coll, s1, 'A'), 'a.x');
    assert.equal(await index.find(coll, s1, 'B'), 'b.x');
    assert.equal(await index.find(coll, s1, 'C'), undefined);
    assert.equal(reads, 3);
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
