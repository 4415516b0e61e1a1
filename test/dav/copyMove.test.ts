import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKalends, type Kalends } from '../helpers/server.js';
import { textOf } from '../../src/dav/xml/element.js';
import { git, http, multistatus, PROPFIND, PROPPATCH, subjects } from './helpers.js';

let k: Kalends;
before(async () => {
  k = await startKalends();
  for (const c of ['a', 'b']) assert.equal((await http(k, 'MKCOL', `/alice/${c}/`)).status, 201);
});
after(async () => {
  await k?.stop();
});

const X = ' xmlns:x="urn:example:x"';
const dest = (p: string) => ({ Destination: `${k.origin}${p}` });

async function put(path: string, body: string) {
  const res = await http(k, 'PUT', path, { body, headers: { 'Content-Type': 'text/plain' } });
  assert.ok(res.status === 201 || res.status === 204, `PUT ${path}: ${res.status}`);
}

async function text(path: string): Promise<{ status: number; text: string }> {
  const r = await http(k, 'GET', path);
  return { status: r.status, text: r.text };
}

async function deadProp(path: string): Promise<string | undefined> {
  const res = await http(k, 'PROPFIND', path, { body: PROPFIND('<x:tag/>', X), headers: { Depth: '0' } });
  assert.equal(res.status, 207);
  const p = multistatus(res.text)[0]!.props.get('{urn:example:x}tag')!;
  return p.status === 200 ? textOf(p.value) : undefined;
}

async function setDeadProp(path: string, value: string) {
  const res = await http(k, 'PROPPATCH', path, { body: PROPPATCH(`<D:set><D:prop><x:tag>${value}</x:tag></D:prop></D:set>`, X) });
  assert.equal(multistatus(res.text)[0]!.props.get('{urn:example:x}tag')!.status, 200);
}

test('COPY and MOVE of a file inside one repository: one commit each, Overwrite, dead properties travel', async () => {
  await put('/alice/a/x.txt', 'x content');
  await setDeadProp('/alice/a/x.txt', 'red');
  const n0 = subjects(k, 'alice/a').length;

  assert.equal((await http(k, 'COPY', '/alice/a/x.txt', { headers: dest('/alice/a/y.txt') })).status, 201);
  assert.equal((await text('/alice/a/y.txt')).text, 'x content');
  assert.equal(await deadProp('/alice/a/y.txt'), 'red');
  assert.equal(subjects(k, 'alice/a').length, n0 + 1);

  assert.equal((await http(k, 'COPY', '/alice/a/x.txt', { headers: { ...dest('/alice/a/y.txt'), Overwrite: 'F' } })).status, 412);
  assert.equal(subjects(k, 'alice/a').length, n0 + 1, 'a refused COPY commits nothing');
  await put('/alice/a/x.txt', 'x2');
  assert.equal((await http(k, 'COPY', '/alice/a/x.txt', { headers: { ...dest('/alice/a/y.txt'), Overwrite: 'T' } })).status, 204);
  assert.equal((await text('/alice/a/y.txt')).text, 'x2');

  const n1 = subjects(k, 'alice/a').length;
  assert.equal((await http(k, 'MOVE', '/alice/a/y.txt', { headers: dest('/alice/a/z.txt') })).status, 201);
  assert.equal((await text('/alice/a/y.txt')).status, 404);
  assert.equal((await text('/alice/a/z.txt')).text, 'x2');
  assert.equal(await deadProp('/alice/a/z.txt'), 'red');
  assert.equal(subjects(k, 'alice/a').length, n1 + 1, 'a MOVE inside a repository is one commit');
  await put('/alice/a/y.txt', 'new y');
  assert.equal(await deadProp('/alice/a/y.txt'), undefined, 'the moved file took its properties along');
});

