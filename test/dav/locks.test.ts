import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKalends, type Kalends } from '../helpers/server.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { child, elements, textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { davError, http, LOCKINFO, multistatus, PROPFIND, PROPPATCH, subjects } from './helpers.js';

let k: Kalends;
before(async () => {
  k = await startKalends();
  assert.equal((await http(k, 'MKCOL', '/alice/notes/')).status, 201);
});
after(async () => {
  await k?.stop();
});

const LOCKED = '{DAV:}lock-token-submitted';

async function put(path: string, body: string, headers: Record<string, string> = {}) {
  return http(k, 'PUT', path, { body, headers: { 'Content-Type': 'text/plain', ...headers } });
}

async function lock(path: string, scope: 'exclusive' | 'shared' = 'exclusive', headers: Record<string, string> = {}, owner = 'test') {
  const res = await http(k, 'LOCK', path, { body: LOCKINFO(scope, owner), headers });
  const m = /^<(.+)>$/.exec(res.headers.get('lock-token') ?? '');
  return { ...res, token: m?.[1] ?? '' };
}

async function etag(path: string): Promise<string> {
  const res = await http(k, 'HEAD', path);
  assert.equal(res.status, 200);
  return res.headers.get('etag')!;
}

function activeLocks(xml: string) {
  const root = parseXml(xml);
  const ld = root.name === dav('prop') ? child(root, dav('lockdiscovery'))! : root;
  return elements(ld, dav('activelock')).map((a) => ({
    token: textOf(child(child(a, dav('locktoken'))!, dav('href'))!).trim(),
    root: textOf(child(child(a, dav('lockroot'))!, dav('href'))!).trim(),
    scope: elements(child(a, dav('lockscope'))!)[0]!.name,
    depth: textOf(child(a, dav('depth'))!).trim(),
    timeout: textOf(child(a, dav('timeout'))!).trim(),
    owner: child(a, dav('owner')) ? textOf(child(a, dav('owner'))!) : undefined,
  }));
}

async function discover(path: string) {
  const res = await http(k, 'PROPFIND', path, { body: PROPFIND('<D:lockdiscovery/>'), headers: { Depth: '0' } });
  assert.equal(res.status, 207);
  const v = multistatus(res.text)[0]!.props.get(dav('lockdiscovery'))!;
  assert.equal(v.status, 200);
  return elements(v.value, dav('activelock')).length;
}

test('OPTIONS claims class 2 and allows LOCK/UNLOCK', async () => {
  const res = await http(k, 'OPTIONS', '/alice/notes/');
  assert.match(res.headers.get('dav')!, /^1, 2, 3\b/);
  assert.match(res.headers.get('allow')!, /\bLOCK\b/);
  assert.match(res.headers.get('allow')!, /\bUNLOCK\b/);
});

