import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../src/store/index.js';
import { StoreError, type Author, type CommitResult } from '../../src/store/types.js';
import { bare, dec, enc, fsckClean, git, tempRoot, write } from './helpers.js';

const person = (i: number): Author => ({ name: `Person ${i}`, email: `p${i}@example.org` });

test('queued writers: one commit each (own author and message), chained in queue order', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('g', write([{ op: 'put', path: 'start', data: enc('s') }]));
    const start = (await c.head()).commit!;
    const seen: (string | null)[] = [];
    // Issued in one tick: they queue behind each other on the repository's lock.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        c.commit({
          author: person(i),
          plan: (head) => {
            seen[i] = head.commit;
            return { ops: [{ op: 'put', path: `f${i}`, data: enc(String(i)) }], message: `write ${i}` };
          },
        }),
      ),
    );
    const log = bare(c.gitDir, 'log', '--format=%H %P|%an|%s', `${start}..HEAD`).trim().split('\n').reverse();
    assert.equal(log.length, 10);
    let parent = start;
    results.forEach((r, i) => {
      assert.equal(r.committed, true);
      assert.equal(seen[i], parent, `plan ${i} saw the commit before it`);
      assert.equal(log[i], `${r.snapshot.commit} ${parent}|Person ${i}|write ${i}`);
      assert.equal(r.snapshot.files.size, i + 2);
      parent = r.snapshot.commit!;
    });
    assert.equal((await c.head()).commit, parent);
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('later plans see earlier writes of the same group: preconditions and reads of fresh blobs', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('g', write([{ op: 'put', path: 'log.txt', data: enc('start\n') }]));
    // Two "create if absent" requests for one name: exactly one wins.
    const createIfAbsent = (who: number) =>
      c.commit({
        author: person(who),
        plan: (head) => {
          if (head.files.has('a.ics')) throw new StoreError('exists', 'a.ics exists');
          return { ops: [{ op: 'put', path: 'a.ics', data: enc(`by ${who}`) }], message: `create by ${who}` };
        },
      });
    // Appenders read the file as their HEAD has it (a blob possibly written by the previous request a moment ago).
    const append = (line: string) =>
      c.commit({
        author: person(9),
        plan: async (head) => {
          const old = dec(await c.readBlob(head.files.get('log.txt')!));
          return { ops: [{ op: 'put', path: 'log.txt', data: enc(old + line + '\n') }], message: `append ${line}` };
        },
      });
    // A request whose op fails does not take the others down.
    const broken = () => c.commit(write([{ op: 'delete', path: 'nope' }]));
    const copy = () =>
      c.commit({
      author: person(8),
      plan: (head) => ({ ops: [{ op: 'link', path: 'copy.txt', blob: head.files.get('log.txt')! }], message: 'copy' }),
    });
    const settled = await Promise.allSettled([createIfAbsent(1), createIfAbsent(2), append('one'), append('two'), broken(), append('three'), copy()]);
    const ok = (i: number) => (settled[i] as PromiseFulfilledResult<CommitResult>).value;
    assert.equal(settled[0]!.status, 'fulfilled');
    assert.equal(settled[1]!.status, 'rejected');
    assert.equal(((settled[1] as PromiseRejectedResult).reason as StoreError).code, 'exists');
    assert.equal(settled[4]!.status, 'rejected');
    assert.equal(((settled[4] as PromiseRejectedResult).reason as StoreError).code, 'missing');
    assert.equal(ok(5).committed, true);
    assert.equal(bare(c.gitDir, 'show', 'HEAD:a.ics'), 'by 1');
    assert.equal(bare(c.gitDir, 'show', 'HEAD:log.txt'), 'start\none\ntwo\nthree\n');
    assert.equal(bare(c.gitDir, 'show', 'HEAD:copy.txt'), 'start\none\ntwo\nthree\n');
    assert.deepEqual(bare(c.gitDir, 'log', '--format=%s', '-5').trim().split('\n').reverse(), ['create by 1', 'append one', 'append two', 'append three', 'copy']);
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('a group whose ref moved under it is planned again, whole, on the new HEAD', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('g', write([{ op: 'put', path: 'a', data: enc('a') }]));
    let native = '';
    const calls: string[] = [];
    const results = await Promise.all(
      [0, 1, 2].map((i) =>
        c.commit({
          author: person(i),
          plan: (head) => {
            calls.push(`${i}@${head.files.has('native') ? 'new' : 'old'}`);
            if (!native) {
              const blob = bare(c.gitDir, 'rev-parse', `${head.commit}:a`).trim();
              const t = execGit(c.gitDir, ['mktree'], `100644 blob ${blob}\ta\n100644 blob ${blob}\tnative\n`);
              native = bare(c.gitDir, 'commit-tree', t, '-p', head.commit!, '-m', 'native').trim();
              bare(c.gitDir, 'update-ref', 'refs/heads/main', native);
            }
            return { ops: [{ op: 'put', path: `f${i}`, data: enc(String(i)) }], message: `w${i}` };
          },
        }),
      ),
    );
    assert.deepEqual(calls, ['0@old', '1@old', '2@old', '0@new', '1@new', '2@new']);
    assert.deepEqual(bare(c.gitDir, 'log', '--format=%s', '-4').trim().split('\n'), ['w2', 'w1', 'w0', 'native']);
    assert.equal(results[2]!.snapshot.commit, bare(c.gitDir, 'rev-parse', 'HEAD').trim());
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

function execGit(gitDir: string, args: string[], input: string): string {
  return git(['--git-dir', gitDir, ...args], undefined, input).trim();
}
