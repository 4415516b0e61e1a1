import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackReader, applyDelta } from '../../src/store/packReader.js';
import { createStore } from '../../src/store/index.js';
import { bare, dec, git, gitEnv, looseObjects, tempRoot } from './helpers.js';

/** Every object of a repository with its type and bytes, as `git cat-file --batch` tells. */
function allObjects(gitDir: string): Map<string, { type: string; data: Buffer }> {
  const ids = bare(gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname)').trim().split('\n');
  const out = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { input: ids.join('\n') + '\n', env: gitEnv(), maxBuffer: 1 << 28 });
  const map = new Map<string, { type: string; data: Buffer }>();
  let p = 0;
  while (p < out.length) {
    const nl = out.indexOf(0x0a, p);
    const [oid, type, size] = out.toString('latin1', p, nl).split(' ');
    const start = nl + 1;
    map.set(oid!, { type: type!, data: out.subarray(start, start + Number(size)) });
    p = start + Number(size) + 1;
  }
  return map;
}

/** A repository with many similar versions of files, so `git gc` makes delta chains. */
function repoWithDeltas(dir: string): string {
  const work = join(dir, 'work');
  mkdirSync(work);
  git(['init', '-q', '-b', 'main', work]);
  const base = Array.from({ length: 200 }, (_, i) => `DESCRIPTION:line ${i} of a long description that repeats\r\n`).join('');
  for (let v = 0; v < 30; v++) {
    for (let f = 0; f < 5; f++) writeFileSync(join(work, `item-${f}.ics`), `BEGIN:VEVENT\r\nUID:${f}\r\nSEQUENCE:${v}\r\n${base}END:VEVENT\r\n`);
    git(['add', '-A'], work);
    git(['commit', '-q', '-m', `version ${v}`], work);
  }
  const gitDir = join(dir, 'repo');
  git(['clone', '-q', '--bare', work, gitDir]);
  return gitDir;
}

test('applyDelta: copy and insert instructions (worked by hand)', () => {
  const base = Buffer.from('hello world');
  // src size 11, dst size 11; copy offset 0 size 6 ("hello "), insert 5 bytes "there".
  const delta = Buffer.from([11, 11, 0x80 | 0x10, 6, 5, ...Buffer.from('there')]);
  assert.equal(applyDelta(base, delta).toString(), 'hello there');
  // copy with offset 6 (flag 0x01) and size 5 (flag 0x10): "world".
  assert.equal(applyDelta(base, Buffer.from([11, 5, 0x80 | 0x01 | 0x10, 6, 5])).toString(), 'world');
  assert.throws(() => applyDelta(base, Buffer.from([10, 1, 1, 0x41])));
});

for (const [label, repackArgs] of [
  ['OFS_DELTA', ['repack', '-a', '-d', '-f', '--depth=50', '--window=50']],
  ['REF_DELTA', ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-f', '--depth=50', '--window=50']],
] as const) {
  test(`pack reader returns exactly what git cat-file does (${label})`, async () => {
    const { root, cleanup } = tempRoot();
    try {
      const gitDir = repoWithDeltas(root);
      git(['--git-dir', gitDir, ...repackArgs]);
      bare(gitDir, 'prune-packed');
      assert.deepEqual(looseObjects(gitDir), []);
      const idx = readdirSync(join(gitDir, 'objects/pack')).find((f) => f.endsWith('.idx'))!;
      const verify = bare(gitDir, 'verify-pack', '-v', join(gitDir, 'objects/pack', idx));
      assert.match(verify, /chain length = [2-9]/, 'the pack has delta chains');
      const expected = allObjects(gitDir);
      assert.ok(expected.size > 150);
      const reader = new PackReader(gitDir);
      for (const [oid, want] of expected) {
        const got = reader.read(oid);
        assert.ok(got, oid);
        assert.equal(got.type, want.type, oid);
        assert.ok(got.data.equals(want.data), `content of ${oid}`);
      }
      assert.equal(reader.unsupported, false);
      assert.equal(reader.read('0123456789012345678901234567890123456789'), null);
      // Through the store: the head snapshot and blobs of a packed, delta-compressed repository.
      const store = createStore(root, { watch: false });
      const c = (await store.open('repo'))!;
      const h = await c.head();
      assert.deepEqual([...h.files.keys()].sort(), ['item-0.ics', 'item-1.ics', 'item-2.ics', 'item-3.ics', 'item-4.ics']);
      assert.match(dec(await c.readBlob(h.files.get('item-3.ics')!)), /^BEGIN:VEVENT\r\nUID:3\r\nSEQUENCE:29\r\n/);
      const first = bare(gitDir, 'rev-list', '--max-parents=0', 'HEAD').trim();
      const old = await c.snapshotAt(first);
      assert.match(dec(await c.readBlob(old!.files.get('item-3.ics')!)), /SEQUENCE:0\r\n/);
      await store.close();
    } finally {
      cleanup();
    }
  });
}
