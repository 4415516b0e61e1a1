/**
 * Which requests the lean GET step answers itself and which it leaves to Koa, over real HTTP on
 * 127.0.0.1: the step sits in front of a listener that answers 599 for whatever it declines, and
 * the DAV handler behind it is the real one over a real store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDavHandler } from '../../src/dav/handler.js';
import { noLocks } from '../../src/dav/noLocks.js';
import { authorFor } from '../../src/http/app.js';
import { createLeanGet } from '../../src/http/leanGet.js';
import { buildRegistry } from '../../src/http/registry.js';
import { createStore } from '../../src/store/index.js';
import { inProcessDav } from '../helpers/inProcess.js';

const EVENT = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:e1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\nSUMMARY:Lean\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

test('lean GET: answers known users GET/HEAD itself, leaves everything else to the next listener', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'kalends-lean-'));
  const store = createStore(root, { watch: false });
  const { call } = inProcessDav(store);
  await store.ensureDir('alice');
  await store.ensureDir('bob');
  assert.equal((await call('MKCALENDAR', '/alice/calendars/work/')).status, 201);
  assert.equal((await call('PUT', '/alice/calendars/work/e1.ics', EVENT, { 'content-type': 'text/calendar' })).status, 201);

  const handled: string[] = [];
  const realHandle = createDavHandler({ store, registry: buildRegistry(), locks: noLocks, maxBodyBytes: 1 << 20, authorFor });
  const logs: string[] = [];
  const lean = createLeanGet({
    handle: (req) => {
      handled.push(`${req.method} ${req.segments.join('/')}`);
      return realHandle(req);
    },
    knownUser: (req) => (req.headers.authorization === 'Token alice' ? 'alice' : req.headers.authorization === 'Token carol' ? 'carol' : undefined),
    isReady: (user) => user !== 'carol',
    log: (l) => logs.push(l),
    accessLog: true,
  });
  const server = createServer((req, res) => {
    if (lean(req, res)) return;
    req.resume();
    res.writeHead(599).end('declined');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  t.after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });
  const alice = { Authorization: 'Token alice' };
  const path = '/alice/calendars/work/e1.ics';

  // Answered by the lean step, through the real DAV handler.
  const got = await send(port, 'GET', path, alice);
  assert.equal(got.status, 200);
  assert.equal(got.body, EVENT);
  assert.equal(got.headers['content-type'], 'text/calendar; charset=utf-8');
  assert.equal(got.headers['content-length'], String(Buffer.byteLength(EVENT)));
  const etag = got.headers.etag!;
  assert.match(etag, /^"[0-9a-f]{40}"$/);

  const head = await send(port, 'HEAD', path, alice);
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['content-length'], String(Buffer.byteLength(EVENT)), 'HEAD says how long the GET body is');
  assert.equal(head.headers.etag, etag);

  const notModified = await send(port, 'GET', path, { ...alice, 'If-None-Match': etag });
  assert.equal(notModified.status, 304);
  assert.equal(notModified.body, '');
  assert.equal(notModified.headers['content-type'], undefined);
  assert.equal(notModified.headers.etag, etag);

  const missing = await send(port, 'GET', '/alice/calendars/work/nope.ics', alice);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['content-type'], 'text/plain; charset=utf-8');

  const foreign = await send(port, 'GET', '/bob/calendars/', alice);
  assert.equal(foreign.status, 403);
  assert.match(foreign.body, /need-privileges/);

  const badPath = await send(port, 'GET', '/alice/calendars/%2e%2e/x', alice);
  assert.equal(badPath.status, 400);

  const query = await send(port, 'GET', `${path}?x=1`, alice);
  assert.equal(query.status, 200);
  assert.equal(query.body, EVENT);

  assert.deepEqual(handled, [
    'GET alice/calendars/work/e1.ics',
    'HEAD alice/calendars/work/e1.ics',
    'GET alice/calendars/work/e1.ics',
    'GET alice/calendars/work/nope.ics',
    'GET bob/calendars',
    'GET alice/calendars/work/e1.ics',
  ]);
  const logged = logs.filter((l) => !l.startsWith('error:'));
  assert.equal(logged.length, 7, 'one access-log line per answered request');
  assert.match(logged[0]!, /^\S+Z GET \/alice\/calendars\/work\/e1\.ics 200 \d+ms alice$/);
  assert.match(logged[2]!, / 304 \d+ms alice$/);

  // Declined: other methods, unknown or unprepared users, the open routes, If headers, bodies.
  const declined: Array<[string, string, Record<string, string>, string?]> = [
    ['PROPFIND', path, alice],
    ['PUT', path, alice, EVENT],
    ['GET', path, {}],
    ['GET', path, { Authorization: 'Token mallory' }],
    ['GET', path, { Authorization: 'Token carol' }],
    ['GET', '/', alice],
    ['GET', '/.well-known/caldav', alice],
    ['GET', '/.WELL-KNOWN/carddav', alice],
    ['GET', path, { ...alice, If: `(<${'urn:x'}>)` }],
    ['GET', path, { ...alice, 'Content-Type': 'text/plain', 'Content-Length': '6' }, 'a body'],
  ];
  const before = handled.length;
  for (const [method, p, headers, body] of declined) {
    const a = await send(port, method, p, headers, body);
    assert.equal(a.status, 599, `${method} ${p} ${JSON.stringify(headers)} must be left to Koa: ${a.body}`);
  }
  assert.equal(handled.length, before);
});
