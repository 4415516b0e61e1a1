import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { compareAndSwapRef, readHead } from '../../src/store/refs.js';
import { StoreError, type Snapshot } from '../../src/store/types.js';
import { ALICE, bare, enc, fsckClean, git, tempRoot, write } from './helpers.js';

test('a native clone/commit/push is seen by the very next head()', async () => {
  const { root, cleanup } = tempRoot();
  const scratch = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('alice/calendars/work', write([{ op: 'put', path: 'a.ics', data: enc('A') }]));
    const before = await c.head();
    const work = join(scratch.root, 'clone');
    git(['clone', '-q', c.gitDir, work]);
    writeFileSync(join(work, 'b.ics'), 'B');
    git(['add', 'b.ics'], work);
    git(['commit', '-q', '-m', 'native add'], work);
    git(['push', '-q', 'origin', 'HEAD:main'], work);
    const after = await c.head();
    assert.notEqual(after.commit, before.commit);
    assert.equal(after.commit, git(['rev-parse', 'HEAD'], work).trim());
    assert.deepEqual([...after.files.keys()].sort(), ['a.ics', 'b.ics']);

    // Plumbing: update-ref to a commit made with commit-tree.
    const tree = git(['--git-dir', c.gitDir, 'mktree'], undefined, `100644 blob ${after.files.get('b.ics')}\tonly.ics\n`).trim();
    const commit = git(['--git-dir', c.gitDir, 'commit-tree', tree, '-p', after.commit!, '-m', 'plumbing']).trim();
    bare(c.gitDir, 'update-ref', 'refs/heads/main', commit, after.commit!);
    const third = await c.head();
    assert.equal(third.commit, commit);
    assert.deepEqual([...third.files.keys()], ['only.ics']);

    // Our next commit builds on the native one.
    const r = await c.commit(write([{ op: 'put', path: 'c.ics', data: enc('C') }]));
    assert.equal(bare(c.gitDir, 'rev-parse', 'HEAD^').trim(), commit);
    assert.deepEqual([...r.snapshot.files.keys()].sort(), ['c.ics', 'only.ics']);
    // The clone can pull our commit.
    git(['pull', '-q', '--rebase', 'origin', 'main'], work);
    assert.equal(readFileSync(join(work, 'c.ics'), 'utf8'), 'C');
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    scratch.cleanup();
    cleanup();
  }
});

test('branch only in packed-refs: reads, commits and compare-and-swap', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('a') }]));
    const h1 = (await c.head()).commit!;
    bare(c.gitDir, 'pack-refs', '--all');
    assert.ok(!existsSync(join(c.gitDir, 'refs/heads/main')));
    assert.match(readFileSync(join(c.gitDir, 'packed-refs'), 'utf8'), new RegExp(`^${h1} refs/heads/main$`, 'm'));
    assert.deepEqual(readHead(c.gitDir), { ref: 'refs/heads/main', oid: h1 });
    // A wrong expected value is refused while the ref is packed-only, and nothing is written.
    const other = bare(c.gitDir, 'commit-tree', '4b825dc642cb6eb9a060e54bf8d69288fbee4904', '-m', 'x').trim();
    assert.equal(await compareAndSwapRef(c.gitDir, 'refs/heads/main', other, other), false);
    assert.equal(await compareAndSwapRef(c.gitDir, 'refs/heads/main', null, other), false);
    assert.ok(!existsSync(join(c.gitDir, 'refs/heads/main')));
    assert.ok(!existsSync(join(c.gitDir, 'refs/heads/main.lock')));
    const r = await c.commit(write([{ op: 'put', path: 'b', data: enc('b') }]));
    assert.equal(bare(c.gitDir, 'rev-parse', 'HEAD^').trim(), h1);
    assert.equal(readFileSync(join(c.gitDir, 'refs/heads/main'), 'utf8'), `${r.snapshot.commit}\n`);
    // Native update of a packed ref after our loose write still wins the next read.
    bare(c.gitDir, 'pack-refs', '--all');
    bare(c.gitDir, 'update-ref', 'refs/heads/main', other);
    assert.equal((await c.head()).commit, other);
    assert.equal(await compareAndSwapRef(c.gitDir, 'refs/heads/main', r.snapshot.commit, h1), false);
    assert.equal(bare(c.gitDir, 'rev-parse', 'main').trim(), other);
  } finally {
    await store.close();
    cleanup();
  }
});

test('plan is called again with the new HEAD when the ref moved under us', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('a') }]));
    const heads: Snapshot[] = [];
    let native = '';
    const r = await c.commit({
      author: ALICE,
      plan: (head) => {
        heads.push(head);
        if (heads.length === 1) {
          // A person commits natively between our read of HEAD and our ref update, then packs refs.
          const blob = git(['--git-dir', c.gitDir, 'hash-object', '-w', '--stdin'], undefined, 'native').trim();
          const tree = git(['--git-dir', c.gitDir, 'mktree'], undefined, `100644 blob ${head.files.get('a')}\ta\n100644 blob ${blob}\tn\n`).trim();
          native = git(['--git-dir', c.gitDir, 'commit-tree', tree, '-p', head.commit!, '-m', 'native']).trim();
          bare(c.gitDir, 'update-ref', 'refs/heads/main', native);
          bare(c.gitDir, 'pack-refs', '--all');
        }
        return { ops: [{ op: 'put', path: `mine-${heads.length}`, data: enc('m') }], message: 'mine' };
      },
    });
    assert.equal(heads.length, 2);
    assert.equal(heads[1]!.commit, native);
    assert.ok(heads[1]!.files.has('n'));
    assert.equal(bare(c.gitDir, 'rev-parse', 'HEAD^').trim(), native);
    assert.deepEqual([...r.snapshot.files.keys()].sort(), ['a', 'mine-2', 'n']);
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test("someone else's stale <ref>.lock: wait, then busy (bounded); released lock: proceed", async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false, lockTimeoutMs: 400 });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('a') }]));
    const ref = readFileSync(join(c.gitDir, 'refs/heads/main'), 'utf8');
    const lock = join(c.gitDir, 'refs/heads/main.lock');
    writeFileSync(lock, 'someone else\n');
    const t0 = Date.now();
    await assert.rejects(c.commit(write([{ op: 'put', path: 'b', data: enc('b') }])), (e: unknown) => e instanceof StoreError && e.code === 'busy');
    const waited = Date.now() - t0;
    assert.ok(waited >= 380 && waited < 3000, `waited ${waited} ms`);
    // Their lock is theirs: we neither removed it nor moved the ref.
    assert.equal(readFileSync(lock, 'utf8'), 'someone else\n');
    assert.equal(readFileSync(join(c.gitDir, 'refs/heads/main'), 'utf8'), ref);
    // A lock released while we wait lets the commit through.
    setTimeout(() => unlinkSync(lock), 100);
    const r = await c.commit(write([{ op: 'put', path: 'b', data: enc('b') }]));
    assert.equal(r.committed, true);
    assert.equal(bare(c.gitDir, 'show', 'HEAD:b'), 'b');
  } finally {
    await store.close();
    cleanup();
  }
});
