/**
 * sync-collection (RFC 6578) over real HTTP on plain collections: initial sync, deltas, native
 * git commits, bad and rewritten tokens, truncation with DAV:limit and continuation while the
 * collection changes between pages, property-only changes, Depth, CTag = HEAD.
 *
 * Expected answers are worked out by hand in the comments (a token = what the client holds).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startKalends, type Kalends } from '../helpers/server.js';
import { elements, textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import {
  bare,
  blobIdOf,
  fsck,
  errorCondition,
  git,
  headOf,
  nativeCommit,
  parseMultistatus,
  propfindBody,
  req,
  scratchDir,
  syncBody,
  type Multistatus,
} from './helpers.js';

const CS = 'http://calendarserver.org/ns/';
const etag = (content: string) => `"${blobIdOf(content)}"`;

/** href -> getetag (string) or 404 for removed members. */
function delta(ms: Multistatus): Record<string, string | 404> {
  const out: Record<string, string | 404> = {};
  for (const r of ms.responses) {
    if (r.status === 507) continue;
    if (r.status === 404) out[r.href] = 404;
    else out[r.href] = textOf(r.prop(dav('getetag')) ?? { name: '', attrs: {}, children: [] });
  }
  return out;
}

function truncation(ms: Multistatus, collectionHref: string): boolean {
  const t = ms.responses.filter((r) => r.status === 507);
  if (t.length === 0) return false;
  assert.equal(t.length, 1);
  assert.equal(t[0]!.href, collectionHref);
  assert.deepEqual(elements(t[0]!.error!).map((e) => e.name), [dav('number-of-matches-within-limits')]);
  return true;
}

