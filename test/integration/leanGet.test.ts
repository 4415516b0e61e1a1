/**
 * GET/HEAD on a keep-alive connection whose credentials were checked before go around Koa
 * (src/http/leanGet.ts). On a real server over one connection: the first request of each pair
 * goes through Koa (the connection is new), the second through the lean path; both must give the
 * same answer. And what the lean path must not do: serve a changed or wrong password, or serve a
 * commit made outside the server one request late.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { utimesSync, writeFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { startKalends, type Kalends } from '../helpers/server.js';
import { blobIdOf, nativeCommit, req } from './helpers.js';

const EVENT = (summary: string) =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:lean-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260102T100000Z\r\nSUMMARY:${summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Local port of the connection it came over. */
  port: number;
}

/** One client connection (an agent with a single keep-alive socket). */
function connection(k: Kalends): { send(method: string, path: string, headers: Record<string, string>): Promise<Answer>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send: (method, path, headers) =>
      new Promise((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port: k.port, method, path, headers, agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, port: res.socket?.localPort ?? r.socket?.localPort ?? 0 }));
        });
        r.on('error', reject);
        r.end();
      }),
    close: () => agent.destroy(),
  };
}

/** An answer as a comparable value: everything but the Date header. */
function comparable(a: Answer): unknown {
  const { date: _date, ...headers } = a.headers;
  return { status: a.status, headers, body: a.body };
}

/** htpasswd checks trust the file's signature only once it is older than the racy window. */
function ageHtpasswd(k: Kalends): void {
  const old = new Date(Date.now() - 3600_000);
  utimesSync(k.htpasswd, old, old);
}

const path = '/alice/calendars/lean/e1.ics';

/** A server with alice's calendar `lean` holding one event, and an htpasswd file past its racy window. */
async function serverWithEvent(): Promise<Kalends> {
  const k = await startKalends();
  ageHtpasswd(k);
  assert.equal((await req(k, 'alice', 'MKCALENDAR', '/alice/calendars/lean/')).status, 201);
  assert.equal((await req(k, 'alice', 'PUT', path, { body: EVENT('One'), headers: { 'Content-Type': 'text/calendar' } })).status, 201);
  return k;
}

test('lean GET: same answers as through Koa, on one keep-alive connection', async (t) => {
  const k = await serverWithEvent();
  t.after(() => k.stop());
  const etag = `"${blobIdOf(EVENT('One'))}"`;
  const alice = { Authorization: k.auth('alice') };

  const cases: Array<[string, string, Record<string, string>, number]> = [
    ['GET', path, alice, 200],
    ['HEAD', path, alice, 200],
    ['GET', path, { ...alice, 'If-None-Match': etag }, 304],
    ['GET', path, { ...alice, 'If-Modified-Since': new Date(Date.now() + 3600_000).toUTCString() }, 304],
    ['GET', '/alice/calendars/lean/missing.ics', alice, 404],
    ['GET', '/bob/calendars/', alice, 403],
    ['GET', '/alice/calendars/lean/', alice, 200],
    ['GET', '/alice/calendars/lean/%zz.ics', alice, 400],
  ];
  for (const [method, p, headers, status] of cases) {
    const c = connection(k);
    try {
      const first = await c.send(method, p, headers);
      const second = await c.send(method, p, headers);
      assert.equal(second.port, first.port, 'both went over the same connection');
      assert.equal(first.status, status, `${method} ${p}: ${first.body}`);
      assert.deepEqual(comparable(second), comparable(first), `${method} ${p}`);
    } finally {
      c.close();
    }
  }
  const get = connection(k);
  try {
    const a = await get.send('GET', path, alice);
    assert.equal(a.body, EVENT('One'));
    assert.equal(a.headers.etag, etag);
    // Every answer is in the access log, lean or not (written when the response has finished,
    // so it may reach us a little after the answer).
    const lines = () => k.log.filter((l) => l.includes(` GET ${path} 200 `));
    for (let i = 0; i < 100 && lines().length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(lines().length, 3, lines().join('\n'));
  } finally {
    get.close();
  }
});

test('lean GET: a changed password, a wrong one or none is not served on a verified connection', async (t) => {
  const k = await serverWithEvent();
  t.after(() => k.stop());
  const c = connection(k);
  t.after(() => c.close());
  const alice = { Authorization: k.auth('alice') };
  for (let i = 0; i < 2; i++) assert.equal((await c.send('GET', path, alice)).status, 200);

  const wrong = { Authorization: 'Basic ' + Buffer.from('alice:not-her-password').toString('base64') };
  assert.equal((await c.send('GET', path, wrong)).status, 401);
  assert.equal((await c.send('GET', path, {})).status, 401);
  const bob = { Authorization: k.auth('bob') };
  const asBob = await c.send('GET', path, bob);
  assert.equal(asBob.status, 403, 'the same connection with other credentials acts as that user');
  assert.equal((await c.send('GET', path, alice)).status, 200);

  // Alice's password changes: her old credentials stop working on the very next request.
  writeFileSync(k.htpasswd, `alice:${bcrypt.hashSync('new-password', 4)}\nbob:${bcrypt.hashSync('bob-pw', 4)}\n`);
  const after = await c.send('GET', path, alice);
  assert.equal(after.status, 401);
  const renewed = { Authorization: 'Basic ' + Buffer.from('alice:new-password').toString('base64') };
  assert.equal((await c.send('GET', path, renewed)).status, 200);
  assert.equal((await c.send('GET', path, renewed)).status, 200);
});

test('lean GET: a commit made outside the server is served on the next request', async (t) => {
  const k = await serverWithEvent();
  t.after(() => k.stop());
  const c = connection(k);
  t.after(() => c.close());
  const alice = { Authorization: k.auth('alice') };
  for (let round = 0; round < 3; round++) {
    const text = EVENT(`Native ${round}`);
    assert.equal((await c.send('GET', path, alice)).status, 200);
    nativeCommit(k, 'alice/calendars/lean', { 'e1.ics': text }, `native ${round}`);
    const a = await c.send('GET', path, alice);
    assert.equal(a.body, text, `round ${round}`);
    assert.equal(a.headers.etag, `"${blobIdOf(text)}"`);
  }
  nativeCommit(k, 'alice/calendars/lean', { 'e1.ics': null }, 'native delete');
  assert.equal((await c.send('GET', path, alice)).status, 404);
});