test('an exclusive lock: token, lockdiscovery, 423 without the token, writes with it', async () => {
  assert.equal((await put('/alice/notes/a.txt', 'one')).status, 201);
  const l = await lock('/alice/notes/a.txt', 'exclusive', { Timeout: 'Second-600', Depth: '0' }, 'Alice <b>here</b>');
  assert.equal(l.status, 200);
  assert.match(l.token, /^urn:uuid:[0-9a-f-]{36}$/);
  const [al] = activeLocks(l.text);
  assert.equal(al!.token, l.token);
  assert.equal(al!.root, '/alice/notes/a.txt');
  assert.equal(al!.scope, dav('exclusive'));
  assert.equal(al!.depth, '0');
  assert.equal(al!.owner, 'Alice here', 'owner returned as sent');
  const secs = Number(/^Second-(\d+)$/.exec(al!.timeout)![1]);
  assert.ok(secs > 590 && secs <= 600, al!.timeout);

  const refused = await put('/alice/notes/a.txt', 'two');
  assert.equal(refused.status, 423);
  assert.deepEqual(davError(refused.text), { condition: LOCKED, hrefs: ['/alice/notes/a.txt'] });
  for (const [method, headers, body] of [
    ['DELETE', {}, undefined],
    ['PROPPATCH', {}, PROPPATCH('<D:set><D:prop><x:a xmlns:x="urn:x">1</x:a></D:prop></D:set>')],
    ['MOVE', { Destination: `${k.origin}/alice/notes/moved.txt` }, undefined],
  ] as const) {
    assert.equal((await http(k, method, '/alice/notes/a.txt', { headers, ...(body ? { body } : {}) })).status, 423, method);
  }
  assert.equal((await put('/alice/notes/b.txt', 'b')).status, 201);
  assert.equal((await http(k, 'COPY', '/alice/notes/b.txt', { headers: { Destination: `${k.origin}/alice/notes/a.txt` } })).status, 423, 'COPY onto');

  assert.equal((await put('/alice/notes/a.txt', 'two', { If: `(<${l.token}>)` })).status, 204);
  assert.equal((await put('/alice/notes/a.txt', 'three', { If: `<${k.origin}/alice/notes/a.txt> (<${l.token}>)` })).status, 204, 'tagged with an absolute URL');
  assert.equal((await put('/alice/notes/a.txt', 'four', { If: `</alice/notes/a.txt> (<${l.token}>)` })).status, 204, 'tagged with a path');
  const pp = await http(k, 'PROPPATCH', '/alice/notes/a.txt', { body: PROPPATCH('<D:set><D:prop><x:a xmlns:x="urn:x">1</x:a></D:prop></D:set>'), headers: { If: `(<${l.token}>)` } });
  assert.equal(pp.status, 207);

  // Locks do not follow copies (RFC 4918 §7.6); COPY of a locked source is allowed.
  assert.equal((await http(k, 'COPY', '/alice/notes/a.txt', { headers: { Destination: `${k.origin}/alice/notes/a-copy.txt` } })).status, 201);
  assert.equal(await discover('/alice/notes/a-copy.txt'), 0);
  assert.equal(await discover('/alice/notes/a.txt'), 1);

  // A second lock conflicts, exclusive or shared.
  for (const scope of ['exclusive', 'shared'] as const) {
    const again = await lock('/alice/notes/a.txt', scope);
    assert.equal(again.status, 423, scope);
    assert.deepEqual(davError(again.text), { condition: '{DAV:}no-conflicting-lock', hrefs: ['/alice/notes/a.txt'] });
  }

  // UNLOCK: a wrong token is 409, the right one 204, then anyone writes again.
  const wrong = await http(k, 'UNLOCK', '/alice/notes/a.txt', { headers: { 'Lock-Token': '<urn:uuid:00000000-0000-0000-0000-000000000000>' } });
  assert.equal(wrong.status, 409);
  assert.equal(davError(wrong.text).condition, '{DAV:}lock-token-matches-request-uri');
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/b.txt', { headers: { 'Lock-Token': `<${l.token}>` } })).status, 409, 'token of another resource');
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/a.txt')).status, 400, 'no Lock-Token header');
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/a.txt', { headers: { 'Lock-Token': `<${l.token}>` } })).status, 204);
  assert.equal((await put('/alice/notes/a.txt', 'five')).status, 204);
  assert.equal(await discover('/alice/notes/a.txt'), 0);
});

