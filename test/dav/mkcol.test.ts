import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKalends, type Kalends } from '../helpers/server.js';
import { textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { http, multistatus, PROPFIND, subjects } from './helpers.js';

let k: Kalends;
before(async () => {
  k = await startKalends();
});
after(async () => {
  await k?.stop();
});

test('MKCOL makes a repository under the principal, then folders in it, one commit each', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/box/')).status, 201);
  assert.equal(subjects(k, 'alice/box').length, 1);
  assert.equal((await http(k, 'MKCOL', '/alice/box/inner/')).status, 201);
  assert.equal(subjects(k, 'alice/box').length, 2);
  assert.match(subjects(k, 'alice/box')[0]!, /inner/);
});

test('MKCOL on an existing resource is 405', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/box/')).status, 405);
  assert.equal((await http(k, 'MKCOL', '/alice/box/inner/')).status, 405);
  assert.equal((await http(k, 'PUT', '/alice/box/file.txt', { body: 'x' })).status, 201);
  assert.equal((await http(k, 'MKCOL', '/alice/box/file.txt')).status, 405);
});

test('MKCOL with a missing parent is 409', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/box/a/b/')).status, 409);
  assert.equal((await http(k, 'MKCOL', '/alice/nothere/a/')).status, 409);
});

test('MKCOL with a body that is not an extended MKCOL body is 415, and creates nothing', async () => {
  const n = subjects(k, 'alice/box').length;
  assert.equal((await http(k, 'MKCOL', '/alice/box/t/', { body: 'hello', headers: { 'Content-Type': 'text/plain' } })).status, 415);
  assert.equal((await http(k, 'MKCOL', '/alice/box/t/', { body: PROPFIND('<D:getetag/>') })).status, 415);
  assert.equal((await http(k, 'PROPFIND', '/alice/box/t/', { headers: { Depth: '0' } })).status, 404);
  assert.equal(subjects(k, 'alice/box').length, n);
});

test('extended MKCOL (RFC 5689) sets properties in the creating commit; a refused one creates nothing (403 mkcol-response)', async () => {
  const ok = `<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:x="urn:x"><D:set><D:prop><D:resourcetype><D:collection/></D:resourcetype><D:displayname>Shelf</D:displayname><x:c>1</x:c></D:prop></D:set></D:mkcol>`;
  assert.equal((await http(k, 'MKCOL', '/alice/shelf/', { body: ok })).status, 201);
  const res = await http(k, 'PROPFIND', '/alice/shelf/', { body: PROPFIND('<D:displayname/><x:c xmlns:x="urn:x"/>'), headers: { Depth: '0' } });
  const p = multistatus(res.text)[0]!.props;
  assert.equal(textOf(p.get(dav('displayname'))!.value), 'Shelf');
  assert.equal(textOf(p.get('{urn:x}c')!.value), '1');
  assert.equal(subjects(k, 'alice/shelf').length, 1);

  const bad = `<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:x="urn:x"><D:set><D:prop><D:getetag>"x"</D:getetag><x:c>1</x:c></D:prop></D:set></D:mkcol>`;
  const refused = await http(k, 'MKCOL', '/alice/shelf2/', { body: bad });
  assert.equal(refused.status, 403);
  assert.match(refused.text, /mkcol-response/);
  assert.match(refused.text, /424/);
  assert.equal((await http(k, 'PROPFIND', '/alice/shelf2/', { headers: { Depth: '0' } })).status, 404);
});
