import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { StoreError } from '../../src/store/types.js';
import { bare, enc, fsckClean, git, tempRoot, write } from './helpers.js';

const isStoreError = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

test('kind, list, ensureDir', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    assert.equal(await store.kind(''), 'directory');
    assert.equal(await store.kind('alice'), 'missing');
    await store.ensureDir('alice');
    await store.ensureDir('alice');
    assert.equal(await store.kind('alice'), 'directory');
    await store.create('alice/calendars/work', write([]));
    await store.create('alice/calendars/home', write([]));
    writeFileSync(join(root, 'alice', 'README'), 'not a collection');
    assert.equal(await store.kind('alice/README'), 'file');
    assert.equal(await store.kind('alice/README/x'), 'missing');
    assert.equal(await store.open('alice/README/x'), null);
    await assert.rejects(store.create('alice/README/x', write([])), isStoreError('conflict'));
    await assert.rejects(store.ensureDir('alice/README/x'), isStoreError('conflict'));
    assert.equal(await store.kind('alice/calendars'), 'directory');
    assert.equal(await store.kind('alice/calendars/work'), 'repository');
    // Nothing inside a Git directory is served.
    assert.equal(await store.kind('alice/calendars/work/objects'), 'missing');
    assert.equal(await store.kind('alice/calendars/work/HEAD'), 'missing');
    assert.equal(await store.open('alice/calendars/work/objects'), null);
    assert.equal(await store.open('alice/calendars'), null);
    assert.equal(await store.open('nobody'), null);
    assert.deepEqual(await store.list('alice/calendars'), ['home', 'work']);
    assert.deepEqual(await store.list('alice'), ['calendars']);
    // The store's own directories are hidden and reserved.
    assert.ok(existsSync(join(root, '.tmp')));
    assert.deepEqual(await store.list(''), ['alice']);
    await assert.rejects(store.kind('.trash'), isStoreError('invalid-path'));
    await assert.rejects(store.list('alice/calendars/work'), isStoreError('invalid-path'));
    await assert.rejects(store.list('nobody'), isStoreError('missing'));
    await assert.rejects(store.ensureDir('alice/calendars/work'), isStoreError('exists'));
    await assert.rejects(store.ensureDir('alice/calendars/work/sub'), isStoreError('conflict'));
    await assert.rejects(store.create('alice/calendars/work/sub', write([])), isStoreError('conflict'));
    await assert.rejects(store.create('alice/calendars/work', write([])), isStoreError('exists'));
    await assert.rejects(store.create('alice/README', write([])), isStoreError('exists'));
    for (const bad of ['../x', '/abs', 'a//b', 'a/./b', 'x/.git', 'a\\b', '']) {
      await assert.rejects(store.create(bad, write([])), isStoreError('invalid-path'), bad);
    }
    await assert.rejects(store.kind('a/../b'), isStoreError('invalid-path'));
    // The staging area is left empty, and what a dead process left there long ago is swept.
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
    const stale = join(root, '.tmp', 'new-1-dead');
    mkdirSync(join(stale, 'objects'), { recursive: true });
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(stale, old, old);
    const fresh = join(root, '.tmp', 'new-2-building');
    mkdirSync(fresh);
    await store.create('alice/calendars/third', write([]));
    assert.deepEqual(readdirSync(join(root, '.tmp')), ['new-2-building']);
  } finally {
    await store.close();
    cleanup();
  }
});

test('remove keeps history in .trash; rename moves a whole repository', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('bob/contacts/family', write([{ op: 'put', path: 'mum.vcf', data: enc('BEGIN:VCARD\r\nEND:VCARD\r\n') }], 'Add Mum'));
    const head = (await c.head()).commit!;
    await store.rename('bob/contacts/family', 'bob/contacts/relatives');
    assert.equal(await store.kind('bob/contacts/family'), 'missing');
    assert.equal(await store.open('bob/contacts/family'), null);
    const moved = (await store.open('bob/contacts/relatives'))!;
    assert.equal((await moved.head()).commit, head);
    await moved.commit(write([{ op: 'put', path: 'dad.vcf', data: enc('x') }]));
    await store.create('bob/contacts/work', write([]));
    await assert.rejects(store.rename('bob/contacts/relatives', 'bob/contacts/work'), isStoreError('exists'));
    await assert.rejects(store.rename('bob/contacts/nope', 'bob/contacts/x'), isStoreError('missing'));
    await assert.rejects(store.rename('bob/contacts/relatives', 'bob/contacts/relatives/sub'), isStoreError('invalid-path'));
    await store.rename('bob/contacts/relatives', 'carol/moved/here');
    assert.equal(await store.kind('carol/moved/here'), 'repository');

    await store.remove('carol/moved/here');
    assert.equal(await store.kind('carol/moved/here'), 'missing');
    assert.equal(await store.open('carol/moved/here'), null);
    const trashed = readdirSync(join(root, '.trash'));
    assert.equal(trashed.length, 1);
    assert.match(trashed[0]!, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-carol__moved__here$/);
    // History is intact: a person can restore it with mv.
    const t = join(root, '.trash', trashed[0]!);
    assert.equal(bare(t, 'log', '--format=%s').trim().split('\n').at(-1), 'Add Mum');
    assert.equal(fsckClean(t), '');
    await assert.rejects(store.remove('carol/moved/here'), isStoreError('missing'));
    // Same name removed twice gets a distinct trash entry.
    await store.create('carol/moved/here', write([]));
    await store.remove('carol/moved/here');
    assert.equal(readdirSync(join(root, '.trash')).length, 2);
  } finally {
    await store.close();
    cleanup();
  }
});

test('existing bare repositories are served as they are (HEAD -> master)', async () => {
  const { root, cleanup } = tempRoot();
  const scratch = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    mkdirSync(join(root, 'dave'), { recursive: true });
    const work = join(scratch.root, 'work');
    git(['init', '-q', '-b', 'master', work]);
    writeFileSync(join(work, 'old.ics'), 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    git(['add', 'old.ics'], work);
    git(['commit', '-q', '-m', 'by hand'], work);
    git(['clone', '-q', '--bare', work, join(root, 'dave', 'legacy')]);
    const c = (await store.open('dave/legacy'))!;
    assert.ok(c);
    const h = await c.head();
    assert.equal(h.commit, git(['rev-parse', 'HEAD'], work).trim());
    assert.deepEqual([...h.files.keys()], ['old.ics']);
    await c.commit(write([{ op: 'put', path: 'new.ics', data: enc('n') }]));
    assert.deepEqual(bare(c.gitDir, 'ls-tree', '--name-only', 'master').trim().split('\n'), ['new.ics', 'old.ics']);
    assert.ok(!existsSync(join(c.gitDir, 'refs/heads/main')));
    // A repository without any commit yet: empty snapshot, first commit has no parent.
    git(['init', '-q', '--bare', '-b', 'trunk', join(root, 'dave', 'fresh')]);
    const f = (await store.open('dave/fresh'))!;
    assert.deepEqual(await f.head(), { commit: null, time: null, files: new Map(), dirs: new Set() });
    const r = await f.commit(write([{ op: 'put', path: 'a', data: enc('a') }]));
    assert.equal(r.committed, true);
    assert.equal(bare(f.gitDir, 'rev-list', '--count', 'trunk').trim(), '1');
    assert.equal(fsckClean(f.gitDir), '');
  } finally {
    await store.close();
    scratch.cleanup();
    cleanup();
  }
});
