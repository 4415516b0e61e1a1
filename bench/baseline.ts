/**
 * The client's ceiling: the same GET load against a bare node:http server answering a fixed body of
 * the same size. On a 2-core machine the load generator shares the CPU with the server, so no
 * server can be measured above this figure; it puts the GET req/s of the table in proportion.
 * Measured with the same generator (wrk or the Node client) as the servers.
 */
import { Client } from './http.js';
import { measureGet, type GetGenerator } from './load.js';
import { freePort, startProcess, waitForPort } from './servers/process.js';

const SERVER = `
const http = require('node:http');
const body = Buffer.from(process.argv[2], 'base64');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Length': body.length, ETag: '"x"' });
  res.end(body);
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

export async function measureBaseline(gen: GetGenerator, body: Buffer, mustContain: string, concurrency: number, seconds: number): Promise<number> {
  const port = await freePort();
  const proc = startProcess(process.execPath, ['-e', SERVER, String(port), body.toString('base64')]);
  try {
    await waitForPort(proc, port, 10_000);
    const client = new Client(`http://127.0.0.1:${port}`, undefined, 10_000, concurrency);
    try {
      const origin = `http://127.0.0.1:${port}`;
      const r = await measureGet(gen, client, { origin, path: '/x.ics', mustContain, etag: '"x"' }, concurrency, seconds * 1000);
      if (r.bad) throw new Error(`bare node:http GET: ${r.bad} bad answers: ${r.firstBad}`);
      return r.ok / (r.ms / 1000);
    } finally {
      client.close();
    }
  } finally {
    await proc.stop();
  }
}
