/**
 * Discovery over real HTTP: RFC 6764 well-known redirects, current-user-principal on the root,
 * principal properties, an Apple-style root PROPFIND, `%40` in hrefs, and the login challenge.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startKalends, type Kalends } from '../helpers/server.js';
import { elements, textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { PROPFIND_CUP, parseMultistatus, propfindBody, req } from './helpers.js';

const CS = 'http://calendarserver.org/ns/';

describe('discovery', () => {
  let k: Kalends;
  before(async () => {
    k = await startKalends({ users: { alice: 'alice-pw', bob: 'bob-pw', 'bob@example.com': 'mail-pw', carol: 'carol-pw', dave: 'dave-pw' } });
  });
  after(async () => {
    await k.stop();
  });

  test('/.well-known/caldav and /carddav redirect to the root with 307, for GET and PROPFIND, without credentials', async () => {
    for (const w of ['/.well-known/caldav', '/.well-known/carddav', '/.well-known/caldav/']) {
      for (const method of ['GET', 'PROPFIND']) {
        const r = await req(k, 'alice', method, w, { anonymous: true });
        // RFC 6764 §5 lists 301, 303 and 307; 307 keeps the method and the body in every
        // HTTP library (python requests re-sends a PROPFIND without its body after a 301).
        assert.equal(r.status, 307, `${method} ${w}`);
        assert.equal(new URL(r.headers.get('location')!, k.origin).pathname, '/');
      }
    }
  });

  test('a PROPFIND sent to the well-known URL and followed arrives with its body', async () => {
    const r = await req(k, 'alice', 'PROPFIND', '/.well-known/caldav', { headers: { Depth: '0' }, body: PROPFIND_CUP, redirect: 'follow' });
    assert.equal(r.status, 207);
    const ms = parseMultistatus(r.text);
    assert.equal(textOf(ms.responses[0]!.prop(dav('current-user-principal'))!).trim(), '/alice/');
  });

  test('python requests (what python caldav uses) follows the redirect with the PROPFIND body', () => {
    const script = `
import requests, sys
r = requests.request('PROPFIND', sys.argv[1] + '.well-known/caldav', auth=('alice', 'alice-pw'),
    headers={'Depth': '0', 'Content-Type': 'application/xml'}, data=sys.argv[2])
print(r.status_code)
print(r.text)
`;
    const out = execFileSync('/usr/bin/python3', ['-c', script, k.url, PROPFIND_CUP], { encoding: 'utf8' });
    const [status, ...body] = out.split('\n');
    assert.equal(status, '207');
    const ms = parseMultistatus(body.join('\n'));
    assert.equal(textOf(ms.responses[0]!.prop(dav('current-user-principal'))!).trim(), '/alice/');
  });

  test('python caldav finds the principal starting from the well-known URL', () => {
    const script = `
import caldav, sys
c = caldav.DAVClient(url=sys.argv[1] + '.well-known/caldav', username='alice', password='alice-pw')
print(c.principal().url)
`;
    const out = execFileSync('/usr/bin/python3', ['-c', script, k.url], { encoding: 'utf8' }).trim();
    assert.equal(new URL(out).pathname, '/alice/');
  });

  test('PROPFIND / Depth 0 answers current-user-principal for the authenticated user', async () => {
    for (const [user, principal] of [['alice', '/alice/'], ['bob', '/bob/'], ['bob@example.com', '/bob%40example.com/']]) {
      const r = await req(k, user!, 'PROPFIND', '/', { headers: { Depth: '0' }, body: PROPFIND_CUP });
      assert.equal(r.status, 207);
      const ms = parseMultistatus(r.text);
      assert.equal(ms.responses.length, 1);
      assert.equal(ms.responses[0]!.href, '/');
      const cup = ms.responses[0]!.prop(dav('current-user-principal'))!;
      assert.deepEqual(elements(cup).map((e) => [e.name, textOf(e)]), [[dav('href'), principal]]);
    }
  });

  test('Apple-style PROPFIND of the root: current-user-principal, and principal-URL only on the principal', async () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<A:propfind xmlns:A="DAV:">
  <A:prop>
    <A:current-user-principal/>
    <A:principal-URL/>
    <A:resourcetype/>
  </A:prop>
</A:propfind>`;
    const r = await req(k, 'alice', 'PROPFIND', '/', { headers: { Depth: '0', 'User-Agent': 'iOS/17.0 (21A329) dataaccessd/1.0' }, body });
    assert.equal(r.status, 207);
    const root = parseMultistatus(r.text).byHref('/')!;
    assert.equal(textOf(root.prop(dav('current-user-principal'))!).trim(), '/alice/');
    assert.deepEqual(elements(root.prop(dav('resourcetype'))!).map((e) => e.name), [dav('collection')]);
    assert.equal(root.propStatus(dav('principal-URL')), 404);
  });

  test('principal properties (RFC 3744, RFC 5397)', async () => {
    const body = propfindBody(
      '<D:principal-URL/><D:displayname/><D:resourcetype/><D:current-user-principal/><D:owner/><D:current-user-privilege-set/><D:supported-report-set/><D:principal-collection-set/><D:alternate-URI-set/><D:group-membership/>',
    );
    const r = await req(k, 'alice', 'PROPFIND', '/alice/', { headers: { Depth: '0' }, body });
    assert.equal(r.status, 207);
    const p = parseMultistatus(r.text).byHref('/alice/')!;
    assert.ok(p, 'response for /alice/');
    assert.equal(textOf(p.prop(dav('principal-URL'))!).trim(), '/alice/');
    assert.equal(textOf(p.prop(dav('displayname'))!).trim(), 'alice');
    const rt = elements(p.prop(dav('resourcetype'))!).map((e) => e.name).sort();
    assert.deepEqual(rt, [dav('collection'), dav('principal')].sort());
    assert.equal(textOf(p.prop(dav('current-user-principal'))!).trim(), '/alice/');
    assert.equal(textOf(p.prop(dav('owner'))!).trim(), '/alice/');
    const privs = elements(p.prop(dav('current-user-privilege-set'))!).flatMap((pr) => elements(pr).map((e) => e.name));
    assert.ok(privs.includes(dav('read')), 'read privilege');
    assert.equal(textOf(p.prop(dav('principal-collection-set'))!).trim(), '/');
    assert.deepEqual(elements(p.prop(dav('alternate-URI-set'))!), []);
    assert.deepEqual(elements(p.prop(dav('group-membership'))!), []);
  });

  test('principal home sets, when CalDAV/CardDAV are plugged in, point into the user\'s own tree', async () => {
    const body = propfindBody('<C:calendar-home-set/><CR:addressbook-home-set/><C:calendar-user-address-set/>', ' xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav"');
    const r = await req(k, 'bob@example.com', 'PROPFIND', '/bob%40example.com/', { headers: { Depth: '0' }, body });
    assert.equal(r.status, 207);
    const p = parseMultistatus(r.text).responses[0]!;
    for (const name of ['{urn:ietf:params:xml:ns:caldav}calendar-home-set', '{urn:ietf:params:xml:ns:carddav}addressbook-home-set']) {
      const v = p.prop(name);
      if (!v) {
        assert.equal(p.propStatus(name), 404, `${name} is either a value or a 404`);
        continue;
      }
      const hrefs = elements(v, dav('href')).map((h) => textOf(h).trim());
      assert.equal(hrefs.length, 1);
      assert.match(hrefs[0]!, /^\/bob%40example\.com\/[^/]+\/$/);
    }
  });

  test('Depth 1 on the root lists the root and only the caller\'s principal', async () => {
    const r = await req(k, 'bob', 'PROPFIND', '/', { headers: { Depth: '1' }, body: propfindBody('<D:resourcetype/>') });
    assert.equal(r.status, 207);
    assert.deepEqual(parseMultistatus(r.text).responses.map((x) => x.href).sort(), ['/', '/bob/']);
  });

  test('`%40` and a raw `@` name the same resources; hrefs use `%40`', async () => {
    const u = 'bob@example.com';
    assert.equal((await req(k, u, 'MKCOL', '/bob@example.com/notes/')).status, 201);
    assert.ok(existsSync(join(k.root, 'bob@example.com', 'notes', 'HEAD')), 'the repository lives under the decoded name');
    assert.equal((await req(k, u, 'PUT', '/bob%40example.com/notes/a%40b.txt', { body: 'hello' })).status, 201);
    const g1 = await req(k, u, 'GET', '/bob@example.com/notes/a@b.txt');
    const g2 = await req(k, u, 'GET', '/bob%40example.com/notes/a%40b.txt');
    assert.equal(g1.status, 200);
    assert.equal(g1.text, 'hello');
    assert.equal(g2.text, 'hello');
    assert.equal(g1.headers.get('etag'), g2.headers.get('etag'));
    for (const path of ['/bob@example.com/notes/', '/bob%40example.com/notes/', '/bob%40example.com/notes']) {
      const r = await req(k, u, 'PROPFIND', path, { headers: { Depth: '1' }, body: propfindBody('<D:getetag/>') });
      assert.equal(r.status, 207, path);
      assert.deepEqual(parseMultistatus(r.text).responses.map((x) => x.href).sort(), ['/bob%40example.com/notes/', '/bob%40example.com/notes/a%40b.txt']);
    }
    // The principal's own hrefs.
    const p = await req(k, u, 'PROPFIND', '/bob@example.com/', { headers: { Depth: '0' }, body: propfindBody('<D:principal-URL/>') });
    const pr = parseMultistatus(p.text).responses[0]!;
    assert.equal(pr.href, '/bob%40example.com/');
    assert.equal(textOf(pr.prop(dav('principal-URL'))!).trim(), '/bob%40example.com/');
    // A user named bob is someone else.
    assert.equal((await req(k, 'bob', 'GET', '/bob@example.com/notes/a@b.txt')).status, 403);
  });

  test('odd member names: every href the server gives back names the same resource', async () => {
    assert.equal((await req(k, 'alice', 'MKCOL', '/alice/odd/')).status, 201);
    const names = ['a b.txt', 'plus+sign.txt', 'percent%25.txt'.replace('%25', '%'), 'é ü 雪.txt', "quote'(x)*!.txt", 'semi;colon,comma=eq&amp.txt', 'hash#.txt', 'q?.txt'];
    for (const n of names) {
      const r = await req(k, 'alice', 'PUT', `/alice/odd/${encodeURIComponent(n)}`, { body: `content of ${n}` });
      assert.equal(r.status, 201, `${n}: ${r.status} ${r.text}`);
    }
    const listed = parseMultistatus((await req(k, 'alice', 'PROPFIND', '/alice/odd/', { headers: { Depth: '1' }, body: propfindBody('<D:getetag/>') })).text);
    const synced = parseMultistatus((await req(k, 'alice', 'REPORT', '/alice/odd/', { headers: { Depth: '0' }, body: `<?xml version="1.0"?><D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>` })).text);
    for (const ms of [listed, synced]) {
      const hrefs = ms.responses.map((x) => x.href).filter((h) => h !== '/alice/odd/');
      assert.deepEqual(hrefs.map((h) => decodeURIComponent(h.slice('/alice/odd/'.length))).sort(), [...names].sort());
      for (const h of hrefs) {
        assert.match(h, /^[A-Za-z0-9\/%._~-]+$/, `href ${h} is fully percent-encoded`);
        const g = await req(k, 'alice', 'GET', h);
        assert.equal(g.status, 200, h);
        assert.equal(g.text, `content of ${decodeURIComponent(h.slice('/alice/odd/'.length))}`);
      }
    }
  });

  test('no credentials or a wrong password: 401 with a Basic challenge', async () => {
    for (const method of ['PROPFIND', 'GET', 'PUT', 'REPORT', 'OPTIONS']) {
      const r = await req(k, 'alice', method, '/alice/', { anonymous: true, headers: { Depth: '0' } });
      assert.equal(r.status, 401, method);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic realm="[^"]*"/);
    }
    const wrong = await fetch(k.origin + '/alice/', { method: 'PROPFIND', headers: { Depth: '0', Authorization: 'Basic ' + Buffer.from('alice:bob-pw').toString('base64') } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);
    const unknown = await fetch(k.origin + '/', { method: 'PROPFIND', headers: { Depth: '0', Authorization: 'Basic ' + Buffer.from('mallory:x').toString('base64') } });
    assert.equal(unknown.status, 401);
  });

  test('OPTIONS is honest: DAV class 2 only when LOCK is allowed', async () => {
    assert.equal((await req(k, 'alice', 'MKCOL', '/alice/opt/')).status, 201);
    assert.equal((await req(k, 'alice', 'PUT', '/alice/opt/f.txt', { body: 'x' })).status, 201);
    for (const path of ['/', '/alice/', '/alice/opt/', '/alice/opt/f.txt']) {
      const r = await req(k, 'alice', 'OPTIONS', path);
      assert.equal(r.status, 200, path);
      const classes = (r.headers.get('dav') ?? '').split(',').map((s) => s.trim());
      assert.ok(classes.includes('1'), `${path}: DAV ${classes}`);
      const allow = (r.headers.get('allow') ?? '').split(',').map((s) => s.trim());
      for (const m of ['OPTIONS', 'PROPFIND']) assert.ok(allow.includes(m), `${path}: Allow ${allow}`);
      if (path === '/alice/opt/f.txt') {
        for (const m of ['GET', 'PUT', 'DELETE', 'PROPPATCH', 'COPY', 'MOVE']) assert.ok(allow.includes(m), `file allows ${m}`);
        assert.equal(classes.includes('2'), allow.includes('LOCK'), 'class 2 iff LOCK is allowed');
      }
    }
  });

  test('a new user\'s concurrent first requests all succeed and make one default calendar and address book', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => req(k, 'carol', 'PROPFIND', i % 2 ? '/carol/calendars/' : '/carol/', { headers: { Depth: '1' }, body: propfindBody('<D:resourcetype/>') })));
    for (const r of results) assert.equal(r.status, 207, r.text);
    const homes = parseMultistatus((await req(k, 'carol', 'PROPFIND', '/carol/', { headers: { Depth: '1' }, body: propfindBody('<D:resourcetype/>') })).text);
    assert.ok(homes.byHref('/carol/calendars/') && homes.byHref('/carol/contacts/'), homes.responses.map((x) => x.href).join(' '));
    for (const home of ['calendars', 'contacts']) {
      const ms = parseMultistatus((await req(k, 'carol', 'PROPFIND', `/carol/${home}/`, { headers: { Depth: '1' }, body: propfindBody('<D:resourcetype/>') })).text);
      const colls = ms.responses.map((x) => x.href).filter((h) => h !== `/carol/${home}/`);
      assert.equal(colls.length, 1, `one default collection in ${home}: ${colls}`);
      const rel = colls[0]!.slice(1, -1);
      assert.equal(execFileSync('git', ['--git-dir', join(k.root, rel), 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim(), '1');
    }
  });

  test('a user directory made by hand still gets its home folders (no defaults: not a first login)', async () => {
    mkdirSync(join(k.root, 'dave'));
    for (const home of ['/dave/calendars/', '/dave/contacts/']) {
      const r = await req(k, 'dave', 'PROPFIND', home, { headers: { Depth: '1' }, body: propfindBody('<D:resourcetype/>') });
      assert.equal(r.status, 207, `${home}: ${r.status}`);
      assert.deepEqual(parseMultistatus(r.text).responses.map((x) => x.href), [home]);
    }
    const mk = await req(k, 'dave', 'MKCALENDAR', '/dave/calendars/first/');
    assert.equal(mk.status, 201);
  });

  test('getctag and the collection sync-token are properties of collections only', async () => {
    const r = await req(k, 'alice', 'PROPFIND', '/alice/', { headers: { Depth: '0' }, body: propfindBody('<CS:getctag/><D:sync-token/>', ` xmlns:CS="${CS}"`) });
    const p = parseMultistatus(r.text).responses[0]!;
    assert.equal(p.propStatus(`{${CS}}getctag`), 404);
    assert.equal(p.propStatus(dav('sync-token')), 404);
  });
});
