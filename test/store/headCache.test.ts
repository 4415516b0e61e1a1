import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadCache } from '../../src/store/headCache.js';
import { createStore } from '../../src/store/index.js';
import { bare, enc, tempRoot, write } from './helpers.js';

/** Make every ref file look old, so the cache trusts their signatures (past the racy window). */
const OLD = new Date(Date.now() - 60_000);
function age(gitDir: string, ...rel: string[]): void {
  for (const r of rel) utimesSync(join(gitDir, r), OLD, OLD);
}

test('HEAD cache: settled refs are cached, and every kind of ref change is seen on the next read', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('a') }]));
    const h1 = (await c.head()).commit!;
    const h2 = (await c.commit(write([{ op: 'put', path: 'b', data: enc('b') }]))).snapshot.commit!;
    const cache = new HeadCache(c.gitDir);
    age(c.gitDir, 'HEAD', 'refs/heads/main');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });

    // Overwritten in place with the same size and the old mtime put back: ctime still moves
    // (a pause first, so the new ctime falls in a later timestamp tick).
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(join(c.gitDir, 'refs/heads/main'), `${h1}\n`);
    age(c.gitDir, 'refs/heads/main');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h1 });

    // Native update-ref (lock file renamed over the ref).
    bare(c.gitDir, 'update-ref', 'refs/heads/main', h2, h1);
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });
    age(c.gitDir, 'refs/heads/main');
    cache.read();
    bare(c.gitDir, 'update-ref', 'refs/heads/main', h1, h2);
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h1 });

    // Branch moved into packed-refs (loose file gone), then packed-refs alone changes.
    bare(c.gitDir, 'pack-refs', '--all');
    age(c.gitDir, 'packed-refs');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h1 });
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h1 });
    writeFileSync(join(c.gitDir, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted \n${h2} refs/heads/main\n`);
    age(c.gitDir, 'packed-refs');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });

    // HEAD switched to another branch, then detached.
    bare(c.gitDir, 'update-ref', 'refs/heads/other', h1);
    age(c.gitDir, 'refs/heads/other');
    bare(c.gitDir, 'symbolic-ref', 'HEAD', 'refs/heads/other');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/other', oid: h1 });
    age(c.gitDir, 'HEAD');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/other', oid: h1 });
    bare(c.gitDir, 'update-ref', 'refs/heads/other', h2, h1);
    assert.deepEqual(cache.read(), { ref: 'refs/heads/other', oid: h2 });
    writeFileSync(join(c.gitDir, 'HEAD'), `${h1}\n`);
    assert.deepEqual(cache.read(), { ref: 'HEAD', oid: h1 });
    age(c.gitDir, 'HEAD');
    cache.read();
    writeFileSync(join(c.gitDir, 'HEAD'), `${h2}\n`);
    age(c.gitDir, 'HEAD');
    assert.deepEqual(cache.read(), { ref: 'HEAD', oid: h2 });

    // A chain of symbolic refs (HEAD -> sym -> main) is followed, and a change at its end seen.
    writeFileSync(join(c.gitDir, 'refs/heads/sym'), 'ref: refs/heads/main\n');
    writeFileSync(join(c.gitDir, 'HEAD'), 'ref: refs/heads/sym\n');
    age(c.gitDir, 'HEAD', 'refs/heads/sym', 'packed-refs');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });
    assert.deepEqual(cache.read(), { ref: 'refs/heads/main', oid: h2 });
    writeFileSync(join(c.gitDir, 'refs/heads/sym'), 'ref: refs/heads/other\n');
    age(c.gitDir, 'refs/heads/sym');
    assert.deepEqual(cache.read(), { ref: 'refs/heads/other', oid: h2 });
    bare(c.gitDir, 'update-ref', 'refs/heads/other', h1, h2);
    assert.deepEqual(cache.read(), { ref: 'refs/heads/other', oid: h1 });
  } finally {
    await store.close();
    cleanup();
  }
});
