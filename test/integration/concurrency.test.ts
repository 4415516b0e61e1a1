/**
 * DAV writes and native git commits into the same repository at the same time. Afterwards every
 * acknowledged PUT and every native commit is reachable from HEAD, and `git fsck --strict` is
 * clean. Also: concurrent conditional PUTs on one resource let exactly one through.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKalends, type Kalends } from '../helpers/server.js';
import { textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { bare, fsck, gitAsync, gitEnv, headOf, parseMultistatus, propfindBody, req, scratchDir, syncBody } from './helpers.js';

const PUTS = 60;
const CLONE_WORKERS = 3;
const CLONE_COMMITS = 6;
const PLUMBING_COMMITS = 10;

/** A person's clone: commit, push; when the push is refused, pull --rebase and try again (bounded). */
async function cloneWorker(bareDir: string, dir: string, w: number): Promise<string[]> {
  const work = join(dir, `w${w}`);
  await gitAsync(['clone', '-q', bareDir, work]);
  const pushed: string[] = [];
  for (let i = 0; i < CLONE_COMMITS; i++) {
    writeFileSync(join(work, `native-${w}-${i}.txt`), `native ${w} ${i}\n`);
    await gitAsync(['add', '.'], work);
    await gitAsync(['commit', '-q', '-m', `native ${w}/${i}`], work);
    let ok = false;
    for (let attempt = 0; attempt < 40 && !ok; attempt++) {
      try {
        await gitAsync(['push', '-q', 'origin', 'HEAD:main'], work);
        ok = true;
      } catch {
        await gitAsync(['pull', '-q', '--rebase', 'origin', 'main'], work);
      }
    }
    assert.ok(ok, `worker ${w} could not push commit ${i} in 40 attempts`);
    pushed.push((await gitAsync(['rev-parse', 'HEAD'], work)).trim());
  }
  return pushed;
}

/** Plumbing: a commit on top of the current HEAD, then `update-ref` with the old value (compare-and-swap). */
async function plumbingWorker(bareDir: string): Promise<string[]> {
  const g = (...args: string[]) => gitAsync(['--git-dir', bareDir, ...args]);
  const run = (args: string[], input: string) =>
    new Promise<string>((resolve, reject) => {
      const p = execFile('git', ['--git-dir', bareDir, ...args], { env: gitEnv() }, (err, out) => (err ? reject(err) : resolve(out)));
      p.stdin!.on('error', () => undefined);
      p.stdin!.end(input);
    });
  const made: string[] = [];
  for (let i = 0; i < PLUMBING_COMMITS; i++) {
    let ok = false;
    for (let attempt = 0; attempt < 60 && !ok; attempt++) {
      const old = (await g('rev-parse', 'refs/heads/main')).trim();
      const listing = await g('ls-tree', old);
      const blob = (await run(['hash-object', '-w', '--stdin'], `plumbing ${i}\n`)).trim();
      const tree = (await run(['mktree'], listing.split('\n').filter((l) => l && !l.endsWith(`\tplumbing-${i}.txt`)).map((l) => l + '\n').join('') + `100644 blob ${blob}\tplumbing-${i}.txt\n`)).trim();
      const commit = (await g('commit-tree', tree, '-p', old, '-m', `plumbing ${i}`)).trim();
      try {
        await g('update-ref', 'refs/heads/main', commit, old);
        made.push(commit);
        ok = true;
      } catch {
        // The ref moved (or its lock was held) between our read and our update: build on the new HEAD.
      }
    }
    assert.ok(ok, `plumbing commit ${i} never landed`);
  }
  return made;
}

