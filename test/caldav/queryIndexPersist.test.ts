import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import type { GitCollection } from '../../src/store/types.js';
import type { CollectionView } from '../../src/dav/types.js';
import { BlobIndex } from '../../src/dav/blobIndex.js';
import { isFlatMember } from '../../src/dav/uidIndex.js';
import { parseCalendarObject } from '../../src/caldav/parse.js';
import { summarise, type CalendarSummary } from '../../src/caldav/queryIndex.js';
import { generateDataset } from '../../bench/data/dataset.js';

const author = { name: 'Test', email: 'test@example.org' };

/** Only what the index reads of a collection view. */
async function view(repo: GitCollection): Promise<CollectionView> {
  return { rel: repo.id, repo, snapshot: await repo.head() } as unknown as CollectionView;
}

function makeIndex(counter: { n: number }, version = 1) {
  return new BlobIndex<CalendarSummary>({
    file: 'caldav-query-test.json',
    version,
    isMember: (p) => isFlatMember(p) && p.endsWith('.ics'),
    isSummary: (x): x is CalendarSummary => x === 0 || Array.isArray(x),
    summarise: async (coll, blob) => {
      counter.n++;
      try {
        return summarise(parseCalendarObject(await coll.repo.readBlob(blob)).vcalendar);
      } catch {
        return 0;
      }
    },
    writeDelayMs: 60_000,
  });
}

test('the persisted index is reused after a restart, rebuilt when missing, corrupt or of another version', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kalends-qi-'));
  const store = createStore(root);
  try {
    const items = generateDataset(30, 3).eventItems;
    const repo = await store.create('cal', {
      author,
      plan: () => ({
        ops: [...items.map((i) => ({ op: 'put' as const, path: i.name, data: i.body })), { op: 'put' as const, path: 'broken.ics', data: new TextEncoder().encode('not a calendar') }],
        message: 'import',
      }),
    });
    const coll = await view(repo);
    const c1 = { n: 0 };
    const first = makeIndex(c1);
    const built = await first.summaries(coll);
    assert.equal(c1.n, 31, 'every member summarised once');
    assert.equal(built.size, 31);
    assert.equal(built.get(coll.snapshot.files.get('broken.ics')!), 0, 'an unparseable member is marked as matching nothing');
    await first.flush();
    const file = first.filePath(repo.gitDir);
    assert.ok(existsSync(file));
    assert.deepEqual(readdirSync(join(repo.gitDir, 'kalends')).filter((f) => f.endsWith('.tmp')), [], 'no temp file left behind');

    // A restarted server: loads the file, summarises nothing.
    const c2 = { n: 0 };
    const again = await makeIndex(c2).summaries(coll);
    assert.equal(c2.n, 0);
    assert.deepEqual([...again].sort(), [...built].sort());

    // One commit later: only the new blob is summarised.
    const extra = generateDataset(10, 99).eventItems[0]!;
    const r = await repo.commit({ author, plan: () => ({ ops: [{ op: 'put', path: extra.name, data: extra.body }], message: 'add' }) });
    const c3 = { n: 0 };
    const idx3 = makeIndex(c3);
    await idx3.summaries(coll);
    const after = await idx3.summaries({ ...coll, snapshot: r.snapshot });
    assert.equal(c3.n, 1);
    assert.equal(after.size, 32);

    // Corrupt, truncated, another version, missing: rebuilt from the blobs, and the file rewritten.
    for (const damage of [() => writeFileSync(file, '{"file": "caldav-query-test.json", "vers'), () => writeFileSync(file, 'garbage'), () => rmSync(file), () => writeFileSync(file, JSON.stringify({ file: 'caldav-query-test.json', version: 1, entries: [['nothex', [null, null, null]]] }))]) {
      damage();
      const c = { n: 0 };
      const idx = makeIndex(c);
      const got = await idx.summaries(coll);
      assert.equal(c.n, 31);
      assert.deepEqual([...got].sort(), [...built].sort());
      await idx.flush();
      const data = JSON.parse(readFileSync(file, 'utf8')) as { version: number; entries: unknown[] };
      assert.equal(data.version, 1);
      assert.equal(data.entries.length, 31);
    }
    const c4 = { n: 0 };
    await makeIndex(c4, 2).summaries(coll);
    assert.equal(c4.n, 31, 'a file of another version is not used');
    // Never committed: the index lives in the git dir, not in the tree.
    assert.equal([...(await repo.head()).files.keys()].some((p) => p.includes('kalends')), false);
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
