/**
 * The hot paths of a big collection read no member blobs: PROPFIND Depth 1 for the properties
 * sync clients ask for, sync-collection (initial and deltas), and getcontentlength a second time.
 * In-process (the DAV handler over a real store and a real repository) so blob reads can be counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import type { GitCollection, ObjectId, Store } from '../../src/store/types.js';
import { textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { inProcessDav } from '../helpers/inProcess.js';
import { gitEnv, parseMultistatus, propfindBody, syncBody } from './helpers.js';

const N = 2000;

/** A store whose repositories count the blobs read through them. */
function countingStore(inner: Store, reads: ObjectId[]): Store {
  const wrap = (c: GitCollection): GitCollection =>
    new Proxy(c, {
      get(target, prop, receiver) {
        if (prop === 'readBlob') return (id: ObjectId) => (reads.push(id), target.readBlob(id));
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'open') return async (rel: string) => { const c = await target.open(rel); return c && wrap(c); };
      if (prop === 'create') return async (rel: string, init: Parameters<Store['create']>[1]) => wrap(await target.create(rel, init));
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

test(`a ${N}-member collection: listings and sync read no member blob`, async () => {
  const root = mkdtempSync(join(tmpdir(), 'kalends-hot-'));
  const inner = createStore(root, { watch: false });
  const reads: ObjectId[] = [];
  const store = countingStore(inner, reads);
  const { call } = inProcessDav(store);
  try {
    await inner.ensureDir('alice');
    assert.equal((await call('MKCOL', '/alice/big/')).status, 201);
    // Fill it the fast way: one native commit with N files.
    const gitDir = join(root, 'alice/big');
    const head = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD'], { encoding: 'utf8', env: gitEnv() }).trim();
    let script = `commit refs/heads/main\ncommitter Native <n@example.org> 1700000000 +0000\ndata 4\nbulk\nfrom ${head}\n`;
    for (let i = 0; i < N; i++) {
      const d = `member ${i}\n`;
      script += `M 100644 inline m${String(i).padStart(5, '0')}.txt\ndata ${Buffer.byteLength(d)}\n${d}\n`;
    }
    execFileSync('git', ['--git-dir', gitDir, 'fast-import', '--quiet'], { input: script, env: gitEnv() });
    const tree = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', 'HEAD'], { encoding: 'utf8', env: gitEnv() });
    const memberBlobs = new Set(tree.split('\n').filter((l) => l.endsWith('.txt')).map((l) => l.split(/\s+/)[2]!));
    assert.equal(memberBlobs.size, N);
    const memberReads = () => reads.filter((id) => memberBlobs.has(id)).length;

    reads.length = 0;
    const pf = await call('PROPFIND', '/alice/big/', propfindBody('<D:getetag/><D:resourcetype/><D:getcontenttype/><D:displayname/><D:getlastmodified/>'), { Depth: '1' });
    assert.equal(pf.status, 207);
    assert.equal(parseMultistatus(pf.text).responses.length, N + 1);
    assert.equal(memberReads(), 0, 'PROPFIND Depth 1 for ETags reads no member');

    const s1 = await call('REPORT', '/alice/big/', syncBody(''), { Depth: '0' });
    const ms1 = parseMultistatus(s1.text);
    assert.equal(ms1.responses.length, N);
    assert.equal(memberReads(), 0, 'initial sync reads no member');

    assert.equal((await call('PUT', '/alice/big/m00007.txt', 'changed\n')).status, 204);
    reads.length = 0;
    const s2 = parseMultistatus((await call('REPORT', '/alice/big/', syncBody(ms1.syncToken!), { Depth: '0' })).text);
    assert.deepEqual(s2.responses.map((r) => r.href), ['/alice/big/m00007.txt']);
    assert.equal(memberReads(), 0, 'a sync delta reads no member');

    // getcontentlength reads each blob once, then never again.
    const len1 = parseMultistatus((await call('PROPFIND', '/alice/big/', propfindBody('<D:getcontentlength/>'), { Depth: '1' })).text);
    assert.equal(textOf(len1.byHref('/alice/big/m00012.txt')!.prop(dav('getcontentlength'))!), String(Buffer.byteLength('member 12\n')));
    reads.length = 0;
    await call('PROPFIND', '/alice/big/', propfindBody('<D:getcontentlength/>'), { Depth: '1' });
    await call('PROPFIND', '/alice/big/', undefined, { Depth: '1' });
    assert.equal(memberReads(), 0, 'sizes are cached by blob id');
  } finally {
    await inner.close();
    rmSync(root, { recursive: true, force: true });
  }
});