test('refresh: LOCK without a body and the token in If; bad token 412; no If 400', async () => {
  const l = await lock('/alice/notes/r.txt', 'exclusive', { Timeout: 'Second-60' });
  assert.equal(l.status, 201, 'unmapped URL: an empty resource is created');
  const r = await http(k, 'LOCK', '/alice/notes/r.txt', { headers: { If: `(<${l.token}>)`, Timeout: 'Second-3000' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('lock-token'), null, 'a refresh returns no Lock-Token header');
  const [al] = activeLocks(r.text);
  assert.equal(al!.token, l.token);
  assert.ok(Number(al!.timeout.slice('Second-'.length)) > 2990, al!.timeout);
  const inf = await http(k, 'LOCK', '/alice/notes/r.txt', { headers: { If: `(<${l.token}>)`, Timeout: 'Infinite' } });
  assert.equal(activeLocks(inf.text)[0]!.timeout, 'Second-3600', 'Infinite is capped at one hour');
  assert.equal((await http(k, 'LOCK', '/alice/notes/r.txt', { headers: { If: '(<urn:uuid:00000000-0000-0000-0000-000000000001>)' } })).status, 412);
  assert.equal((await http(k, 'LOCK', '/alice/notes/r.txt')).status, 400);
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/r.txt', { headers: { 'Lock-Token': `<${l.token}>` } })).status, 204);
});

test('shared locks: two at once, either token writes, an exclusive one conflicts', async () => {
  assert.equal((await put('/alice/notes/s.txt', 's')).status, 201);
  const a = await lock('/alice/notes/s.txt', 'shared');
  const b = await lock('/alice/notes/s.txt', 'shared');
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.equal(activeLocks(b.text).length, 2, 'lockdiscovery lists both');
  assert.equal((await lock('/alice/notes/s.txt', 'exclusive')).status, 423);
  assert.equal((await put('/alice/notes/s.txt', 'x')).status, 423);
  assert.equal((await put('/alice/notes/s.txt', 'y', { If: `(<${b.token}>)` })).status, 204);
  assert.equal((await put('/alice/notes/s.txt', 'z', { If: `(<${a.token}>)` })).status, 204);
  for (const t of [a, b]) assert.equal((await http(k, 'UNLOCK', '/alice/notes/s.txt', { headers: { 'Lock-Token': `<${t.token}>` } })).status, 204);
});

test('depth infinity on a collection protects members and new members; indirect refresh; DELETE needs the token', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/notes/dir/')).status, 201);
  assert.equal((await put('/alice/notes/dir/old.txt', 'old')).status, 201);
  const l = await lock('/alice/notes/dir/', 'exclusive', { Depth: 'infinity' });
  assert.equal(l.status, 200);
  assert.equal(activeLocks(l.text)[0]!.root, '/alice/notes/dir/');
  const refused = await put('/alice/notes/dir/new.txt', 'n');
  assert.equal(refused.status, 423);
  assert.deepEqual(davError(refused.text).hrefs, ['/alice/notes/dir/']);
  assert.equal((await put('/alice/notes/dir/old.txt', 'o2')).status, 423);
  assert.equal((await put('/alice/notes/dir/new.txt', 'n', { If: `(<${l.token}>)` })).status, 201, 'an untagged token of a lock whose scope holds the URL');
  assert.equal((await put('/alice/notes/dir/new.txt', 'n2', { If: `</alice/notes/dir/> (<${l.token}>)` })).status, 204, 'tagged with the lock root');
  assert.equal(await discover('/alice/notes/dir/new.txt'), 1, 'members show the inherited lock');
  const ind = await http(k, 'LOCK', '/alice/notes/dir/new.txt', { headers: { If: `(<${l.token}>)`, Timeout: 'Second-100' } });
  assert.equal(ind.status, 200, 'indirect refresh through a member');
  assert.equal(activeLocks(ind.text)[0]!.root, '/alice/notes/dir/');
  assert.equal((await http(k, 'DELETE', '/alice/notes/dir/')).status, 423);
  assert.equal((await http(k, 'DELETE', '/alice/notes/dir/', { headers: { If: `(<${l.token}>)` } })).status, 204);
  assert.equal((await http(k, 'MKCOL', '/alice/notes/dir/')).status, 201, 'the lock went with the collection');
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/dir/', { headers: { 'Lock-Token': `<${l.token}>` } })).status, 409);
});

test('depth 0 on a collection protects its membership, not its members', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/notes/d0/')).status, 201);
  assert.equal((await put('/alice/notes/d0/m.txt', 'm')).status, 201);
  const l = await lock('/alice/notes/d0/', 'exclusive', { Depth: '0' });
  assert.equal(l.status, 200);
  assert.equal((await put('/alice/notes/d0/m.txt', 'changed')).status, 204, 'content of an existing member');
  assert.equal((await put('/alice/notes/d0/n.txt', 'new')).status, 423, 'a new member');
  assert.equal((await http(k, 'DELETE', '/alice/notes/d0/m.txt')).status, 423, 'removing a member');
  assert.equal((await put('/alice/notes/d0/n.txt', 'new', { If: `</alice/notes/d0/> (<${l.token}>)` })).status, 201);
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/d0/', { headers: { 'Lock-Token': `<${l.token}>` } })).status, 204);
});

test('a depth-infinity lock over a locked member: 207 with 423 for the member and 424 for the request URI', async () => {
  assert.equal((await http(k, 'MKCOL', '/alice/notes/c/')).status, 201);
  assert.equal((await put('/alice/notes/c/x.txt', 'x')).status, 201);
  const inner = await lock('/alice/notes/c/x.txt');
  const outer = await http(k, 'LOCK', '/alice/notes/c/', { body: LOCKINFO('exclusive'), headers: { Depth: 'infinity' } });
  assert.equal(outer.status, 207);
  const rs = multistatus(outer.text);
  assert.equal(rs.find((r) => r.href === '/alice/notes/c/x.txt')?.status, 423);
  assert.equal(rs.find((r) => r.href === '/alice/notes/c/')?.status, 424);
  assert.equal(outer.headers.get('lock-token'), null);
  const shallow = await lock('/alice/notes/c/', 'exclusive', { Depth: '0' });
  assert.equal(shallow.status, 200, 'depth 0 does not reach the member');
  for (const [p, t] of [['/alice/notes/c/x.txt', inner.token], ['/alice/notes/c/', shallow.token]]) {
    assert.equal((await http(k, 'UNLOCK', p!, { headers: { 'Lock-Token': `<${t}>` } })).status, 204);
  }
});