describe('sync-collection on a plain collection', () => {
  let k: Kalends;
  const A = (p: string) => `/alice/${p}`;
  const sync = async (coll: string, token: string, opts: Parameters<typeof syncBody>[1] = {}, headers: Record<string, string> = {}) => {
    const r = await req(k, 'alice', 'REPORT', A(coll), { headers: { Depth: '0', ...headers }, body: syncBody(token, opts) });
    assert.equal(r.status, 207, r.text);
    const ms = parseMultistatus(r.text);
    assert.ok(ms.syncToken, 'a sync-token in every answer');
    return ms;
  };
  const put = async (path: string, body: string) => {
    const r = await req(k, 'alice', 'PUT', A(path), { body, headers: { 'Content-Type': 'text/plain' } });
    assert.ok(r.status === 201 || r.status === 204, `PUT ${path}: ${r.status} ${r.text}`);
  };
  const del = async (path: string) => assert.equal((await req(k, 'alice', 'DELETE', A(path))).status, 204);
  const mkcol = async (path: string) => assert.equal((await req(k, 'alice', 'MKCOL', A(path))).status, 201);

  before(async () => {
    k = await startKalends();
  });
  after(async () => {
    await k.stop();
  });

  test('initial sync lists every member; then only the delta; removed members answer 404', async () => {
    await mkcol('s1/');
    await put('s1/a.txt', 'A1');
    await put('s1/b.txt', 'B1');
    await put('s1/c.txt', 'C1');
    const first = await sync('s1/', '', { props: '<D:getetag/><D:getcontenttype/><D:resourcetype/>' });
    assert.deepEqual(delta(first), { [A('s1/a.txt')]: etag('A1'), [A('s1/b.txt')]: etag('B1'), [A('s1/c.txt')]: etag('C1') });
    for (const r of first.responses) {
      assert.equal(r.status, undefined, 'changed members carry propstats, no status');
      assert.equal(textOf(r.prop(dav('getcontenttype'))!), 'text/plain; charset=utf-8');
      assert.deepEqual(elements(r.prop(dav('resourcetype'))!), []);
    }
    assert.ok(first.syncToken!.endsWith(headOf(k, 'alice/s1')), 'the token carries HEAD');

    await put('s1/d.txt', 'D1');
    await put('s1/b.txt', 'B2');
    await del('s1/c.txt');
    const second = await sync('s1/', first.syncToken!);
    assert.deepEqual(delta(second), { [A('s1/b.txt')]: etag('B2'), [A('s1/c.txt')]: 404, [A('s1/d.txt')]: etag('D1') });
    for (const r of second.responses.filter((x) => x.status === 404)) assert.equal(r.propstats.length, 0);
    assert.notEqual(second.syncToken, first.syncToken);

    const third = await sync('s1/', second.syncToken!);
    assert.deepEqual(delta(third), {});
    assert.equal(third.syncToken, second.syncToken, 'nothing changed: same token');
    // Replaying an old token still gives the full delta from that point.
    assert.deepEqual(delta(await sync('s1/', first.syncToken!)), delta(second));
  });

  test('a native git commit (clone, commit, push) is reported by the very next sync, GET and PROPFIND', async () => {
    await mkcol('n1/');
    await put('n1/keep.txt', 'K');
    await put('n1/gone.txt', 'G');
    await put('n1/edit.txt', 'E1');
    const t0 = (await sync('n1/', '')).syncToken!;
    const commit = nativeCommit(k, 'alice/n1', { 'new.txt': 'N', 'edit.txt': 'E2', 'gone.txt': null }, 'edit by hand');
    const s = await sync('n1/', t0);
    assert.deepEqual(delta(s), { [A('n1/new.txt')]: etag('N'), [A('n1/edit.txt')]: etag('E2'), [A('n1/gone.txt')]: 404 });
    assert.ok(s.syncToken!.endsWith(commit));
    const g = await req(k, 'alice', 'GET', A('n1/new.txt'));
    assert.equal(g.status, 200);
    assert.equal(g.text, 'N');
    assert.equal(g.headers.get('etag'), etag('N'));
    assert.equal((await req(k, 'alice', 'GET', A('n1/gone.txt'))).status, 404);
    const pf = await req(k, 'alice', 'PROPFIND', A('n1/'), { headers: { Depth: '1' }, body: propfindBody('<D:getetag/>') });
    const ms = parseMultistatus(pf.text);
    assert.deepEqual(ms.responses.map((r) => r.href).sort(), [A('n1/'), A('n1/edit.txt'), A('n1/keep.txt'), A('n1/new.txt')]);
    assert.equal(textOf(ms.byHref(A('n1/edit.txt'))!.prop(dav('getetag'))!), etag('E2'));
    // Plumbing: commit-tree + update-ref with the old value, no clone involved.
    const head = headOf(k, 'alice/n1');
    const tree = bare(k, 'alice/n1', 'rev-parse', `${head}^{tree}`).trim();
    const lsTree = bare(k, 'alice/n1', 'ls-tree', tree);
    const newBlob = git(['--git-dir', join(k.root, 'alice/n1'), 'hash-object', '-w', '--stdin'], undefined, 'P');
    const newTree = git(['--git-dir', join(k.root, 'alice/n1'), 'mktree'], undefined, lsTree + `100644 blob ${newBlob.trim()}\tplumbed.txt\n`).trim();
    const c2 = git(['--git-dir', join(k.root, 'alice/n1'), 'commit-tree', newTree, '-p', head, '-m', 'plumbing'], undefined, '').trim();
    bare(k, 'alice/n1', 'update-ref', 'refs/heads/main', c2, head);
    const s2 = await sync('n1/', s.syncToken!);
    assert.deepEqual(delta(s2), { [A('n1/plumbed.txt')]: etag('P') });
    assert.ok(s2.syncToken!.endsWith(c2));
  });

  test('getctag and DAV:sync-token equal HEAD after every commit, ours or native', async () => {
    await mkcol('ct/');
    const props = async () => {
      const r = await req(k, 'alice', 'PROPFIND', A('ct/'), { headers: { Depth: '0' }, body: propfindBody('<CS:getctag/><D:sync-token/>', ` xmlns:CS="${CS}"`) });
      const p = parseMultistatus(r.text).responses[0]!;
      return { ctag: textOf(p.prop(`{${CS}}getctag`)!), token: textOf(p.prop(dav('sync-token'))!) };
    };
    const seen = new Set<string>();
    const check = async () => {
      const head = headOf(k, 'alice/ct');
      const p = await props();
      assert.equal(p.ctag, head);
      assert.ok(p.token.endsWith(head));
      assert.equal(p.token, (await sync('ct/', '')).syncToken, 'the property and the report agree');
      assert.ok(!seen.has(head), 'a new commit each time');
      seen.add(head);
    };
    await check();
    await put('ct/x.txt', 'x');
    await check();
    await req(k, 'alice', 'PROPPATCH', A('ct/'), {
      body: `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>CT</D:displayname></D:prop></D:set></D:propertyupdate>`,
    });
    await check();
    nativeCommit(k, 'alice/ct', { 'y.txt': 'y' });
    await check();
    await del('ct/x.txt');
    await check();
  });

  test('unknown, garbled and foreign tokens: 403 DAV:valid-sync-token', async () => {
    await mkcol('bad/');
    await put('bad/a.txt', 'a');
    await mkcol('other/');
    await put('other/z.txt', 'only in other');
    const head = headOf(k, 'alice/bad');
    const foreign = headOf(k, 'alice/other');
    const blob = blobIdOf('a');
    const tokens = [
      'garbage',
      'http://example.com/sync/1',
      'urn:x-kalends:sync:',
      'urn:x-kalends:sync:1234',
      `urn:x-kalends:sync:${'d'.repeat(40)}`,
      `urn:x-kalends:sync:${head.toUpperCase()}`,
      `urn:x-kalends:sync:${blob}`,
      `urn:x-kalends:sync:${foreign}`,
      `urn:x-kalends:sync:${head};zzz`,
      `urn:x-kalends:sync:${head};${'e'.repeat(40)}.YQ`,
      `urn:x-kalends:sync:${head}${`;${head}.YQ`.repeat(65)}`,
      `urn:x-kalends:sync:${head} trailing`,
    ];
    for (const t of tokens) {
      const r = await req(k, 'alice', 'REPORT', A('bad/'), { headers: { Depth: '0' }, body: syncBody(t) });
      assert.equal(r.status, 403, `token ${t.slice(0, 80)}: ${r.status} ${r.text}`);
      assert.equal(errorCondition(r.text), dav('valid-sync-token'), t.slice(0, 80));
    }
    // The server is still fine.
    assert.deepEqual(delta(await sync('bad/', '')), { [A('bad/a.txt')]: etag('a') });
  });

  test('a token from history rewritten by a force push and pruned by gc: 403 valid-sync-token after a restart', async () => {
    const root = scratchDir();
    let k2 = await startKalends({ root: root.dir });
    const sync2 = async (token: string) => req(k2, 'alice', 'REPORT', '/alice/rw/', { headers: { Depth: '0' }, body: syncBody(token) });
    try {
      assert.equal((await req(k2, 'alice', 'MKCOL', '/alice/rw/')).status, 201);
      assert.equal((await req(k2, 'alice', 'PUT', '/alice/rw/old.txt', { body: 'old' })).status, 201);
      const old = parseMultistatus((await sync2('')).text).syncToken!;
      // Replace the history with an unrelated one.
      const s = scratchDir();
      try {
        const work = join(s.dir, 'w');
        git(['init', '-q', '-b', 'main', work]);
        git(['-C', work, 'commit', '-q', '--allow-empty', '-m', 'root']);
        git(['-C', work, 'commit', '-q', '--allow-empty', '-m', 'unrelated']);
        const fs = await import('node:fs');
        fs.writeFileSync(join(work, 'new.txt'), 'new');
        git(['-C', work, 'add', 'new.txt']);
        git(['-C', work, 'commit', '-q', '-m', 'new history']);
        git(['-C', work, 'push', '-q', '--force', join(root.dir, 'alice/rw'), 'main:main']);
      } finally {
        s.cleanup();
      }
      bare(k2, 'alice/rw', 'reflog', 'expire', '--expire=now', '--all');
      bare(k2, 'alice/rw', 'gc', '-q', '--prune=now');
      const oldCommit = old.slice(old.lastIndexOf(':') + 1);
      assert.throws(() => bare(k2, 'alice/rw', 'cat-file', '-e', oldCommit), 'the old commit is gone from the repository');
      // A running server may still know the old tree from memory and answer the exact delta; either is right.
      const live = await sync2(old);
      if (live.status === 207) {
        assert.deepEqual(delta(parseMultistatus(live.text)), { '/alice/rw/new.txt': etag('new'), '/alice/rw/old.txt': 404 });
      } else {
        assert.equal(live.status, 403);
        assert.equal(errorCondition(live.text), dav('valid-sync-token'));
      }
      await k2.stop();
      k2 = await startKalends({ root: root.dir });
      const r = await sync2(old);
      assert.equal(r.status, 403, r.text);
      assert.equal(errorCondition(r.text), dav('valid-sync-token'));
      // And the client's resync from scratch works.
      const fresh = parseMultistatus((await sync2('')).text);
      assert.deepEqual(delta(fresh), { '/alice/rw/new.txt': etag('new') });
      assert.ok(fresh.syncToken!.endsWith(bare(k2, 'alice/rw', 'rev-parse', 'HEAD').trim()));
    } finally {
      await k2.stop();
      root.cleanup();
    }
  });

  test('DAV:limit: truncation answers 507 with a token, continuation picks up changes made between pages', async () => {
    await mkcol('lim/');
    const e = (await sync('lim/', '')).syncToken!;
    for (const n of [1, 2, 3, 4, 5]) await put(`lim/f${n}.txt`, `F${n}`);
    // Page 1: changes since e are f1..f5 (sorted); limit 2 reports f1, f2.
    const p1 = await sync('lim/', e, { limit: 2 });
    assert.ok(truncation(p1, A('lim/')));
    assert.deepEqual(delta(p1), { [A('lim/f1.txt')]: etag('F1'), [A('lim/f2.txt')]: etag('F2') });
    // Between pages: a member below the cut (f0), a delete of one not yet reported (f4), a change of one not yet reported (f3).
    await put('lim/f0.txt', 'F0');
    await del('lim/f4.txt');
    await put('lim/f3.txt', 'F3b');
    // Page 2: the client holds f1, f2 as now and nothing else. Changed: f0 (new), f3 (new to the
    // client, with F3b), f5 (new); f4 was never seen and is gone: not reported. Limit 2: f0, f3.
    const p2 = await sync('lim/', p1.syncToken!, { limit: 2 });
    assert.ok(truncation(p2, A('lim/')));
    assert.deepEqual(delta(p2), { [A('lim/f0.txt')]: etag('F0'), [A('lim/f3.txt')]: etag('F3b') });
    // Between pages: f1 changes (below the cut).
    await put('lim/f1.txt', 'F1b');
    // Page 3: held f0..f3 as of page 2, f5 unknown. Changed: f1 (F1b) and f5. Two fit in the limit: no truncation.
    const p3 = await sync('lim/', p2.syncToken!, { limit: 2 });
    assert.ok(!truncation(p3, A('lim/')));
    assert.deepEqual(delta(p3), { [A('lim/f1.txt')]: etag('F1b'), [A('lim/f5.txt')]: etag('F5') });
    assert.ok(p3.syncToken!.endsWith(headOf(k, 'alice/lim')));
    assert.deepEqual(delta(await sync('lim/', p3.syncToken!, { limit: 2 })), {});
  });

  test('DAV:limit: a path reverted to its old content between pages', async () => {
    await mkcol('rev/');
    for (const n of ['a', 'b', 'c', 'd']) await put(`rev/${n}.txt`, `${n.toUpperCase()}1`);
    const t0 = (await sync('rev/', '')).syncToken!;
    for (const n of ['a', 'b', 'c', 'd']) await put(`rev/${n}.txt`, `${n.toUpperCase()}2`);
    const p1 = await sync('rev/', t0, { limit: 2 });
    assert.ok(truncation(p1, A('rev/')));
    assert.deepEqual(delta(p1), { [A('rev/a.txt')]: etag('A2'), [A('rev/b.txt')]: etag('B2') });
    // a goes back to A1 (the client has A2 now, so it must hear about it); d goes back to D1 (the
    // client still holds D1: nothing to say); c is deleted (client holds C1: 404).
    await put('rev/a.txt', 'A1');
    await put('rev/d.txt', 'D1');
    await del('rev/c.txt');
    const p2 = await sync('rev/', p1.syncToken!);
    assert.ok(!truncation(p2, A('rev/')));
    assert.deepEqual(delta(p2), { [A('rev/a.txt')]: etag('A1'), [A('rev/c.txt')]: 404 });
  });

  test('DAV:limit: continuing while low-sorting paths keep changing', async () => {
    await mkcol('low/');
    const t0 = (await sync('low/', '')).syncToken!;
    for (const n of [1, 2, 3, 4, 5]) await put(`low/m${n}.txt`, `M${n}`);
    const p1 = await sync('low/', t0, { limit: 3 });
    assert.deepEqual(delta(p1), { [A('low/m1.txt')]: etag('M1'), [A('low/m2.txt')]: etag('M2'), [A('low/m3.txt')]: etag('M3') });
    await put('low/a.txt', 'A');
    // Held: m1..m3. Changed: a (new), m4, m5. Limit 1: a.
    const p2 = await sync('low/', p1.syncToken!, { limit: 1 });
    assert.ok(truncation(p2, A('low/')));
    assert.deepEqual(delta(p2), { [A('low/a.txt')]: etag('A') });
    await put('low/m2.txt', 'M2b');
    // Held: a, m1..m3 (m2 as M2). Changed: m2 (M2b), m4, m5. Limit 1: m2.
    const p3 = await sync('low/', p2.syncToken!, { limit: 1 });
    assert.deepEqual(delta(p3), { [A('low/m2.txt')]: etag('M2b') });
    await del('low/a.txt');
    // Held: a, m1, m2 (M2b), m3. Changed: a (gone), m4, m5. Limit 2: a 404, m4.
    const p4 = await sync('low/', p3.syncToken!, { limit: 2 });
    assert.ok(truncation(p4, A('low/')));
    assert.deepEqual(delta(p4), { [A('low/a.txt')]: 404, [A('low/m4.txt')]: etag('M4') });
    const p5 = await sync('low/', p4.syncToken!, { limit: 2 });
    assert.ok(!truncation(p5, A('low/')));
    assert.deepEqual(delta(p5), { [A('low/m5.txt')]: etag('M5') });
  });

  test('DAV:limit: a client paging with limit 1 under constant change ends up with exactly the server state', async () => {
    await mkcol('sim/');
    for (let i = 0; i < 8; i++) await put(`sim/i${i}.txt`, `v0-${i}`);
    const held = new Map<string, string>();
    let token = '';
    let step = 0;
    for (let page = 0; page < 200; page++) {
      const ms = await sync('sim/', token, { limit: 1 });
      const d = delta(ms);
      assert.ok(Object.keys(d).length <= 1, 'never more than the limit');
      for (const [href, v] of Object.entries(d)) {
        if (v === 404) {
          assert.ok(held.has(href), `404 only for members the client holds (${href})`);
          held.delete(href);
        } else held.set(href, v);
      }
      token = ms.syncToken!;
      const truncated = truncation(ms, A('sim/'));
      // Mutations between pages for the first 12 pages: adds, changes, deletes, reverts, low and high.
      if (step < 12) {
        const i = step++;
        if (i % 4 === 0) await put(`sim/a${i}.txt`, `new-${i}`);
        else if (i % 4 === 1) await put(`sim/i${i % 8}.txt`, `v1-${i}`);
        else if (i % 4 === 2) await del(`sim/i${(i + 3) % 8}.txt`);
        else await put(`sim/i${(i + 6) % 8}.txt`, `v0-${(i + 6) % 8}`);
        continue;
      }
      if (!truncated && Object.keys(d).length === 0) break;
    }
    const pf = await req(k, 'alice', 'PROPFIND', A('sim/'), { headers: { Depth: '1' }, body: propfindBody('<D:getetag/>') });
    const server = new Map<string, string>();
    for (const r of parseMultistatus(pf.text).responses) if (r.href !== A('sim/')) server.set(r.href, textOf(r.prop(dav('getetag'))!));
    assert.deepEqual(new Map([...held].sort()), new Map([...server].sort()));
  });

  test('property changes give a new token and no member responses', async () => {
    await mkcol('pp/');
    await put('pp/a.txt', 'a');
    const t0 = (await sync('pp/', '')).syncToken!;
    const set = (name: string) => `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:X="urn:x-test"><D:set><D:prop><X:${name}>v</X:${name}></D:prop></D:set></D:propertyupdate>`;
    assert.equal((await req(k, 'alice', 'PROPPATCH', A('pp/'), { body: set('coll') })).status, 207);
    const s1 = await sync('pp/', t0);
    assert.deepEqual(delta(s1), {});
    assert.notEqual(s1.syncToken, t0);
    assert.ok(s1.syncToken!.endsWith(headOf(k, 'alice/pp')));
    assert.equal((await req(k, 'alice', 'PROPPATCH', A('pp/a.txt'), { body: set('member') })).status, 207);
    const s2 = await sync('pp/', s1.syncToken!);
    assert.deepEqual(delta(s2), {}, 'a dead property of a member leaves its ETag alone');
    assert.notEqual(s2.syncToken, s1.syncToken);
  });

  test('Depth: infinity is refused with 400; 0, a missing Depth, and 1 (python caldav 0.11 sends it) are answered', async () => {
    await mkcol('dp/');
    await put('dp/a.txt', 'a');
    const r = await req(k, 'alice', 'REPORT', A('dp/'), { headers: { Depth: 'infinity' }, body: syncBody('') });
    assert.equal(r.status, 400);
    for (const headers of [{ Depth: '0' }, {}, { Depth: '1' }] as Array<Record<string, string>>) {
      const ok = await req(k, 'alice', 'REPORT', A('dp/'), { headers, body: syncBody('') });
      assert.equal(ok.status, 207, JSON.stringify(headers));
      // Depth never widens the scope: that is DAV:sync-level's job.
      assert.deepEqual(delta(parseMultistatus(ok.text)), { [A('dp/a.txt')]: etag('a') });
    }
    assert.equal((await req(k, 'alice', 'REPORT', A('dp/'), { headers: { Depth: '2' }, body: syncBody('') })).status, 400);
  });

  test('malformed limits and sync-levels are 400; sync-collection on a file or the principal is 403 supported-report', async () => {
    await mkcol('ml/');
    await put('ml/f.txt', 'f');
    const bodies = [
      syncBody('').replace('<D:sync-level>1</D:sync-level>', '<D:sync-level>2</D:sync-level>'),
      syncBody('', { limit: 1 }).replace('<D:nresults>1</D:nresults>', '<D:nresults>-1</D:nresults>'),
      syncBody('', { limit: 1 }).replace('<D:nresults>1</D:nresults>', '<D:nresults>many</D:nresults>'),
    ];
    for (const body of bodies) assert.equal((await req(k, 'alice', 'REPORT', A('ml/'), { headers: { Depth: '0' }, body })).status, 400, body);
    for (const path of [A('ml/f.txt'), '/alice/', '/']) {
      const r = await req(k, 'alice', 'REPORT', path, { headers: { Depth: '0' }, body: syncBody('') });
      assert.equal(r.status, 403, path);
      assert.equal(errorCondition(r.text), dav('supported-report'));
    }
  });

  test('repositories made with git itself: an empty `git init --bare`, and one with history on master', async () => {
    git(['init', '-q', '--bare', join(k.root, 'alice/bare-empty')]);
    const e0 = await sync('bare-empty/', '');
    assert.deepEqual(delta(e0), {});
    const pf = await req(k, 'alice', 'PROPFIND', A('bare-empty/'), { headers: { Depth: '1' }, body: propfindBody('<D:getetag/><CS:getctag/>', ` xmlns:CS="${CS}"`) });
    assert.equal(pf.status, 207);
    await put('bare-empty/first.txt', 'first');
    const e1 = await sync('bare-empty/', e0.syncToken!);
    assert.deepEqual(delta(e1), { [A('bare-empty/first.txt')]: etag('first') });
    assert.ok(e1.syncToken!.endsWith(headOf(k, 'alice/bare-empty')));
    assert.equal(bare(k, 'alice/bare-empty', 'rev-list', '--count', 'HEAD').trim(), '1');

    const s = scratchDir();
    try {
      const work = join(s.dir, 'w');
      git(['init', '-q', '-b', 'master', work]);
      const fs = await import('node:fs');
      fs.writeFileSync(join(work, 'old.txt'), 'old');
      git(['-C', work, 'add', '.']);
      git(['-C', work, 'commit', '-q', '-m', 'history']);
      git(['clone', '-q', '--bare', work, join(k.root, 'alice/imported')]);
    } finally {
      s.cleanup();
    }
    const i0 = await sync('imported/', '');
    assert.deepEqual(delta(i0), { [A('imported/old.txt')]: etag('old') });
    await put('imported/new.txt', 'new');
    assert.deepEqual(delta(await sync('imported/', i0.syncToken!)), { [A('imported/new.txt')]: etag('new') });
    assert.equal(bare(k, 'alice/imported', 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'master');
    assert.equal(fsck(k, 'alice/imported'), '');
  });

  test('sync-level 1 reports child collections; infinite reports what is inside them too', async () => {
    await mkcol('tree/');
    await put('tree/top.txt', 'T');
    await mkcol('tree/sub/');
    await put('tree/sub/in.txt', 'I');
    const ms = await sync('tree/', '', { props: '<D:resourcetype/>' });
    assert.deepEqual(ms.responses.map((r) => r.href).sort(), [A('tree/sub/'), A('tree/top.txt')]);
    assert.deepEqual(elements(ms.byHref(A('tree/sub/'))!.prop(dav('resourcetype'))!).map((e) => e.name), [dav('collection')]);
    const inf = await sync('tree/', '', { level: 'infinite', props: '<D:resourcetype/>' });
    assert.deepEqual(inf.responses.map((r) => r.href).sort(), [A('tree/sub/'), A('tree/sub/in.txt'), A('tree/top.txt')]);
    // A change inside the child is not a change of the child at level 1.
    await put('tree/sub/in.txt', 'I2');
    assert.deepEqual((await sync('tree/', ms.syncToken!)).responses.map((r) => r.href), []);
    assert.deepEqual((await sync('tree/', inf.syncToken!, { level: 'infinite' })).responses.map((r) => r.href), [A('tree/sub/in.txt')]);
    // Removing the child: 404 for it at level 1.
    assert.equal((await req(k, 'alice', 'DELETE', A('tree/sub/'))).status, 204);
    const gone = await sync('tree/', ms.syncToken!);
    assert.deepEqual(delta(gone), { [A('tree/sub/')]: 404 });
    // Sync on the child folder itself.
    await mkcol('tree/sub2/');
    await put('tree/sub2/x.txt', 'X');
    const child = await sync('tree/sub2/', '');
    assert.deepEqual(delta(child), { [A('tree/sub2/x.txt')]: etag('X') });
  });
});
