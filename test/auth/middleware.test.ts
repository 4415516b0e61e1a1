import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import type { AuthConfig } from '../../src/http/config.js';
import { createAuthMiddleware, HtpasswdAuthenticator, verifyHash } from '../../src/http/auth/index.js';
import { createAccessLog, formatAccessLine } from '../../src/http/accessLog.js';

/** A tiny app: access log, auth, then echo the user and whatever proxy header is still visible. */
async function serve(
  auth: AuthConfig,
  opts: Parameters<typeof createAuthMiddleware>[1] = {},
  lines: string[] = [],
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Koa();
  app.silent = true;
  app.use(createAccessLog((l) => lines.push(l)));
  app.use(createAuthMiddleware(auth, { log: () => {}, ...opts }));
  app.use(async (ctx) => {
    if (ctx.path === '/boom') ctx.throw(418, 'teapot');
    ctx.body = JSON.stringify({ user: ctx.state.user, header: ctx.get('X-Remote-User') || null });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Echo {
  user?: string;
  header: string | null;
}

async function echo(res: Response): Promise<Echo> {
  return (await res.json()) as Echo;
}

function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

test('htpasswd mode: challenge, success, failure, malformed names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-mw-'));
  const file = join(dir, 'htpasswd');
  const r = spawnSync('htpasswd', ['-c', '-b', '-B', '-C', '5', file, 'alice', 'wonder land'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  let calls = 0;
  const authenticator = new HtpasswdAuthenticator(file, {
    failureDelayMs: 0,
    verify: (pw, h) => {
      calls++;
      return verifyHash(pw, h);
    },
  });
  const lines: string[] = [];
  const srv = await serve({ mode: 'htpasswd', file }, { authenticator }, lines);
  try {
    const none = await fetch(srv.url + '/alice/');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Basic realm="Kalends", charset="UTF-8"');

    const ok = await fetch(srv.url + '/alice/', { headers: { Authorization: basic('alice', 'wonder land') } });
    assert.equal(ok.status, 200);
    assert.equal((await echo(ok)).user, 'alice');
    const again = await fetch(srv.url + '/alice/', { headers: { Authorization: basic('alice', 'wonder land') } });
    assert.equal(again.status, 200);
    await again.text();
    assert.equal(calls, 1, 'second request served from the cache');

    const bad = await fetch(srv.url + '/alice/', { headers: { Authorization: basic('alice', 'wonderland') } });
    assert.equal(bad.status, 401);
    assert.ok(bad.headers.get('www-authenticate'));

    const before = calls;
    for (const name of ['../alice', '.trash', 'a/b', 'a..b', '', 'x'.repeat(65)]) {
      const res = await fetch(srv.url + '/', { headers: { Authorization: basic(name, 'wonder land') } });
      assert.equal(res.status, 401, name);
      await res.text();
    }
    assert.equal(calls, before, 'malformed names never reach the password check');

    const garbage = await fetch(srv.url + '/', { headers: { Authorization: 'Basic !!!notbase64' } });
    assert.equal(garbage.status, 401);
    await garbage.text();
    const bearer = await fetch(srv.url + '/', { headers: { Authorization: 'Bearer abc' } });
    assert.equal(bearer.status, 401);
    await bearer.text();
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // Access log: ISO time, method, path, status, duration, user or '-'.
  assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET \/alice\/ 401 \d+ms -$/);
  assert.match(lines[1]!, /^\S+ GET \/alice\/ 200 \d+ms alice$/);
});

test('proxy mode trusts the header only from trusted addresses', async () => {
  const trustedSrv = await serve({ mode: 'proxy', header: 'X-Remote-User', trusted: ['127.0.0.1'] });
  try {
    const ok = await fetch(trustedSrv.url + '/', { headers: { 'X-Remote-User': 'bob' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await echo(ok), { user: 'bob', header: 'bob' });
    const missing = await fetch(trustedSrv.url + '/');
    assert.equal(missing.status, 401);
    await missing.text();
    const evil = await fetch(trustedSrv.url + '/', { headers: { 'X-Remote-User': '../root' } });
    assert.equal(evil.status, 403);
    await evil.text();
  } finally {
    await trustedSrv.close();
  }

  const cidrSrv = await serve({ mode: 'proxy', header: 'X-Remote-User', trusted: ['10.0.0.0/8', '::1'] });
  try {
    const res = await fetch(cidrSrv.url + '/', { headers: { 'X-Remote-User': 'bob' } });
    assert.equal(res.status, 403, '127.0.0.1 is not in 10.0.0.0/8');
    assert.doesNotMatch(await res.text(), /bob/);
  } finally {
    await cidrSrv.close();
  }

  const subnetSrv = await serve({ mode: 'proxy', header: 'X-Remote-User', trusted: ['127.0.0.0/8'] });
  try {
    const res = await fetch(subnetSrv.url + '/', { headers: { 'X-Remote-User': 'carol' } });
    assert.equal(res.status, 200);
    assert.equal((await echo(res)).user, 'carol');
  } finally {
    await subnetSrv.close();
  }

  assert.throws(() => createAuthMiddleware({ mode: 'proxy', header: 'X-Remote-User', trusted: ['proxy.example'] }));
  assert.throws(() => createAuthMiddleware({ mode: 'proxy', header: 'X-Remote-User', trusted: ['10.0.0.0/33'] }));
});

test('none mode: every request is the configured user; bad names refused at start', async () => {
  const srv = await serve({ mode: 'none', user: 'demo' });
  try {
    const res = await fetch(srv.url + '/');
    assert.equal(res.status, 200);
    assert.equal((await echo(res)).user, 'demo');
  } finally {
    await srv.close();
  }
  assert.throws(() => createAuthMiddleware({ mode: 'none', user: '..' }));
});

test('access log records the status actually sent, also after a thrown error', async () => {
  const lines: string[] = [];
  const srv = await serve({ mode: 'none', user: 'demo' }, {}, lines);
  try {
    const res = await fetch(srv.url + '/boom?x=1');
    assert.equal(res.status, 418);
    await res.text();
  } finally {
    await srv.close();
  }
  assert.match(lines[0]!, /^\S+ GET \/boom\?x=1 418 \d+ms demo$/);
  assert.equal(
    formatAccessLine(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), 'GET', '/a b\n', 200, 12.4, undefined),
    '2026-01-02T03:04:05.006Z GET /a%20b%0A 200 12ms -',
  );
});
