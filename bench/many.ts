/**
 * `npm run bench -- --many 2000x100`: many small calendars on one server (issue 4, "memory stays
 * bounded with 2,000 collections of 100 items"). One calendar is made over HTTP (MKCALENDAR, for
 * the server's own metadata), the others natively through the store (same metadata file, 100
 * distinct events each), then the server is restarted and every calendar is visited in turn
 * (PROPFIND Depth 1 + GET of one member) for a few rounds, RSS sampled along the way. Visiting in
 * order is the worst case for an LRU: every visit after the first round opens an evicted calendar.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { GitStore } from '../src/store/gitStore.js';
import * as dav from './dav.js';
import { eventText, drawEvent } from './data/events.js';
import { Client } from './http.js';
import { Prng } from './prng.js';
import { makeKalends, snapshotBuild } from './servers/kalends.js';
import { rssMb } from './servers/process.js';

const XML = 'application/xml; charset=utf-8';
const AUTHOR = { name: 'Kalends bench', email: 'bench@localhost' };

export function parseMany(v: string): { collections: number; items: number } {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`--many wants COLLECTIONSxITEMS (e.g. 2000x100), not ${JSON.stringify(v)}`);
  return { collections: Number(m[1]), items: Number(m[2]) };
}

const calName = (i: number) => `c${String(i).padStart(5, '0')}`;

/** Fill the data root natively: `collections` calendars of `items` events each. */
async function fill(dataDir: string, distMain: string, collections: number, items: number, log: (l: string) => void): Promise<void> {
  const storeModule = (await import(join(distMain, '../../store/index.js'))) as { createStore(root: string, o: object): GitStore };
  const store = storeModule.createStore(dataDir, { watch: false, maxOpen: 16 });
  try {
    const template = await store.open(`bench/calendars/${calName(0)}`);
    if (!template) throw new Error('the MKCALENDAR template calendar is missing');
    const head = await template.head();
    const meta: { path: string; data: Uint8Array }[] = [];
    for (const [path, blob] of head.files) meta.push({ path, data: await template.readBlob(blob) });
    const r = new Prng(4242);
    const t0 = Date.now();
    const ops = (c: number) => [
      ...meta.map((m) => ({ op: 'put' as const, ...m })),
      ...Array.from({ length: items }, (_, k) => {
        const ev = { ...drawEvent(r), uid: `many-${c}-${k}@bench` };
        return { op: 'put' as const, path: `e${k}.ics`, data: Buffer.from(eventText(ev)) };
      }),
    ];
    const one = async (c: number): Promise<void> => {
      const plan = { ops: ops(c), message: `bench: ${items} events` };
      if (c === 0) await template.commit({ author: AUTHOR, plan: () => plan });
      else await store.create(`bench/calendars/${calName(c)}`, { author: AUTHOR, plan: () => plan });
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < collections) {
          const c = next++;
          await one(c);
          if (c > 0 && c % 500 === 0) log(`  ${c} calendars written (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
        }
      }),
    );
    log(`  ${collections} calendars of ${items} events written natively in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await store.close();
  }
}

export async function runMany(spec: string, rounds: number, log: (l: string) => void): Promise<number> {
  const { collections, items } = parseMany(spec);
  const tmp = mkdtempSync(join(os.tmpdir(), 'kalends-many-'));
  const main = snapshotBuild(join(tmp, 'build'));
  const kalends = makeKalends(main);
  const workDir = join(tmp, 'work');
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  try {
    let srv = await kalends.start(dataDir, workDir);
    const c0 = new Client(srv.origin, srv.authorization, 60_000, 1);
    const made = await c0.request('MKCALENDAR', `/bench/calendars/${calName(0)}/`, { headers: { 'Content-Type': XML }, body: dav.MKCALENDAR_BODY });
    c0.close();
    await srv.stop();
    if (made.status !== 201) throw new Error(`MKCALENDAR answered ${made.status}`);
    await fill(dataDir, main, collections, items, log);
    srv = await kalends.start(dataDir, workDir);
    const client = new Client(srv.origin, srv.authorization, 60_000, 4);
    const samples: number[] = [];
    const sample = (label: string) => {
      const mb = rssMb(srv.pid) ?? NaN;
      samples.push(mb);
      log(`  ${label}: RSS ${mb.toFixed(1)} MB`);
    };
    sample('after start');
    try {
      for (let round = 1; round <= rounds; round++) {
        const t0 = Date.now();
        let next = 0;
        const step = Math.max(1, Math.floor(collections / 4));
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (next < collections) {
              const c = next++;
              const base = `/bench/calendars/${calName(c)}/`;
              const r = await client.request('PROPFIND', base, { headers: { 'Content-Type': XML, Depth: '1' }, body: dav.PROPFIND_ETAG });
              const got = r.status === 207 ? dav.parseMultistatus(r.body.toString('utf8')).responses.length : -1;
              if (got !== items + 1) throw new Error(`PROPFIND ${base}: status ${r.status}, ${got} responses (expected ${items + 1})`);
              const g = await client.request('GET', `${base}e${c % items}.ics`);
              if (g.status !== 200 || !g.body.toString('utf8').includes(`UID:many-${c}-${c % items}@bench`)) throw new Error(`GET in ${base}: status ${g.status} or wrong body`);
              if ((c + 1) % step === 0) sample(`round ${round}, ${c + 1}/${collections} calendars`);
            }
          }),
        );
        log(`  round ${round}: ${collections} PROPFIND + GET in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    } finally {
      client.close();
      await srv.stop();
    }
    const perRound = samples.length > 1 ? Math.floor((samples.length - 1) / rounds) : 1;
    const lastRounds = samples.slice(1 + perRound);
    log(
      `RSS after start ${samples[0]!.toFixed(1)} MB; max in round 1 ${Math.max(...samples.slice(1, 1 + perRound)).toFixed(1)} MB; ` +
        `max in later rounds ${lastRounds.length ? Math.max(...lastRounds).toFixed(1) : '-'} MB`,
    );
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