test('LOCK on an unmapped URL creates an empty file in a commit; missing parent 409; calendars refuse it', async () => {
  const before = subjects(k, 'alice/notes').length;
  const l = await lock('/alice/notes/fresh.txt');
  assert.equal(l.status, 201);
  const got = await http(k, 'GET', '/alice/notes/fresh.txt');
  assert.equal(got.status, 200);
  assert.equal(got.text, '');
  const log = subjects(k, 'alice/notes');
  assert.equal(log.length, before + 1);
  assert.match(log[0]!, /fresh\.txt/);
  assert.equal((await put('/alice/notes/fresh.txt', 'now with content', { If: `(<${l.token}>)` })).status, 204);
  assert.equal((await lock('/alice/notes/nope/fresh.txt')).status, 409);
  assert.equal((await lock('/alice/notes/newdir/')).status, 409, 'a lock cannot create a collection');

  const cal = await http(k, 'PROPFIND', '/alice/calendars/', { body: PROPFIND('<D:resourcetype/>'), headers: { Depth: '1' } });
  const calHref = multistatus(cal.text).map((r) => r.href).find((h) => h !== '/alice/calendars/');
  assert.ok(calHref, 'the default calendar exists');
  const rel = calHref!.replace(/^\/|\/$/g, '');
  const calBefore = subjects(k, rel).length;
  const inCal = await lock(`${calHref}new.ics`);
  assert.ok(inCal.status >= 400 && inCal.status < 500, `an empty calendar object is not valid: ${inCal.status}`);
  assert.equal(subjects(k, rel).length, calBefore, 'nothing committed');
  assert.equal((await http(k, 'GET', `${calHref}new.ics`)).status, 404);
});

test('If with ETags only (no locks): holds or 412; tagged lists use their own resource; unknown tokens', async () => {
  assert.equal((await put('/alice/notes/e.txt', 'e')).status, 201);
  assert.equal((await put('/alice/notes/f.txt', 'f')).status, 201);
  const e = await etag('/alice/notes/e.txt');
  const f = await etag('/alice/notes/f.txt');
  assert.equal((await put('/alice/notes/e.txt', 'e2', { If: `([${e}])` })).status, 204);
  assert.equal((await put('/alice/notes/e.txt', 'e3', { If: `([${e}])` })).status, 412, 'the ETag changed');
  const e2 = await etag('/alice/notes/e.txt');
  assert.equal((await put('/alice/notes/e.txt', 'e3', { If: `(Not [${e2}])` })).status, 412);
  assert.equal((await put('/alice/notes/e.txt', 'e3', { If: `(["nope"]) ([${e2}])` })).status, 204, 'lists are OR-ed');
  assert.equal((await put('/alice/notes/e.txt', 'e4', { If: `</alice/notes/f.txt> ([${f}])` })).status, 204, 'tagged list on another resource holds');
  assert.equal((await put('/alice/notes/e.txt', 'e5', { If: `</alice/notes/f.txt> ([${e2}])` })).status, 412);
  assert.equal((await put('/alice/notes/e.txt', 'e5', { If: '(<urn:uuid:11111111-2222-3333-4444-555555555555>)' })).status, 412, 'a token that names no lock');
  assert.equal((await put('/alice/notes/e.txt', 'e5', { If: '(Not <urn:uuid:11111111-2222-3333-4444-555555555555>)' })).status, 204);
  assert.equal((await put('/alice/notes/e.txt', 'e6', { If: '(<DAV:no-lock>' })).status, 400, 'malformed');
  assert.equal((await put('/alice/notes/new-e.txt', 'n', { If: `([${e}])` })).status, 412, 'an unmapped URL has no ETag');
  assert.equal((await http(k, 'DELETE', '/alice/notes/f.txt', { headers: { If: `([${e}])` } })).status, 412);
  assert.equal((await http(k, 'DELETE', '/alice/notes/f.txt', { headers: { If: `([${f}])` } })).status, 204);
});

