import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../src/store/index.js';
import type { GitCollection } from '../../src/store/types.js';
import { dec, enc, tempRoot, write } from './helpers.js';

const watching = (c: GitCollection) => (c as unknown as { watching: boolean }).watching;
const openCount = (s: object) => (s as unknown as { open_: { size: number } }).open_.size;
const cachedBlobBytes = (s: object) => (s as unknown as { deps: { blobs: { size: number } } }).deps.blobs.size;

test('many collections: least recently used ones are let go (watchers closed, open set and blob cache bounded)', async () => {
  const { root, cleanup } = tempRoot();
  // 60 collections of 5 files of 4 KiB: 1.2 MB of blobs read, against a 64 KiB blob budget.
  const store = createStore(root, { maxOpen: 10, blobCacheBytes: 64 * 1024 });
  const body = (c: number, k: number) => `${c}/${k} `.padEnd(4096, 'x');
  try {
    for (let c = 0; c < 60; c++) {
      const ops = Array.from({ length: 5 }, (_, k) => ({ op: 'put' as const, path: `f${k}`, data: enc(body(c, k)) }));
      await store.create(`u/c${c}`, write(ops));
    }
    const seen: GitCollection[] = [];
    for (let round = 0; round < 2; round++) {
      for (let c = 0; c < 60; c++) {
        const coll = (await store.open(`u/c${c}`))!;
        seen.push(coll);
        const head = await coll.head();
        for (let k = 0; k < 5; k++) assert.equal(dec(await coll.readBlob(head.files.get(`f${k}`)!)), body(c, k));
        assert.ok(openCount(store) <= 10, `open set ${openCount(store)} > 10`);
        assert.ok(cachedBlobBytes(store) <= 64 * 1024, `blob cache ${cachedBlobBytes(store)} bytes`);
      }
    }
    // Every object the store handed out that is no longer in its open set has stopped watching.
    const live = seen.filter(watching);
    assert.equal(new Set(live).size, 10);
    assert.deepEqual(new Set(live), new Set(seen.slice(-10)));
  } finally {
    await store.close();
    cleanup();
  }
});
