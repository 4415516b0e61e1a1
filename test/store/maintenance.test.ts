import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import { bare, dec, enc, fsckClean, looseObjects, tempRoot, write } from './helpers.js';

test('gc runs in the background after N commits; the repository stays clean and readable from packs', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false, gcAfterCommits: 8 });
  try {
    const c = await store.create('alice/contacts/big', write([]));
    const contents = new Map<string, string>();
    for (let i = 0; i < 8; i++) {
      const ops = Array.from({ length: 25 }, (_, j) => {
        const path = `c-${i}-${j}.vcf`;
        const data = `BEGIN:VCARD\r\nFN:Person ${i} ${j}\r\nEND:VCARD\r\n`;
        contents.set(path, data);
        return { op: 'put' as const, path, data: enc(data) };
      });
      await c.commit(write(ops, `import batch ${i}`));
    }
    await store.maintenanceIdle();
    const packs = readdirSync(join(c.gitDir, 'objects/pack')).filter((f) => f.endsWith('.pack'));
    assert.equal(packs.length, 1, 'gc packed the objects');
    assert.deepEqual(looseObjects(c.gitDir), [], 'no loose objects left: all were reachable and packed');
    assert.equal(fsckClean(c.gitDir), '');

    // A fresh store (no caches) reads everything from the pack through isomorphic-git.
    const fresh = createStore(root, { watch: false });
    const fc = (await fresh.open('alice/contacts/big'))!;
    const h = await fc.head();
    assert.equal(h.commit, bare(c.gitDir, 'rev-parse', 'HEAD').trim());
    assert.equal(h.files.size, 200);
    for (const [path, oid] of h.files) assert.equal(dec(await fc.readBlob(oid)), contents.get(path));
    const first = bare(c.gitDir, 'rev-list', '--max-parents=0', 'HEAD').trim();
    assert.equal((await fc.snapshotAt(first))?.files.size, 0);
    // gc packed the refs too; writing on top still works (and the old store instance sees it).
    const r = await fc.commit(write([{ op: 'delete', path: 'c-0-0.vcf' }, { op: 'link', path: 'copy.vcf', blob: h.files.get('c-1-1.vcf')! }]));
    assert.equal((await c.head()).commit, r.snapshot.commit);
    assert.equal(bare(c.gitDir, 'show', 'HEAD:copy.vcf'), contents.get('c-1-1.vcf'));
    await fresh.close();

    // The explicit hook: run now and wait.
    const m = await store.maintain('alice/contacts/big');
    assert.deepEqual({ ran: m.ran, ok: m.ok }, { ran: true, ok: true });
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('a failing gc is logged and never affects writes', async () => {
  const { root, cleanup } = tempRoot();
  const logged: string[] = [];
  const store = createStore(root, { watch: false, gcAfterCommits: 2, log: (m) => logged.push(m) });
  try {
    const c = await store.create('x', write([{ op: 'put', path: 'a', data: enc('a') }]));
    // An unparseable pack setting makes both `git repack` (background runs) and `git gc` refuse to run.
    appendFileSync(join(c.gitDir, 'config'), '[pack]\n\twindow = not-a-number\n');
    for (let i = 0; i < 4; i++) {
      const r = await c.commit(write([{ op: 'put', path: `f${i}`, data: enc(String(i)) }]));
      assert.equal(r.committed, true);
    }
    await store.maintenanceIdle();
    assert.ok(logged.length >= 1, 'the failure was reported');
    assert.match(logged[0]!, /git (gc|repack) failed/);
    const m = await store.maintain('x');
    assert.equal(m.ok, false);
    assert.equal((await c.head()).files.size, 5);
  } finally {
    await store.close();
    cleanup();
  }
});

test('writes landing while gc runs are all kept, readable and reachable (gc does not hold the writers up)', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false, gcAfterCommits: 3 });
  try {
    const c = await store.create('alice/calendars/busy', write([]));
    const expected = new Map<string, string>();
    let stop = false;
    // Explicit runs back to back on top of the automatic ones, so commits surely overlap a run.
    const gcLoop = (async () => {
      let runs = 0;
      while (!stop && runs < 50) {
        runs++;
        const m = await store.maintain('alice/calendars/busy');
        assert.equal(m.ok, true, m.error);
      }
      return runs;
    })();
    const writers = Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 12; i++) {
          const path = `w${w}-${i % 5}.ics`;
          const data = `BEGIN:VCALENDAR\r\nUID:${w}-${i}\r\nEND:VCALENDAR\r\n`;
          await c.commit(write([{ op: 'put', path, data: enc(data) }], `write ${w} ${i}`));
          expected.set(path, data);
        }
      }),
    );
    await writers.finally(() => (stop = true));
    assert.ok((await gcLoop) >= 1);
    await store.maintenanceIdle();
    assert.equal(fsckClean(c.gitDir), '');
    // 1 creation + 48 writes, each its own commit (no write changed nothing: every UID differs).
    assert.equal(bare(c.gitDir, 'rev-list', '--count', 'HEAD').trim(), '49');
    const fresh = createStore(root, { watch: false });
    const h = await (await fresh.open('alice/calendars/busy'))!.head();
    assert.equal(h.files.size, 20);
    for (const [path, data] of expected) assert.equal(bare(c.gitDir, 'show', `HEAD:${path}`), data);
    await fresh.close();
  } finally {
    await store.close();
    cleanup();
  }
});

