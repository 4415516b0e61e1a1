import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { buildPack } from '../../src/store/pack.js';
import { makeObject } from '../../src/store/objects.js';
import { bare, dec, enc, fsckClean, looseObjects, tempRoot, write } from './helpers.js';

test('pack layout: header, entry header, index fan-out (worked by hand)', () => {
  // One blob "hello\n" (6 bytes): entry header is one byte, type 3 in bits 6-4, size 6 in bits 3-0: 0x36.
  const blob = makeObject('blob', Buffer.from('hello\n'));
  const { pack, idx, name } = buildPack([blob]);
  assert.equal(pack.toString('latin1', 0, 4), 'PACK');
  assert.equal(pack.readUInt32BE(4), 2);
  assert.equal(pack.readUInt32BE(8), 1);
  assert.equal(pack[12], 0x36);
  assert.equal(name, `pack-${pack.subarray(-20).toString('hex')}`);
  // Index v2: magic, version, fan-out (0 below the first byte 0xce of the id, 1 from there on).
  assert.equal(idx.readUInt32BE(0), 0xff744f63);
  assert.equal(idx.readUInt32BE(4), 2);
  assert.equal(idx.readUInt32BE(8 + 4 * 0xcd), 0);
  assert.equal(idx.readUInt32BE(8 + 4 * 0xce), 1);
  assert.equal(idx.readUInt32BE(8 + 4 * 255), 1);
  assert.equal(idx.toString('hex', 8 + 1024, 8 + 1024 + 20), 'ce013625030ba8dba906f756967f9e9ca394464a');
  // Its one offset is 12, right after the pack header.
  assert.equal(idx.readUInt32BE(8 + 1024 + 20 + 4), 12);
  assert.equal(idx.length, 8 + 1024 + 28 + 40);
  // A size of 300 needs a continuation byte: low 4 bits 0xc with the flag, then 300 >> 4 = 18.
  const big = buildPack([makeObject('blob', Buffer.alloc(300))]).pack;
  assert.deepEqual([...big.subarray(12, 14)], [0x80 | 0x30 | 0x0c, 18]);
});

test('a large commit is written as one pack that native git and a fresh store read', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const items = Array.from({ length: 1500 }, (_, i) => ({ path: `dir${i % 3}/item-${i}.vcf`, data: `BEGIN:VCARD\r\nFN:P ${i}\r\nEND:VCARD\r\n` }));
    const c = await store.create('big', write(items.map((it) => ({ op: 'put' as const, path: it.path, data: enc(it.data) }))));
    const packs = readdirSync(join(c.gitDir, 'objects/pack'));
    assert.equal(packs.filter((f) => f.endsWith('.pack')).length, 1);
    assert.equal(packs.filter((f) => f.startsWith('tmp_')).length, 0);
    assert.deepEqual(looseObjects(c.gitDir), []);
    const packFile = join(c.gitDir, 'objects/pack', packs.find((f) => f.endsWith('.idx'))!);
    bare(c.gitDir, 'verify-pack', packFile);
    assert.equal(fsckClean(c.gitDir), '');
    assert.equal(bare(c.gitDir, 'show', 'HEAD:dir2/item-1499.vcf'), items[1499]!.data);
    assert.equal(bare(c.gitDir, 'ls-tree', '-r', '--name-only', 'HEAD').trim().split('\n').length, 1500);
    const fresh = createStore(root, { watch: false });
    const fc = (await fresh.open('big'))!;
    const h = await fc.head();
    assert.equal(h.files.size, 1500);
    assert.equal(dec(await fc.readBlob(h.files.get('dir0/item-0.vcf')!)), items[0]!.data);
    await fc.commit(write([{ op: 'put', path: 'dir0/item-0.vcf', data: enc('changed') }]));
    assert.equal(fsckClean(c.gitDir), '');
    await fresh.close();
  } finally {
    await store.close();
    cleanup();
  }
});

test('a big flat root tree is stored uncompressed as a loose object; git reads it and gc compresses it', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    // 2000 entries of ~60 bytes: a ~120 KB root tree.
    const c = await store.create('flat', write(Array.from({ length: 2000 }, (_, i) => ({ op: 'put' as const, path: `contact-${String(i).padStart(5, '0')}-abcdef.vcf`, data: enc(`FN:${i}`) }))));
    const r = await c.commit(write([{ op: 'put', path: 'contact-00007-abcdef.vcf', data: enc('changed') }]));
    const tree = bare(c.gitDir, 'rev-parse', 'HEAD^{tree}').trim();
    const treeSize = Number(bare(c.gitDir, 'cat-file', '-s', tree).trim());
    assert.ok(treeSize > 100_000);
    const loose = join(c.gitDir, 'objects', tree.slice(0, 2), tree.slice(2));
    // Stored blocks: the file is a little larger than the object, not compressed.
    assert.ok(statSync(loose).size >= treeSize, `${statSync(loose).size} vs ${treeSize}`);
    assert.equal(bare(c.gitDir, 'ls-tree', 'HEAD').trim().split('\n').length, 2000);
    assert.equal(bare(c.gitDir, 'show', 'HEAD:contact-00007-abcdef.vcf'), 'changed');
    assert.equal(fsckClean(c.gitDir), '');
    assert.equal((await store.maintain('flat')).ok, true);
    const packBytes = readdirSync(join(c.gitDir, 'objects/pack'))
      .filter((f) => f.endsWith('.pack'))
      .reduce((n, f) => n + statSync(join(c.gitDir, 'objects/pack', f)).size, 0);
    assert.ok(packBytes < treeSize, `gc compressed the trees: pack ${packBytes} bytes`);
    const fresh = createStore(root, { watch: false });
    assert.deepEqual([...(await (await fresh.open('flat'))!.head()).files].sort(), [...r.snapshot.files].sort());
    await fresh.close();
  } finally {
    await store.close();
    cleanup();
  }
});
