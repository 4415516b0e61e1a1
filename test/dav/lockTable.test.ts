import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LockTable, covers, lockKey, type ActiveLock } from '../../src/dav/locks/table.js';
import { MAX_LOCK_SECONDS, parseLockInfo, parseTimeout } from '../../src/dav/locks/lockXml.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { DavError } from '../../src/dav/errors.js';

function add(t: LockTable, href: string, depth: '0' | 'infinity', timeout = 60, scope: ActiveLock['scope'] = 'exclusive'): ActiveLock {
  return t.create({ key: lockKey(href), href, scope, depth, owner: undefined, timeout, user: 'alice' });
}

test('lock keys ignore a trailing slash', () => {
  assert.equal(lockKey('/alice/notes/'), '/alice/notes');
  assert.equal(lockKey('/alice/notes'), '/alice/notes');
  assert.equal(lockKey('/'), '/');
});

test('tokens are urn:uuid URIs and unique', () => {
  const t = new LockTable();
  const a = add(t, '/alice/a', '0');
  const b = add(t, '/alice/b', '0');
  assert.match(a.token, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(a.token, b.token);
});

test('depth 0 covers only its root, depth infinity everything below; siblings with a common prefix are not below', () => {
  const t = new LockTable();
  const z = add(t, '/alice/d/', '0');
  const inf = add(t, '/alice/e/', 'infinity');
  assert.equal(covers(z, '/alice/d'), true);
  assert.equal(covers(z, '/alice/d/x'), false);
  assert.equal(covers(inf, '/alice/e/x/y'), true);
  assert.equal(covers(inf, '/alice/ee'), false);
  assert.deepEqual(t.covering('/alice/e/x').map((l) => l.token), [inf.token]);
  assert.deepEqual(t.below('/alice').map((l) => l.token).sort(), [z.token, inf.token].sort());
  assert.deepEqual(t.parentMembership('/alice/d/new').map((l) => l.token), [z.token], 'a depth-0 lock protects membership');
  assert.deepEqual(t.parentMembership('/alice/e/new'), [], 'depth infinity is found by covering() instead');
});

test('expired locks vanish; refresh extends them', () => {
  let now = 1_000_000;
  const t = new LockTable(() => now);
  const a = add(t, '/alice/a', '0', 10);
  const b = add(t, '/alice/b', '0', 10);
  now += 9_000;
  assert.equal(t.remaining(a), 1);
  t.refresh(b.token, 10);
  now += 1_000;
  assert.equal(t.get(a.token), undefined, 'expired exactly at its timeout');
  assert.equal(t.get(b.token)?.token, b.token);
  assert.equal(t.remaining(b), 9);
  assert.equal(t.size, 1);
});

test('locks are counted per user', () => {
  const t = new LockTable();
  add(t, '/alice/a', '0');
  add(t, '/alice/b', '0');
  t.create({ key: '/bob/a', href: '/bob/a', scope: 'shared', depth: '0', owner: undefined, timeout: 60, user: 'bob' });
  assert.equal(t.countFor('alice'), 2);
  assert.equal(t.countFor('bob'), 1);
  assert.equal(t.countFor('carol'), 0);
});

test('forget removes the locks at and below a removed resource only', () => {
  const t = new LockTable();
  add(t, '/alice/x/', 'infinity');
  add(t, '/alice/x/y', '0');
  const keep = add(t, '/alice/xy', '0');
  t.forget('/alice/x');
  assert.deepEqual(t.below('/alice').map((l) => l.token), [keep.token]);
});

test('Timeout header: first usable value, capped; Infinite and absent get the cap', () => {
  assert.equal(MAX_LOCK_SECONDS, 3600);
  assert.equal(parseTimeout(undefined), 3600);
  assert.equal(parseTimeout('Second-100'), 100);
  assert.equal(parseTimeout('Infinite, Second-4100000000'), 3600);
  assert.equal(parseTimeout('Second-4100000000'), 3600);
  assert.equal(parseTimeout('Extended-x, second-20'), 20);
  assert.equal(parseTimeout('Second-0'), 1);
  assert.equal(parseTimeout('nonsense'), 3600);
});

test('lockinfo: scope, write type and the owner element as sent', () => {
  const info = parseLockInfo(
    parseXml('<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>mailto:a@example.org</D:href></D:owner></D:lockinfo>'),
  );
  assert.equal(info.scope, 'shared');
  assert.equal(info.owner?.name, '{DAV:}owner');
  const refused = (xml: string, status: number) =>
    assert.throws(() => parseLockInfo(parseXml(xml)), (e: unknown) => e instanceof DavError && e.status === status);
  refused('<D:lockinfo xmlns:D="DAV:"><D:locktype><D:write/></D:locktype></D:lockinfo>', 400);
  refused('<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>', 400);
  refused('<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:read/></D:locktype></D:lockinfo>', 422);
  refused('<D:propfind xmlns:D="DAV:"/>', 400);
});