test('loose objects are packed once they weigh as much as the packs (at least 8 MiB), long before 64 MiB', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('x', write([]));
    // Three incompressible 3 MiB blobs: 9 MiB loose, over the 8 MiB floor, under 64 MiB and 100 commits.
    for (let i = 0; i < 3; i++) {
      const data = randomBytes(3 * 1024 * 1024);
      await c.commit(write([{ op: 'put', path: `big${i}`, data }]));
    }
    await store.maintenanceIdle();
    assert.equal(looseObjects(c.gitDir).length, 0, 'everything packed by the background run');
    assert.ok(readdirSync(join(c.gitDir, 'objects', 'pack')).some((n) => n.endsWith('.pack')));
    assert.equal((await c.head()).files.size, 3);
    fsckClean(c.gitDir);
  } finally {
    await store.close();
    cleanup();
  }
});

test('what a burst of writes left loose is packed once the repository has been quiet for a while', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('quiet', write([]));
    // Two incompressible 700 KiB blobs: 1.4 MiB loose, over an eighth of the 8 MiB threshold, under it.
    for (let i = 0; i < 2; i++) {
      const data = randomBytes(700 * 1024);
      await c.commit(write([{ op: 'put', path: `blob${i}`, data }]));
    }
    await store.maintenanceIdle();
    assert.ok(looseObjects(c.gitDir).length > 0, 'no threshold was reached: the writes are still loose');
    for (let i = 0; i < 150 && looseObjects(c.gitDir).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await store.maintenanceIdle();
    }
    assert.deepEqual(looseObjects(c.gitDir), [], 'packed after the quiet time');
    assert.equal((await c.head()).files.size, 2);
    assert.equal(fsckClean(c.gitDir), '');
  } finally {
    await store.close();
    cleanup();
  }
});

test('small writes do not start a run when the repository goes quiet', async () => {
  const { root, cleanup } = tempRoot();
  const store = createStore(root, { watch: false });
  try {
    const c = await store.create('small', write([]));
    await c.commit(write([{ op: 'put', path: 'a.ics', data: enc('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n') }]));
    const loose = looseObjects(c.gitDir).length;
    assert.ok(loose > 0);
    await new Promise((r) => setTimeout(r, 3000));
    await store.maintenanceIdle();
    assert.equal(looseObjects(c.gitDir).length, loose, 'a few hundred bytes are not worth a repack');
  } finally {
    await store.close();
    cleanup();
  }
});