test('collections: Depth infinity copies the tree, Depth 0 only the collection; bad Depth and self-copies refused', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/a/dir/')).status, 201);
  await put('/alice/a/dir/1.txt', 'one');
  assert.equal((await http(k, 'MKCOL', '/alice/a/dir/sub/')).status, 201);
  await put('/alice/a/dir/sub/2.txt', 'two');
  await setDeadProp('/alice/a/dir/', 'folder-prop');

  assert.equal((await http(k, 'COPY', '/alice/a/dir/', { headers: dest('/alice/a/dir2/') })).status, 201);
  assert.equal((await text('/alice/a/dir2/sub/2.txt')).text, 'two');
  assert.equal(await deadProp('/alice/a/dir2/'), 'folder-prop');

  assert.equal((await http(k, 'COPY', '/alice/a/dir/', { headers: { ...dest('/alice/a/dir3/'), Depth: '0' } })).status, 201);
  assert.equal((await http(k, 'PROPFIND', '/alice/a/dir3/', { headers: { Depth: '0' } })).status, 207);
  assert.equal((await text('/alice/a/dir3/1.txt')).status, 404, 'Depth 0 copies no members');
  assert.equal(await deadProp('/alice/a/dir3/'), 'folder-prop', 'but the collection\'s properties');

  assert.equal((await http(k, 'COPY', '/alice/a/dir/', { headers: { ...dest('/alice/a/dir4/'), Depth: '1' } })).status, 400);
  assert.equal((await http(k, 'MOVE', '/alice/a/dir/', { headers: { ...dest('/alice/a/dir4/'), Depth: '0' } })).status, 400);
  assert.equal((await http(k, 'COPY', '/alice/a/dir/', { headers: dest('/alice/a/dir/') })).status, 403);
  assert.equal((await http(k, 'COPY', '/alice/a/dir/', { headers: dest('/alice/a/dir/sub/inner/') })).status, 403);
  assert.equal((await http(k, 'COPY', '/alice/a/x.txt', { headers: dest('/alice/a/nowhere/x.txt') })).status, 409);
  assert.equal((await http(k, 'COPY', '/alice/a/x.txt')).status, 400, 'no Destination');
  assert.equal((await http(k, 'COPY', '/alice/a/missing.txt', { headers: dest('/alice/a/m.txt') })).status, 404);

  // Overwriting a collection replaces it entirely.
  await put('/alice/a/dir3/stale.txt', 'stale');
  assert.equal((await http(k, 'MOVE', '/alice/a/dir2/', { headers: dest('/alice/a/dir3/') })).status, 204);
  assert.equal((await text('/alice/a/dir3/stale.txt')).status, 404);
  assert.equal((await text('/alice/a/dir3/sub/2.txt')).text, 'two');
  assert.equal((await text('/alice/a/dir2/1.txt')).status, 404);
});

test('across repositories: MOVE is one commit in each, COPY one in the destination only (native git log)', async () => {
  await put('/alice/a/across.txt', 'travels');
  await setDeadProp('/alice/a/across.txt', 'blue');
  const a0 = subjects(k, 'alice/a').length;
  const b0 = subjects(k, 'alice/b').length;

  assert.equal((await http(k, 'COPY', '/alice/a/across.txt', { headers: dest('/alice/b/copied.txt') })).status, 201);
  assert.equal(subjects(k, 'alice/a').length, a0);
  assert.equal(subjects(k, 'alice/b').length, b0 + 1);
  assert.equal(await deadProp('/alice/b/copied.txt'), 'blue');

  assert.equal((await http(k, 'MOVE', '/alice/a/across.txt', { headers: dest('/alice/b/moved.txt') })).status, 201);
  assert.equal(subjects(k, 'alice/a').length, a0 + 1);
  assert.equal(subjects(k, 'alice/b').length, b0 + 2);
  assert.equal((await text('/alice/a/across.txt')).status, 404);
  assert.equal((await text('/alice/b/moved.txt')).text, 'travels');
  assert.equal(await deadProp('/alice/b/moved.txt'), 'blue');
  assert.match(subjects(k, 'alice/a')[0]!, /across\.txt/);
  assert.match(subjects(k, 'alice/b')[0]!, /moved\.txt/);
  for (const rel of ['alice/a', 'alice/b']) assert.equal(git(k, rel, 'log', '-1', '--format=%an').trim(), 'alice');
  assert.equal(git(k, 'alice/a', 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').includes('across.txt'), false);

  // A folder across: its subtree arrives in one commit, leaves in one.
  const a1 = subjects(k, 'alice/a').length;
  const b1 = subjects(k, 'alice/b').length;
  assert.equal((await http(k, 'MOVE', '/alice/a/dir/', { headers: dest('/alice/b/dir/') })).status, 201);
  assert.equal(subjects(k, 'alice/a').length, a1 + 1);
  assert.equal(subjects(k, 'alice/b').length, b1 + 1);
  assert.equal((await text('/alice/b/dir/sub/2.txt')).text, 'two');
  assert.equal(await deadProp('/alice/b/dir/'), 'folder-prop');
  assert.equal((await text('/alice/a/dir/1.txt')).status, 404);
});

test('a whole repository moved to a free name keeps its history', async () => {
  const history = subjects(k, 'alice/b');
  assert.equal((await http(k, 'MOVE', '/alice/b/', { headers: dest('/alice/c/') })).status, 201);
  assert.deepEqual(subjects(k, 'alice/c'), history);
  assert.equal((await http(k, 'PROPFIND', '/alice/b/', { headers: { Depth: '0' } })).status, 404);
  assert.equal((await text('/alice/c/moved.txt')).text, 'travels');
});
