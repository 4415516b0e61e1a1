/**
 * Isolation over real HTTP: bob can read or write nothing under /alice/, with any method,
 * through COPY/MOVE destinations, REPORT bodies, locks, or URL tricks; every refused request
 * leaves alice's repositories exactly as they were (checked with native git).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startKalends, type Kalends } from '../helpers/server.js';
import { headOf, lsTree, parseMultistatus, propfindBody, rawRequest, req, syncBody, type HttpResult } from './helpers.js';

const SECRET = 'alice-secret-content';
const EVENT = (uid: string, summary: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Kalends//isolation test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260105T100000Z',
    'DTEND:20260105T110000Z',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
const CARD = (uid: string) => ['BEGIN:VCARD', 'VERSION:4.0', `UID:${uid}`, 'FN:Alice Secret', 'END:VCARD', ''].join('\r\n');

/** Every repository below a user's directory (relative ids), by walking the data root. */
function reposOf(root: string, user: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const names = readdirSync(join(root, rel));
    if (names.includes('HEAD') && names.includes('objects')) {
      out.push(rel);
      return;
    }
    for (const n of names.sort()) walk(`${rel}/${n}`);
  };
  walk(user);
  return out;
}

describe('isolation between users', () => {
  let k: Kalends;
  let aliceState: Map<string, { head: string; files: string[] }>;
  const snapshotAlice = () => new Map(reposOf(k.root, 'alice').map((rel) => [rel, { head: headOf(k, rel), files: lsTree(k, rel) }]));

  before(async () => {
    k = await startKalends();
    const a = (method: string, path: string, opts: Parameters<typeof req>[4] = {}) => req(k, 'alice', method, path, opts);
    assert.equal((await a('MKCOL', '/alice/notes/')).status, 201);
    assert.equal((await a('PUT', '/alice/notes/a.txt', { body: SECRET })).status, 201);
    assert.equal((await a('MKCOL', '/alice/notes/sub/')).status, 201);
    assert.equal((await a('PUT', '/alice/notes/sub/b.txt', { body: SECRET })).status, 201);
    assert.equal((await a('PUT', '/alice/calendars/personal/e1.ics', { body: EVENT('alice-e1', SECRET), headers: { 'Content-Type': 'text/calendar' } })).status, 201);
    assert.equal((await a('PUT', '/alice/contacts/contacts/c1.vcf', { body: CARD('alice-c1'), headers: { 'Content-Type': 'text/vcard' } })).status, 201);
    // bob's own things, sources for COPY/MOVE.
    const b = (method: string, path: string, opts: Parameters<typeof req>[4] = {}) => req(k, 'bob', method, path, opts);
    assert.equal((await b('MKCOL', '/bob/mine/')).status, 201);
    assert.equal((await b('PUT', '/bob/mine/f.txt', { body: 'bob file' })).status, 201);
    assert.equal((await b('PUT', '/bob/calendars/personal/b1.ics', { body: EVENT('bob-b1', 'bob event'), headers: { 'Content-Type': 'text/calendar' } })).status, 201);
    aliceState = snapshotAlice();
    assert.ok(aliceState.size >= 3, `alice has repositories: ${[...aliceState.keys()]}`);
  });

  after(async () => {
    await k.stop();
  });

  const refused = (r: HttpResult, what: string) => {
    assert.ok(r.status === 403 || r.status === 404 || r.status === 400 || r.status === 502, `${what}: expected a refusal, got ${r.status} ${r.text.slice(0, 200)}`);
    assert.ok(!r.text.includes(SECRET), `${what}: the answer leaks alice's data`);
    assert.ok(!r.text.includes('alice-c1') && !r.text.includes('alice-e1'), `${what}: the answer leaks alice's UIDs`);
  };

  const assertAliceUntouched = () => {
    assert.deepEqual(snapshotAlice(), aliceState, 'alice\'s repositories (HEADs and trees) are unchanged');
  };

  test('every method on every kind of resource under /alice/ is refused', async () => {
    const targets = ['/alice/', '/alice/notes/', '/alice/notes/a.txt', '/alice/notes/sub/', '/alice/notes/sub/b.txt', '/alice/notes/none.txt', '/alice/calendars/', '/alice/calendars/personal/', '/alice/calendars/personal/e1.ics', '/alice/contacts/contacts/c1.vcf', '/alice/newrepo/', '/alice%2Fnotes/a.txt'];
    const bodies: Record<string, { body?: string; headers?: Record<string, string> }> = {
      OPTIONS: {},
      GET: {},
      HEAD: {},
      PUT: { body: 'planted by bob' },
      DELETE: {},
      PROPFIND: { body: propfindBody('<D:getetag/><D:displayname/>'), headers: { Depth: '1' } },
      PROPPATCH: { body: '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>pwned</D:displayname></D:prop></D:set></D:propertyupdate>' },
      MKCOL: {},
      MKCALENDAR: {},
      COPY: { headers: { Destination: `${k.origin}/bob/stolen-copy` } },
      MOVE: { headers: { Destination: `${k.origin}/bob/stolen-move` } },
      REPORT: { body: syncBody(''), headers: { Depth: '0' } },
      LOCK: { body: '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>bob</D:owner></D:lockinfo>', headers: { Timeout: 'Second-60' } },
      UNLOCK: { headers: { 'Lock-Token': '<urn:uuid:00000000-0000-0000-0000-000000000000>' } },
    };
    for (const [method, opts] of Object.entries(bodies)) {
      for (const path of targets) {
        const r = await req(k, 'bob', method, path, { headers: opts.headers ?? {}, ...(opts.body !== undefined ? { body: opts.body } : {}) });
        refused(r, `${method} ${path}`);
      }
    }
    assertAliceUntouched();
    // Nothing arrived in bob's tree either.
    for (const r of reposOf(k.root, 'bob')) assert.ok(!/stolen/.test(r), `bob got ${r}`);
    assert.equal((await req(k, 'bob', 'GET', '/bob/stolen-copy')).status, 404);
  });

  test('COPY/MOVE from bob\'s tree with a Destination under /alice/ is refused and writes nothing', async () => {
    const dests = [
      '/alice/notes/planted.txt',
      '/alice/notes/a.txt',
      '/alice/notes/sub/',
      '/alice/planted/',
      '/alice/calendars/personal/planted.ics',
      '/alice/calendars/planted/',
      '/%61lice/notes/planted.txt',
      '/bob/../alice/notes/planted.txt',
      '/bob/%2e%2e/alice/notes/planted.txt',
      '/bob/mine/%2e%2e/%2e%2e/alice/notes/planted.txt',
      '/bob/mine/..%2F..%2Falice%2Fnotes%2Fplanted.txt',
      '/bob/mine%2F..%2F..%2Falice/notes/planted.txt',
      '/alice%2Fnotes/planted.txt',
    ];
    const sources = ['/bob/mine/f.txt', '/bob/mine/', '/bob/calendars/personal/b1.ics', '/bob/calendars/personal/'];
    for (const method of ['COPY', 'MOVE']) {
      for (const src of sources) {
        for (const d of dests) {
          for (const dest of [d, `${k.origin}${d}`]) {
            for (const overwrite of ['T', 'F']) {
              const r = await req(k, 'bob', method, src, { headers: { Destination: dest, Overwrite: overwrite, Depth: 'infinity' } });
              refused(r, `${method} ${src} -> ${dest}`);
            }
          }
        }
      }
    }
    assertAliceUntouched();
    // The sources are still there (a refused MOVE removed nothing).
    assert.equal((await req(k, 'bob', 'GET', '/bob/mine/f.txt')).text, 'bob file');
    assert.equal((await req(k, 'bob', 'GET', '/bob/calendars/personal/b1.ics')).status, 200);
  });

  test('a Destination on another host or port is refused', async () => {
    for (const dest of ['http://evil.example/bob/mine/g.txt', `http://127.0.0.1:${k.port + 1}/bob/mine/g.txt`, `https://127.0.0.1:${k.port}/bob/mine/g.txt`.replace('https', 'ftp'), 'http:///bob/mine/g.txt', 'not a url at all/%00', 'javascript:alert(1)']) {
      for (const method of ['COPY', 'MOVE']) {
        const r = await req(k, 'bob', method, '/bob/mine/f.txt', { headers: { Destination: dest } });
        assert.ok(r.status === 502 || r.status === 400 || r.status === 403 || r.status === 404, `${method} -> ${dest}: ${r.status}`);
      }
    }
    assert.equal((await req(k, 'bob', 'GET', '/bob/mine/g.txt')).status, 404);
    assert.equal((await req(k, 'bob', 'GET', '/bob/mine/f.txt')).text, 'bob file');
  });

  test('URL tricks (dot segments, encoded slashes and dots, backslashes, NUL, absolute-form) cannot escape', async () => {
    const auth = k.auth('bob');
    const paths = [
      '/bob/../alice/notes/a.txt',
      '/bob/./../alice/notes/a.txt',
      '/bob/%2e%2e/alice/notes/a.txt',
      '/bob/%2E%2E/alice/notes/a.txt',
      '/bob/.%2e/alice/notes/a.txt',
      '/bob/mine/%2e%2e/%2e%2e/alice/notes/a.txt',
      '/bob%2F..%2Falice/notes/a.txt',
      '/bob/mine/..%2F..%2Falice%2Fnotes%2Fa.txt',
      '/bob/mine/..%5C..%5Calice%5Cnotes%5Ca.txt',
      '/bob/mine/..\\..\\alice\\notes\\a.txt',
      '/bob/mine/%00/../../alice/notes/a.txt',
      '/%61lice/notes/a.txt',
      '//alice/notes/a.txt',
      '/./alice/notes/a.txt',
      `http://127.0.0.1:${k.port}/alice/notes/a.txt`,
      `http://127.0.0.1:${k.port}/bob/../alice/notes/a.txt`,
      '/bob/%ZZ/x',
    ];
    for (const p of paths) {
      for (const method of ['GET', 'PUT', 'PROPFIND', 'DELETE']) {
        const body = method === 'PUT' ? 'planted' : method === 'PROPFIND' ? propfindBody('<D:getetag/>') : '';
        const head = `${method} ${p} HTTP/1.1\nHost: 127.0.0.1:${k.port}\nAuthorization: ${auth}\nDepth: 1\nContent-Length: ${Buffer.byteLength(body)}\nConnection: close\n`;
        const r = await rawRequest(k, head, body);
        assert.ok([400, 403, 404].includes(r.status), `${method} ${p}: ${r.status}\n${r.text.slice(0, 300)}`);
        assert.ok(!r.text.includes(SECRET), `${method} ${p} leaks`);
      }
    }
    assertAliceUntouched();
  });

  test('REPORT bodies: multiget hrefs and queries never reach alice\'s data', async () => {
    const multiget = (ns: string, root: string, hrefs: string[]) =>
      `<?xml version="1.0"?><X:${root} xmlns:D="DAV:" xmlns:X="${ns}"><D:prop><D:getetag/><X:${ns.endsWith('caldav') ? 'calendar-data' : 'address-data'}/></D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</X:${root}>`;
    const CAL = 'urn:ietf:params:xml:ns:caldav';
    const CARD_NS = 'urn:ietf:params:xml:ns:carddav';
    const calHrefs = ['/alice/calendars/personal/e1.ics', `${k.origin}/alice/calendars/personal/e1.ics`, '/bob/calendars/personal/../../../alice/calendars/personal/e1.ics', '/bob/calendars/personal/%2e%2e/%2e%2e/%2e%2e/alice/calendars/personal/e1.ics', '/%61lice/calendars/personal/e1.ics', '/alice/notes/a.txt', 'http://evil.example/alice/calendars/personal/e1.ics'];
    const r = await req(k, 'bob', 'REPORT', '/bob/calendars/personal/', { headers: { Depth: '1' }, body: multiget(CAL, 'calendar-multiget', calHrefs) });
    assert.equal(r.status, 207, r.text);
    assert.ok(!r.text.includes(SECRET) && !r.text.includes('alice-e1'), 'no alice data in the multiget answer');
    for (const resp of parseMultistatus(r.text).responses) assert.ok(resp.status !== undefined && resp.status >= 400, `${resp.href}: ${resp.status}`);
    const c = await req(k, 'bob', 'REPORT', '/bob/contacts/contacts/', { headers: { Depth: '1' }, body: multiget(CARD_NS, 'addressbook-multiget', ['/alice/contacts/contacts/c1.vcf', `${k.origin}/alice/contacts/contacts/c1.vcf`]) });
    assert.equal(c.status, 207, c.text);
    assert.ok(!c.text.includes('alice-c1') && !c.text.includes('Alice Secret'));
    // Queries and sync on alice's collections.
    const query = `<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="${CAL}"><D:prop><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>`;
    refused(await req(k, 'bob', 'REPORT', '/alice/calendars/personal/', { headers: { Depth: '1' }, body: query }), 'calendar-query');
    refused(await req(k, 'bob', 'REPORT', '/alice/calendars/personal/', { headers: { Depth: '0' }, body: syncBody('') }), 'sync-collection');
    refused(await req(k, 'bob', 'REPORT', '/alice/notes/', { headers: { Depth: '0' }, body: syncBody('', { level: 'infinite' }) }), 'sync-collection infinite');
    assertAliceUntouched();
  });

  test('locks: bob cannot lock alice\'s resources, nor unlock alice\'s lock with its token', async () => {
    const lockinfo = (owner: string) => `<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>${owner}</D:owner></D:lockinfo>`;
    const own = await req(k, 'alice', 'LOCK', '/alice/notes/a.txt', { body: lockinfo('alice'), headers: { Timeout: 'Second-120' } });
    if (own.status === 405) return; // no class 2 on this build
    assert.equal(own.status, 200, own.text);
    const token = own.headers.get('lock-token')!;
    assert.ok(token, 'Lock-Token header');
    const stateWithLock = snapshotAlice();
    refused(await req(k, 'bob', 'UNLOCK', '/alice/notes/a.txt', { headers: { 'Lock-Token': token } }), 'UNLOCK with alice\'s token');
    refused(await req(k, 'bob', 'PUT', '/alice/notes/a.txt', { body: 'x', headers: { If: `(${token})` } }), 'PUT with alice\'s token');
    refused(await req(k, 'bob', 'LOCK', '/alice/notes/unmapped.txt', { body: lockinfo('bob') }), 'LOCK of an unmapped URL');
    // A lock token of alice's used in bob's own tree does not help either.
    const bobPut = await req(k, 'bob', 'PUT', '/bob/mine/f.txt', { body: 'bob file', headers: { If: `</alice/notes/a.txt> (${token})` } });
    assert.ok(bobPut.status === 412 || bobPut.status === 204 || bobPut.status === 403, `bob's PUT with a foreign If: ${bobPut.status}`);
    assert.deepEqual(snapshotAlice(), stateWithLock);
    assert.equal((await req(k, 'alice', 'UNLOCK', '/alice/notes/a.txt', { headers: { 'Lock-Token': token } })).status, 204);
    aliceState = snapshotAlice();
  });

  test('bob\'s listings never show alice', async () => {
    const root = await req(k, 'bob', 'PROPFIND', '/', { headers: { Depth: '1' }, body: propfindBody('<D:displayname/>') });
    assert.ok(!root.text.includes('/alice/'));
    const home = await req(k, 'bob', 'PROPFIND', '/bob/', { headers: { Depth: '1' }, body: propfindBody('<D:displayname/>') });
    assert.ok(!home.text.includes('alice'));
    assert.ok(!k.log.some((l) => / 500 /.test(l)), `no 500 in the log:\n${k.log.filter((l) => / 500 /.test(l)).join('\n')}`);
  });
});