describe('concurrent DAV writes and native git commits', () => {
  let k: Kalends;
  before(async () => {
    k = await startKalends();
  });
  after(async () => {
    await k.stop();
  });

  test('every acknowledged PUT and every native commit is reachable from HEAD; fsck is clean', async () => {
    assert.equal((await req(k, 'alice', 'MKCOL', '/alice/busy/')).status, 201);
    const bareDir = join(k.root, 'alice/busy');
    const s = scratchDir();
    try {
      const puts = Array.from({ length: PUTS }, async (_, i) => {
        // A few same-name overwrites among distinct files.
        const name = i % 10 === 9 ? `shared-${i % 3}.txt` : `dav-${i}.txt`;
        const body = `dav ${i}\n`;
        const r = await req(k, 'alice', 'PUT', `/alice/busy/${name}`, { body, headers: { 'Content-Type': 'text/plain' } });
        return { name, body, status: r.status, etag: r.headers.get('etag') };
      });
      const natives = Array.from({ length: CLONE_WORKERS }, (_, w) => cloneWorker(bareDir, s.dir, w));
      const plumbing = plumbingWorker(bareDir);
      const [putResults, nativeCommits, plumbed] = await Promise.all([Promise.all(puts), Promise.all(natives), plumbing]);

      const acked = putResults.filter((p) => p.status === 201 || p.status === 204);
      for (const p of putResults) assert.ok(p.status === 201 || p.status === 204 || p.status === 503, `PUT ${p.name}: ${p.status}`);
      assert.ok(acked.length >= PUTS * 0.9, `most PUTs succeed (${acked.length}/${PUTS})`);

      const head = headOf(k, 'alice/busy');
      // Distinct files: the acknowledged bytes are at HEAD.
      for (const p of acked.filter((x) => x.name.startsWith('dav-'))) {
        assert.equal(bare(k, 'alice/busy', 'show', `${head}:${p.name}`), p.body, p.name);
      }
      // Same-name files: HEAD holds one of the acknowledged versions, and every acknowledged version is in history.
      for (const name of new Set(acked.filter((x) => x.name.startsWith('shared-')).map((x) => x.name))) {
        const versions = acked.filter((x) => x.name === name);
        assert.ok(versions.some((v) => bare(k, 'alice/busy', 'show', `${head}:${name}`) === v.body), name);
        const history = bare(k, 'alice/busy', 'log', '--format=%H', '--', name).split('\n').filter(Boolean);
        const blobs = new Set(history.map((c) => bare(k, 'alice/busy', 'rev-parse', `${c}:${name}`).trim()));
        for (const v of versions) assert.ok(blobs.has(v.etag!.replace(/"/g, '')), `${name}: version ${v.body.trim()} is in history`);
      }
      for (const c of [...nativeCommits.flat(), ...plumbed]) {
        bare(k, 'alice/busy', 'merge-base', '--is-ancestor', c, head);
      }
      for (let w = 0; w < CLONE_WORKERS; w++) {
        for (let i = 0; i < CLONE_COMMITS; i++) assert.equal(bare(k, 'alice/busy', 'show', `${head}:native-${w}-${i}.txt`), `native ${w} ${i}\n`);
      }
      for (let i = 0; i < PLUMBING_COMMITS; i++) assert.equal(bare(k, 'alice/busy', 'show', `${head}:plumbing-${i}.txt`), `plumbing ${i}\n`);
      assert.equal(fsck(k, 'alice/busy'), '');

      // The server agrees with git: a full sync and a Depth 1 PROPFIND list exactly HEAD's files.
      const files = bare(k, 'alice/busy', 'ls-tree', '-r', '--name-only', head).split('\n').filter((f) => f && !f.startsWith('.'));
      const sync = parseMultistatus((await req(k, 'alice', 'REPORT', '/alice/busy/', { headers: { Depth: '0' }, body: syncBody('') })).text);
      assert.deepEqual(sync.responses.map((r) => r.href).sort(), files.map((f) => `/alice/busy/${f}`).sort());
      assert.ok(sync.syncToken!.endsWith(head));
      const pf = parseMultistatus((await req(k, 'alice', 'PROPFIND', '/alice/busy/', { headers: { Depth: '1' }, body: propfindBody('<D:getetag/>') })).text);
      assert.equal(pf.responses.length, files.length + 1);
      for (const f of files) {
        const blob = bare(k, 'alice/busy', 'rev-parse', `${head}:${f}`).trim();
        assert.equal(textOf(pf.byHref(`/alice/busy/${f}`)!.prop(dav('getetag'))!), `"${blob}"`);
      }
      assert.ok(!k.log.some((l) => / 500 /.test(l)), k.log.filter((l) => / 500 /.test(l)).join('\n'));
    } finally {
      s.cleanup();
    }
  });

  test('concurrent PUTs with the same If-Match: exactly one wins, the others get 412', async () => {
    assert.equal((await req(k, 'alice', 'MKCOL', '/alice/race/')).status, 201);
    const first = await req(k, 'alice', 'PUT', '/alice/race/doc.txt', { body: 'v0' });
    assert.equal(first.status, 201);
    const tag = first.headers.get('etag')!;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => req(k, 'alice', 'PUT', '/alice/race/doc.txt', { body: `v1-${i}`, headers: { 'If-Match': tag } })),
    );
    const winners = results.filter((r) => r.status === 204);
    assert.equal(winners.length, 1, results.map((r) => r.status).join(','));
    for (const r of results) assert.ok(r.status === 204 || r.status === 412, String(r.status));
    const now = await req(k, 'alice', 'GET', '/alice/race/doc.txt');
    assert.equal(now.headers.get('etag'), winners[0]!.headers.get('etag'));
    // And If-None-Match: * races for a new name: exactly one creates it.
    const creates = await Promise.all(Array.from({ length: 12 }, (_, i) => req(k, 'alice', 'PUT', '/alice/race/new.txt', { body: `n-${i}`, headers: { 'If-None-Match': '*' } })));
    assert.equal(creates.filter((r) => r.status === 201).length, 1, creates.map((r) => r.status).join(','));
    for (const r of creates) assert.ok(r.status === 201 || r.status === 412, String(r.status));
    assert.equal(fsck(k, 'alice/race'), '');
  });
});
