import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startKalends, type Kalends } from '../helpers/server.js';
import { headCommit, http, PROPFIND, PROPPATCH } from './helpers.js';

let k: Kalends;
const MAX = 2048;
before(async () => {
  k = await startKalends({ extraArgs: ['--max-body', String(MAX)] });
  assert.equal((await http(k, 'MKCOL', '/alice/c/')).status, 201);
});
after(async () => {
  await k?.stop();
});

const put = (path: string, body: string, headers: Record<string, string> = {}) =>
  http(k, 'PUT', path, { body, headers: { 'Content-Type': 'text/plain', ...headers } });

test('If-None-Match: * creates only; If-Match needs the current ETag; 412 changes nothing', async () => {
  const created = await put('/alice/c/a.txt', 'v1', { 'If-None-Match': '*' });
  assert.equal(created.status, 201);
  const e1 = created.headers.get('etag')!;
  assert.match(e1, /^"[0-9a-f]{40}"$/);
  assert.equal((await put('/alice/c/a.txt', 'v2', { 'If-None-Match': '*' })).status, 412);
  assert.equal((await put('/alice/c/a.txt', 'v2', { 'If-Match': '"0000000000000000000000000000000000000000"' })).status, 412);
  assert.equal((await http(k, 'GET', '/alice/c/a.txt')).text, 'v1');
  const head = headCommit(k, 'alice/c');
  assert.equal((await put('/alice/c/a.txt', 'v2', { 'If-Match': e1 })).status, 204);
  assert.notEqual(headCommit(k, 'alice/c'), head);
  assert.equal((await put('/alice/c/a.txt', 'v3', { 'If-Match': e1 })).status, 412, 'the ETag moved on');
  assert.equal((await put('/alice/c/a.txt', 'v3', { 'If-Match': '*' })).status, 204);
  assert.equal((await put('/alice/c/new.txt', 'n', { 'If-Match': '*' })).status, 412, 'If-Match on a missing resource');
  assert.equal((await http(k, 'GET', '/alice/c/new.txt')).status, 404);
  const cur = (await http(k, 'HEAD', '/alice/c/a.txt')).headers.get('etag')!;
  assert.equal((await put('/alice/c/a.txt', 'v4', { 'If-None-Match': cur })).status, 412);
  assert.equal((await put('/alice/c/a.txt', 'v4', { 'If-Match': `"nope", ${cur}` })).status, 204, 'a list of ETags');
});

test('conditional DELETE: wrong ETag 412 and the file stays; right ETag 204', async () => {
  const res = await put('/alice/c/d.txt', 'd');
  const etag = res.headers.get('etag')!;
  assert.equal((await http(k, 'DELETE', '/alice/c/d.txt', { headers: { 'If-Match': '"abc"' } })).status, 412);
  assert.equal((await http(k, 'GET', '/alice/c/d.txt')).status, 200);
  assert.equal((await http(k, 'DELETE', '/alice/c/d.txt', { headers: { 'If-Match': etag } })).status, 204);
  assert.equal((await http(k, 'GET', '/alice/c/d.txt')).status, 404);
});

test('If-Unmodified-Since: a date before the last change is 412, a later one passes', async () => {
  assert.equal((await put('/alice/c/u.txt', 'u')).status, 201);
  const past = new Date(Date.now() - 3600_000).toUTCString();
  const future = new Date(Date.now() + 3600_000).toUTCString();
  assert.equal((await put('/alice/c/u.txt', 'u2', { 'If-Unmodified-Since': past })).status, 412);
  assert.equal((await http(k, 'DELETE', '/alice/c/u.txt', { headers: { 'If-Unmodified-Since': past } })).status, 412);
  assert.equal((await put('/alice/c/u.txt', 'u2', { 'If-Unmodified-Since': future })).status, 204);
});

test('GET: If-None-Match with the current ETag is 304', async () => {
  const etag = (await put('/alice/c/g.txt', 'g')).headers.get('etag')!;
  assert.equal((await http(k, 'GET', '/alice/c/g.txt', { headers: { 'If-None-Match': etag } })).status, 304);
  assert.equal((await http(k, 'GET', '/alice/c/g.txt', { headers: { 'If-None-Match': '"other"' } })).status, 200);
});

test('a body over --max-body with Content-Length is 413', async () => {
  assert.equal((await put('/alice/c/big.txt', 'x'.repeat(MAX + 1))).status, 413);
  assert.equal((await put('/alice/c/fits.txt', 'x'.repeat(MAX))).status, 201);
  assert.equal((await http(k, 'GET', '/alice/c/big.txt')).status, 404);
});

test('a chunked body is refused with 413 as soon as it passes the limit, before it ends', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: k.port, method: 'PUT', path: '/alice/c/stream.txt', headers: { Authorization: k.auth('alice'), 'Transfer-Encoding': 'chunked' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', (e) => reject(e));
    // Send more than the limit and never end the body: only a server that stops reading answers.
    req.write('y'.repeat(MAX + 512));
    setTimeout(() => reject(new Error('no answer before the body ended')), 10_000).unref();
  });
  assert.equal(status, 413);
});

test('XML with a DOCTYPE or an entity declaration is refused with 400 and changes nothing', async () => {
  const head = headCommit(k, 'alice/c');
  const evil = `<?xml version="1.0"?>\n<!DOCTYPE D:propertyupdate [<!ENTITY x "boom">]>\n<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>&x;</D:displayname></D:prop></D:set></D:propertyupdate>`;
  assert.equal((await http(k, 'PROPPATCH', '/alice/c/', { body: evil })).status, 400);
  assert.equal((await http(k, 'PROPFIND', '/alice/c/', { body: `<?xml version="1.0"?><!DOCTYPE x>${PROPFIND('<D:getetag/>').replace(/^<\?xml[^>]*>\n/, '')}`, headers: { Depth: '0' } })).status, 400);
  assert.equal((await http(k, 'MKCOL', '/alice/c/doc/', { body: '<!DOCTYPE D:mkcol><D:mkcol xmlns:D="DAV:"/>' })).status, 400);
  assert.equal(headCommit(k, 'alice/c'), head);
  assert.equal((await http(k, 'PROPPATCH', '/alice/c/', { body: PROPPATCH('<D:set><D:prop><D:displayname>fine</D:displayname></D:prop></D:set>') })).status, 207);
});

test('a request URI with a fragment is refused (400), not cut off', async () => {
  const net = await import('node:net');
  const reply = await new Promise<string>((resolve, reject) => {
    const s = net.connect(k.port, '127.0.0.1');
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      data += d;
      if (data.includes('\r\n\r\n')) {
        s.destroy();
        resolve(data);
      }
    });
    s.on('error', reject);
    s.write(`DELETE /alice/c/#frag HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${k.auth('alice')}\r\n\r\n`);
  });
  assert.match(reply, /^HTTP\/1\.1 400 /);
  assert.equal((await http(k, 'PROPFIND', '/alice/c/', { headers: { Depth: '0' } })).status, 207, 'the collection is still there');
});
