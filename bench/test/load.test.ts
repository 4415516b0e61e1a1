/**
 * The checked GET load: a server that answers one wrong status or a wrong ETag in the middle of
 * the load must be reported bad, with both generators (wrk only when installed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '../http.js';
import { measureGet, type GetGenerator } from '../load.js';
import { wrkVersion } from '../wrk.js';

/** Answers 200 with the UID line, except request number `badAt` (1-based), which gets `badStatus`. */
async function server(badAt: number, badStatus: number): Promise<{ origin: string; close: () => Promise<void> }> {
  let n = 0;
  const s = http.createServer((_req, res) => {
    n++;
    const status = n === badAt ? badStatus : 200;
    res.writeHead(status, { ETag: '"e1"', 'Content-Length': 12 });
    res.end('UID:abc\r\n...');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => s.close(() => r())) };
}

// Under CI wrk is installed by .ci/run; a missing wrk there must fail, not drop the case.
const generators: GetGenerator[] = wrkVersion() || process.env.CI ? ['node', 'wrk'] : ['node'];

for (const gen of generators) {
  test(`GET load (${gen}): all 200 is ok, one 404 mid-load or a wrong ETag is bad`, async () => {
    for (const [badAt, status, etag, expectBad] of [
      [0, 200, '"e1"', false],
      [50, 404, '"e1"', true],
      [50, 203, '"e1"', true],
      [0, 200, '"other"', true],
    ] as const) {
      const s = await server(badAt, status);
      const client = new Client(s.origin, undefined, 5000, 8);
      try {
        const r = await measureGet(gen, client, { origin: s.origin, path: '/x', mustContain: 'UID:abc', etag }, 8, 1000);
        assert.ok(r.ok > 100, `${gen}: only ${r.ok} answers`);
        assert.equal(r.bad > 0, expectBad, `${gen} badAt=${badAt} status=${status} etag=${etag}: ${r.bad} bad (${r.firstBad})`);
      } finally {
        client.close();
        await s.close();
      }
    }
  });
}
