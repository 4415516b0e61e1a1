import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { StoreError, type Snapshot } from '../../src/store/types.js';
import { ALICE, bare, dec, enc, fsckClean, git, looseObjects, tempRoot, write } from './helpers.js';

const isStoreError = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

test('create, commit, read back; native git agrees', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('alice/calendars/work', write([{ op: 'put', path: '.props', data: enc('name=Work\n') }], 'Create calendar "Work"'));
    assert.equal(c.id, 'alice/calendars/work');
    assert.equal(c.gitDir, join(root, 'alice/calendars/work'));
    assert.equal(readFileSync(join(c.gitDir, 'HEAD'), 'utf8'), 'ref: refs/heads/main\n');
    assert.match(readFileSync(join(c.gitDir, 'config'), 'utf8'), /bare = true/);
    assert.equal(bare(c.gitDir, 'rev-parse', '--is-bare-repository').trim(), 'true');

    const first = await c.head();
    assert.equal(first.files.size, 1);
    assert.equal(first.files.get('.props'), bare(c.gitDir, 'rev-parse', 'HEAD:.props').trim());

    const r = await c.commit(write([{ op: 'put', path: 'team.ics', data: enc('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n') }], 'Add event (team.ics)'));
    assert.equal(r.committed, true);
    assert.equal(r.snapshot.commit, bare(c.gitDir, 'rev-parse', 'HEAD').trim());
    assert.equal(bare(c.gitDir, 'show', 'HEAD:team.ics'), 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    assert.equal(bare(c.gitDir, 'log', '--format=%an <%ae>|%cn|%s|%P').split('\n')[0], `Alice Example <alice@example.org>|Alice Example|Add event (team.ics)|${first.commit}`);
    // Committer time is seconds precision and close to now.
    assert.ok(Math.abs(r.snapshot.time!.getTime() - Date.now()) < 5000);
    assert.equal(bare(c.gitDir, 'log', '-1', '--format=%ct').trim(), String(r.snapshot.time!.getTime() / 1000));
    // The commit header carries the local offset: Kathmandu is UTC+05:45 all year.
    const savedTz = process.env.TZ;
    process.env.TZ = 'Asia/Kathmandu';
    try {
      await c.commit(write([{ op: 'put', path: 'tz.txt', data: enc('tz') }]));
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    }
    assert.match(bare(c.gitDir, 'cat-file', '-p', 'HEAD'), /^committer Alice Example <alice@example.org> \d+ \+0545$/m);
    assert.match(bare(c.gitDir, 'cat-file', '-p', 'HEAD'), /^author Alice Example <alice@example.org> \d+ \+0545$/m);
    assert.equal(dec(await c.readBlob(r.snapshot.files.get('team.ics')!)), 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    // A second store on the same root reads the same state from disk.
    const other = createStore(root, { watch: false });
    const again = await (await other.open('alice/calendars/work'))!.head();
    const mine = await c.head();
    assert.equal(again.commit, bare(c.gitDir, 'rev-parse', 'HEAD').trim());
    assert.equal(again.commit, mine.commit);
    assert.deepEqual([...again.files], [...mine.files]);
    await other.close();
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('many commits with nested dirs, dir deletes and links stay fsck-clean', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('alice/notes', write([], 'Create folder'));
    const empty = await c.head();
    assert.notEqual(empty.commit, null);
    assert.equal(empty.files.size, 0);
    assert.equal(bare(c.gitDir, 'ls-tree', 'HEAD'), '');
    // A mirror of what the tree should hold, kept by hand.
    const expect = new Map<string, string>();
    const names = ['a', 'a.b', 'a-b', 'a0', 'b/c', 'a/x', 'a/y/z', 'a.b.c/d', 'Z', 'caf\u00e9', '\u{1f600}.txt', 'sp ace'];
    for (let i = 0; i < 40; i++) {
      const name = names[i % names.length]!;
      const path = i % 3 === 0 ? name : `d${i % 4}/${name}`;
      const content = `item ${i}\n`;
      try {
        await c.commit(write([{ op: 'put', path, data: enc(content) }], `put ${path}`));
        for (const k of [...expect.keys()]) if (k.startsWith(`${path}/`)) throw new Error(`put over a dir succeeded: ${path}`);
        expect.set(path, content);
      } catch (e) {
        // Putting a file where a directory is (or under a file) is a conflict, not a silent overwrite.
        assert.ok(isStoreError('conflict')(e), String(e));
      }
    }
    // Remove a directory and everything below it.
    const dir = 'd1';
    assert.ok([...expect.keys()].some((k) => k.startsWith('d1/')));
    const del = await c.commit(write([{ op: 'delete', path: dir }], 'remove d1'));
    for (const k of [...expect.keys()]) if (k.startsWith('d1/')) expect.delete(k);
    assert.ok(!del.snapshot.dirs.has('d1'));
    // Link (copy inside the repo) an existing blob.
    const source = [...expect.keys()].find((k) => k.startsWith('d2/'))!;
    await c.commit(write([{ op: 'link', path: 'copies/deep/a.b', blob: del.snapshot.files.get(source)! }], 'copy'));
    expect.set('copies/deep/a.b', expect.get(source)!);
    const head = await c.head();
    assert.deepEqual(new Map([...head.files].map(([p]) => [p, dec(Buffer.from(bare(c.gitDir, 'show', `HEAD:${p}`)))])), expect);
    assert.deepEqual([...head.files.keys()].sort(), [...expect.keys()].sort());
    // Every directory of every path is listed, and nothing else.
    const dirs = new Set<string>();
    for (const p of expect.keys()) {
      const segs = p.split('/');
      for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
    }
    assert.deepEqual([...head.dirs].sort(), [...dirs].sort());
    // Native git sees the same files.
    const lsTree = bare(c.gitDir, 'ls-tree', '-r', '-z', '--name-only', 'HEAD').split('\0').filter(Boolean);
    assert.deepEqual(lsTree.sort(), [...expect.keys()].sort());
    assert.equal(fsckClean(c.gitDir), '');
    assert.ok(Number(bare(c.gitDir, 'rev-list', '--count', 'HEAD').trim()) > 30);
  } finally {
    await store.close();
    cleanup();
  }
});

test('ops: errors, no-op writes, delete of the last file of a dir', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'dir/only.txt', data: enc('1') }]));
    const h0 = await c.head();
    await assert.rejects(c.commit(write([{ op: 'delete', path: 'nope' }])), isStoreError('missing'));
    await assert.rejects(c.commit(write([{ op: 'delete', path: 'dir/only.txt/x' }])), isStoreError('missing'));
    await assert.rejects(c.commit(write([{ op: 'put', path: 'dir/only.txt/x', data: enc('') }])), isStoreError('conflict'));
    await assert.rejects(c.commit(write([{ op: 'put', path: 'dir', data: enc('') }])), isStoreError('conflict'));
    await assert.rejects(c.commit(write([{ op: 'put', path: '../x', data: enc('') }])), isStoreError('invalid-path'));
    await assert.rejects(c.commit(write([{ op: 'put', path: '.git/config', data: enc('') }])), isStoreError('invalid-path'));
    await assert.rejects(c.commit(write([{ op: 'link', path: 'l', blob: 'ce013625030ba8dba906f756967f9e9ca394464a' }])), isStoreError('missing'));
    // The tree id of a commit is not a blob.
    const treeId = bare(c.gitDir, 'rev-parse', 'HEAD^{tree}').trim();
    await assert.rejects(c.commit(write([{ op: 'link', path: 'l', blob: treeId }])), isStoreError('missing'));
    // Same bytes again: nothing to commit.
    const same = await c.commit(write([{ op: 'put', path: 'dir/only.txt', data: enc('1') }]));
    assert.equal(same.committed, false);
    assert.equal(same.snapshot.commit, h0.commit);
    const none = await c.commit({ author: ALICE, plan: () => null });
    assert.equal(none.committed, false);
    assert.equal(none.plan, null);
    assert.equal((await c.head()).commit, h0.commit);
    // Ops apply in order: delete then re-create under the same name as a directory.
    const r = await c.commit(write([{ op: 'delete', path: 'dir' }, { op: 'put', path: 'dir', data: enc('now a file') }]));
    assert.deepEqual([...r.snapshot.files.keys()], ['dir']);
    assert.equal(r.snapshot.dirs.size, 0);
    const r2 = await c.commit(write([{ op: 'delete', path: 'dir' }]));
    assert.equal(r2.snapshot.files.size, 0);
    assert.equal(bare(c.gitDir, 'rev-parse', 'HEAD^{tree}').trim(), '4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('a plan that throws writes nothing', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('a') }]));
    const before = looseObjects(c.gitDir);
    const ref = readFileSync(join(c.gitDir, 'refs/heads/main'), 'utf8');
    let seen: Snapshot | undefined;
    await assert.rejects(
      c.commit({
        author: ALICE,
        plan: (head) => {
          seen = head;
          throw new Error('precondition failed');
        },
      }),
      /precondition failed/,
    );
    assert.equal(seen?.commit, ref.trim());
    assert.deepEqual(looseObjects(c.gitDir), before);
    assert.equal(readFileSync(join(c.gitDir, 'refs/heads/main'), 'utf8'), ref);
    assert.ok(!existsSync(join(c.gitDir, 'refs/heads/main.lock')));
    // create() with a throwing plan leaves nothing behind either.
    await assert.rejects(store.create('y', { author: ALICE, plan: () => Promise.reject(new Error('no')) }), /no/);
    assert.equal(await store.kind('y'), 'missing');
    assert.deepEqual(await store.list(''), ['x']);
  } finally {
    await store.close();
    cleanup();
  }
});