test('the If header is checked before locks: 412 wins over 423; a header that holds still needs the token', async () => {
  assert.equal((await put('/alice/notes/p.txt', 'p')).status, 201);
  const l = await lock('/alice/notes/p.txt');
  const e = await etag('/alice/notes/p.txt');
  assert.equal((await put('/alice/notes/p.txt', 'x', { If: `(<DAV:no-lock> [${e}])` })).status, 412);
  assert.equal((await put('/alice/notes/p.txt', 'x', { If: `(<${l.token}x>) (Not <DAV:no-lock>)` })).status, 423);
  assert.equal((await put('/alice/notes/p.txt', 'x', { If: `(<${l.token}> [${e}]) (Not <DAV:no-lock> [${e}])` })).status, 204);
  assert.equal((await http(k, 'DELETE', '/alice/notes/p.txt', { headers: { If: `(<${l.token}>)` } })).status, 204);
  assert.equal((await put('/alice/notes/p.txt', 'again')).status, 201, 'DELETE removed the lock');
});

test('MOVE drops the source lock; the destination lock is respected', async () => {
  assert.equal((await put('/alice/notes/m1.txt', 'm1')).status, 201);
  assert.equal((await put('/alice/notes/m2.txt', 'm2')).status, 201);
  const src = await lock('/alice/notes/m1.txt');
  const dst = await lock('/alice/notes/m2.txt');
  const move = (If: string) => http(k, 'MOVE', '/alice/notes/m1.txt', { headers: { Destination: `${k.origin}/alice/notes/m2.txt`, If } });
  assert.equal((await move(`(<${src.token}>)`)).status, 423, 'destination token missing');
  assert.equal((await move(`(<${src.token}>) </alice/notes/m2.txt> (<${dst.token}>)`)).status, 400, 'untagged and tagged lists cannot mix');
  const res = await move(`</alice/notes/m1.txt> (<${src.token}>) </alice/notes/m2.txt> (<${dst.token}>)`);
  assert.equal(res.status, 204);
  assert.equal((await put('/alice/notes/m1.txt', 'back')).status, 201, 'source URL no longer locked');
  assert.equal((await put('/alice/notes/m2.txt', 'x')).status, 423, 'destination URL still locked');
  assert.equal((await http(k, 'UNLOCK', '/alice/notes/m2.txt', { headers: { 'Lock-Token': `<${dst.token}>` } })).status, 204);
});

test('lockdiscovery/supportedlock are live and protected', async () => {
  const res = await http(k, 'PROPFIND', '/alice/notes/', { body: PROPFIND('<D:supportedlock/><D:lockdiscovery/>'), headers: { Depth: '0' } });
  const r = multistatus(res.text)[0]!;
  const entries = elements(r.props.get(dav('supportedlock'))!.value, dav('lockentry'));
  assert.deepEqual(entries.map((e) => elements(child(e, dav('lockscope'))!)[0]!.name).sort(), [dav('exclusive'), dav('shared')]);
  assert.equal(r.props.get(dav('lockdiscovery'))!.status, 200);
  const pp = await http(k, 'PROPPATCH', '/alice/notes/', { body: PROPPATCH('<D:set><D:prop><D:lockdiscovery/></D:prop></D:set>') });
  assert.equal(multistatus(pp.text)[0]!.props.get(dav('lockdiscovery'))!.status, 403);
});

test('another user cannot lock or unlock in alice\'s tree', async () => {
  assert.equal((await http(k, 'LOCK', '/alice/notes/a.txt', { body: LOCKINFO('exclusive'), user: 'bob' })).status, 403);
});

test('timeouts expire locks', async () => {
  assert.equal((await put('/alice/notes/t.txt', 't')).status, 201);
  assert.equal((await lock('/alice/notes/t.txt', 'exclusive', { Timeout: 'Second-1' })).status, 200);
  assert.equal((await put('/alice/notes/t.txt', 'x')).status, 423);
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal((await put('/alice/notes/t.txt', 'y')).status, 204);
});

test('locks are held in memory: a restart drops them', async () => {
  assert.equal((await put('/alice/notes/restart.txt', 'r')).status, 201);
  assert.equal((await lock('/alice/notes/restart.txt')).status, 200);
  const again = await startKalends({ root: k.root });
  try {
    const res = await http(again, 'PUT', '/alice/notes/restart.txt', { body: 'after restart' });
    assert.equal(res.status, 204);
  } finally {
    await again.stop();
  }
});