test('modes of untouched entries survive: executables, symlinks, submodules', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('mixed', write([{ op: 'put', path: 'plain.txt', data: enc('p') }]));
    // Build a commit natively with an executable, a symlink and a gitlink, on top of ours.
    const blob = git(['--git-dir', c.gitDir, 'hash-object', '-w', '--stdin'], undefined, 'echo hi\n').trim();
    const link = git(['--git-dir', c.gitDir, 'hash-object', '-w', '--stdin'], undefined, 'plain.txt').trim();
    const sub = 'ce013625030ba8dba906f756967f9e9ca394464a';
    const plain = bare(c.gitDir, 'rev-parse', 'HEAD:plain.txt').trim();
    const subtree = git(['--git-dir', c.gitDir, 'mktree'], undefined, `100755 blob ${blob}\trun.sh\n`).trim();
    const tree = git(
      ['--git-dir', c.gitDir, 'mktree'],
      undefined,
      `100644 blob ${plain}\tplain.txt\n100755 blob ${blob}\trun.sh\n120000 blob ${link}\tlink\n160000 commit ${sub}\tvendor\n040000 tree ${subtree}\tbin\n`,
    ).trim();
    const commit = git(['--git-dir', c.gitDir, 'commit-tree', tree, '-p', 'HEAD', '-m', 'native modes']).trim();
    bare(c.gitDir, 'update-ref', 'refs/heads/main', commit);
    const h = await c.head();
    // Symlinks and submodules are not files.
    assert.deepEqual([...h.files.keys()].sort(), ['bin/run.sh', 'plain.txt', 'run.sh']);
    assert.deepEqual([...h.dirs], ['bin']);
    await c.commit(write([{ op: 'put', path: 'new.ics', data: enc('n') }, { op: 'put', path: 'bin/other', data: enc('o') }, { op: 'put', path: 'run.sh', data: enc('echo bye\n') }]));
    const ls = bare(c.gitDir, 'ls-tree', '-r', 'HEAD')
      .trim()
      .split('\n')
      .map((l) => `${l.split(' ')[0]} ${l.split('\t')[1]}`);
    assert.deepEqual(ls, ['100644 bin/other', '100755 bin/run.sh', '120000 link', '100644 new.ics', '100644 plain.txt', '100755 run.sh', '160000 vendor']);
    assert.equal(bare(c.gitDir, 'show', 'HEAD:run.sh'), 'echo bye\n');
    // fsck --strict would flag a gitlink to a missing commit only with --connectivity of submodules; it does not.
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('snapshotAt and diff', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('1') }, { op: 'put', path: 'b/c', data: enc('2') }]));
    const s1 = await c.head();
    const s2 = (await c.commit(write([{ op: 'put', path: 'a', data: enc('changed') }, { op: 'delete', path: 'b' }, { op: 'put', path: '0', data: enc('new') }]))).snapshot;
    const changes = c.diff(s1, s2);
    assert.deepEqual(changes, [
      { path: '0', from: null, to: s2.files.get('0') },
      { path: 'a', from: s1.files.get('a'), to: s2.files.get('a') },
      { path: 'b/c', from: s1.files.get('b/c'), to: null },
    ]);
    assert.deepEqual(c.diff(s2, s2), []);
    const back = await c.snapshotAt(s1.commit!);
    assert.deepEqual(back && [...back.files], [...s1.files]);
    assert.equal(back?.time?.getTime(), s1.time?.getTime());
    // A fresh store has no cache: it reads the old commit from disk.
    const other = createStore(root, { watch: false });
    const oc = (await other.open('x'))!;
    const fromDisk = await oc.snapshotAt(s1.commit!);
    assert.deepEqual(fromDisk && [...fromDisk.files], [...s1.files]);
    assert.deepEqual(fromDisk && [...fromDisk.dirs], ['b']);
    assert.equal(await oc.snapshotAt('0'.repeat(40)), null);
    assert.equal(await oc.snapshotAt('not-an-id'), null);
    assert.equal(await oc.snapshotAt(s2.files.get('a')!), null, 'a blob is not a commit');
    await assert.rejects(oc.readBlob('0'.repeat(40)), isStoreError('missing'));
    await other.close();
  } finally {
    await store.close();
    cleanup();
  }
});
