/**
 * One repetition against one server: start it on a fresh data directory, run every step of
 * issue 4's workload, check every answer against the generator's model, stop it, restart it for
 * the cold start, stop it again. Each step yields a Sample; a wrong answer keeps its time but is
 * marked 'wrong', so a fast wrong server is flagged.
 */
import { compareNames, median, membersWithEtag } from './checks.js';
import { MONTH, WEEK, type Dataset, type TimeRange } from './data/dataset.js';
import { TARGET_TEXT } from './data/words.js';
import * as dav from './dav.js';
import { MB, diskBytes } from './disk.js';
import { expectedEmailMatch, expectedTimeRange } from './expected.js';
import { Client, TimeoutError, type Response } from './http.js';
import type { MetricId, RepResult, Sample } from './metrics.js';
import { ChildSampler, rssMb, waitForNoChildren } from './servers/process.js';
import type { RunningServer, ServerSpec } from './servers/types.js';
import { eventText } from './data/events.js';
import { putLoad, measureGet, type GetGenerator } from './load.js';

export interface WorkloadOptions {
  queryRuns: number;
  timeoutMs: number;
  importTimeoutMs: number;
  getSeconds: number;
  /** Load generator of the GET metric. */
  getGenerator: GetGenerator;
  concurrency: number;
  /** Items per collection written natively before the server starts (0: every item over HTTP). */
  preload: number;
  log: (line: string) => void;
  /** Called with each step's window (µs on the monotonic clock V8 profiles use), for --profile. */
  onPhase?: (id: string, startUs: number, endUs: number, childBusyMs?: number) => void;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

const ICS = 'text/calendar; charset=utf-8';
const VCF = 'text/vcard; charset=utf-8';
const XML = 'application/xml; charset=utf-8';

class ImportAborted extends Error {}

function phase(ctx: Ctx, id: string, t0: number): void {
  const t1 = nowUs();
  ctx.o.onPhase?.(id, t0, t1, ctx.sampler?.busyMs(t0, t1));
}

interface Ctx {
  ds: Dataset;
  srv: RunningServer;
  client: Client;
  o: WorkloadOptions;
  result: RepResult;
  etags: Map<string, string>;
  /** With --profile: when the server had a child process (background git gc). */
  sampler?: ChildSampler;
}

function failure(err: unknown): Sample {
  if (err instanceof TimeoutError) return { status: 'timeout', note: err.message };
  return { status: 'error', note: err instanceof Error ? err.message.split('\n')[0] : String(err) };
}

/** Runs a step; an exception becomes a timeout/error sample instead of ending the repetition. */
async function step(ctx: Ctx, id: MetricId, fn: () => Promise<Sample>): Promise<void> {
  const t0 = nowUs();
  try {
    ctx.result[id] = await fn();
  } catch (err) {
    if (err instanceof ImportAborted) throw err;
    ctx.result[id] = failure(err);
  }
  phase(ctx, id, t0);
  const s = ctx.result[id]!;
  ctx.o.log(`  ${id}: ${s.value === undefined ? '-' : s.value.toFixed(2)} ${s.status}${s.note ? ` (${s.note})` : ''}`);
}

/** `runs` timed requests; the value is their median, wrong if any answer was. */
async function timed(ctx: Ctx, send: () => Promise<Response>, check: (r: Response) => string | undefined, okNote?: string): Promise<Sample> {
  const times: number[] = [];
  let problem: string | undefined;
  for (let i = 0; i < ctx.o.queryRuns; i++) {
    const r = await send();
    times.push(r.ms);
    problem ??= r.status === 207 ? check(r) : `status ${r.status}`;
  }
  const s: Sample = { value: median(times), status: problem ? 'wrong' : 'ok' };
  if (problem ?? okNote) s.note = problem ?? okNote;
  return s;
}

const report = (ctx: Ctx, path: string, body: string, depth = '1'): Promise<Response> =>
  ctx.client.request('REPORT', path, { headers: { 'Content-Type': XML, Depth: depth }, body });

const ms = (r: Response): dav.Multistatus => dav.parseMultistatus(r.body.toString('utf8'));

async function createCollections(client: Client, srv: RunningServer): Promise<void> {
  const cal = await client.request('MKCALENDAR', srv.calPath, { headers: { 'Content-Type': XML }, body: dav.MKCALENDAR_BODY });
  const book = await client.request('MKCOL', srv.bookPath, { headers: { 'Content-Type': XML }, body: dav.MKADDRESSBOOK_BODY });
  if (cal.status !== 201 || book.status !== 201) throw new Error(`creating collections: MKCALENDAR ${cal.status}, MKCOL ${book.status}`);
}

async function importSteps(ctx: Ctx): Promise<void> {
  const { ds, srv, o } = ctx;
  const deadline = Date.now() + o.importTimeoutMs;
  for (const [id, items, path, type, conc] of [
    ['put_seq', ds.eventItems.slice(o.preload), srv.calPath, ICS, 1],
    ['put_conc', ds.cardItems.slice(o.preload), srv.bookPath, VCF, o.concurrency],
  ] as const) {
    const t0 = nowUs();
    const r = await putLoad(ctx.client, items, path, type, conc, deadline);
    phase(ctx, id, t0);
    const s: Sample = { value: r.done / (r.ms / 1000), status: r.bad ? 'wrong' : 'ok', note: r.bad ? `${r.bad} of ${r.done} PUTs failed: ${r.firstBad}` : `${r.done} items` };
    if (r.done < items.length || r.error !== undefined) {
      const why = r.error !== undefined ? failure(r.error) : { status: 'timeout' as const, note: 'import deadline' };
      ctx.result[id] = { value: s.value, status: why.status, note: `import stopped at ${r.done}/${items.length} after ${(r.ms / 1000).toFixed(0)} s: ${why.note}` };
      o.log(`  ${id}: ${ctx.result[id]!.note}`);
      throw new ImportAborted(ctx.result[id]!.note);
    }
    ctx.result[id] = s;
    o.log(`  ${id}: ${s.value!.toFixed(1)} items/s ${s.status}${s.note ? ` (${s.note})` : ''}`);
  }
}

async function querySteps(ctx: Ctx): Promise<void> {
  const { ds, srv } = ctx;
  const eventNames = new Set(ds.events.map((e) => e.name));
  await step(ctx, 'propfind', () =>
    timed(
      ctx,
      () => ctx.client.request('PROPFIND', srv.calPath, { headers: { 'Content-Type': XML, Depth: '1' }, body: dav.PROPFIND_ETAG }),
      (r) => {
        const members = membersWithEtag(ms(r).responses);
        for (const m of members) ctx.etags.set(m.name, m.etag!);
        return compareNames(members.map((m) => m.name), eventNames);
      },
      `${eventNames.size} members`,
    ),
  );
  const multiget = (id: MetricId, path: string, names: string[], uidOf: Map<string, string>, body: string): Promise<void> =>
    step(ctx, id, () =>
      timed(
        ctx,
        () => report(ctx, path, body),
        (r) => {
          const got = ms(r).responses.filter((x) => x.name !== '');
          const bad = got.find((x) => x.propStatus !== 200 || !x.data?.includes(`UID:${uidOf.get(x.name)}`));
          if (bad) return `${bad.name}: status ${bad.propStatus ?? bad.status}, data ${bad.data ? 'without its UID' : 'missing'}`;
          return compareNames(got.map((x) => x.name), new Set(names));
        },
        `${names.length} items`,
      ),
    );
  const evUid = new Map(ds.events.map((e) => [e.name, e.uid]));
  const cardUid = new Map(ds.cards.map((c) => [c.name, c.uid]));
  await multiget('cal_multiget', srv.calPath, ds.eventMultiget, evUid, dav.calendarMultiget(ds.eventMultiget.map((n) => srv.calPath + n)));
  await multiget('card_multiget', srv.bookPath, ds.cardMultiget, cardUid, dav.addressbookMultiget(ds.cardMultiget.map((n) => srv.bookPath + n)));
  const query = (id: MetricId, path: string, body: string, want: Set<string>): Promise<void> =>
    step(ctx, id, () =>
      timed(ctx, () => report(ctx, path, body), (r) => compareNames(membersWithEtag(ms(r).responses).map((m) => m.name), want), `${want.size} results`),
    );
  const ranges: Array<[MetricId, TimeRange]> = [['cq_week', WEEK], ['cq_month', MONTH]];
  for (const [id, range] of ranges) await query(id, srv.calPath, dav.calendarQuery(range), expectedTimeRange(ds.events, range));
  await query('aq_email', srv.bookPath, dav.emailQuery(TARGET_TEXT), expectedEmailMatch(ds.cards, TARGET_TEXT));
}

async function syncSteps(ctx: Ctx): Promise<void> {
  const { ds, srv } = ctx;
  let token: string | undefined;
  await step(ctx, 'sync_initial', () =>
    timed(
      ctx,
      () => report(ctx, srv.calPath, dav.syncCollection(''), '0'),
      (r) => {
        const m = ms(r);
        token = m.syncToken;
        if (!token) return 'no sync-token';
        return compareNames(membersWithEtag(m.responses).map((x) => x.name), new Set(ds.events.map((e) => e.name)));
      },
      `${ds.n} changes`,
    ),
  );
  if (token === undefined) {
    ctx.result.sync_delta = { status: 'skipped', note: 'no token from the initial sync' };
    return;
  }
  const changed = ds.events[ds.syncChange]!;
  const put = await ctx.client.request('PUT', srv.calPath + changed.name, { headers: { 'Content-Type': ICS }, body: eventText(changed, 1) });
  if (put.status < 200 || put.status > 299) {
    ctx.result.sync_delta = { status: 'error', note: `PUT of the change answered ${put.status}` };
    return;
  }
  const from = token;
  await step(ctx, 'sync_delta', () =>
    timed(
      ctx,
      () => report(ctx, srv.calPath, dav.syncCollection(from), '0'),
      (r) => {
        const members = ms(r).responses.filter((x) => x.name !== '');
        if (members.length !== 1 || members[0]!.name !== changed.name || members[0]!.propStatus !== 200) {
          return `expected exactly ${changed.name} (200), got ${members.length} responses${members[0] ? ` (first ${members[0].name} ${members[0].propStatus ?? members[0].status})` : ''}`;
        }
        ctx.etags.set(changed.name, members[0]!.etag!);
        return undefined;
      },
      '1 change',
    ),
  );
}

async function updateSteps(ctx: Ctx): Promise<void> {
  const { ds, srv } = ctx;
  const target = ds.eventItems[ds.getTarget]!;
  await step(ctx, 'get', async () => {
    const etag = ctx.etags.get(target.name);
    const t = { origin: srv.origin, path: srv.calPath + target.name, authorization: srv.authorization, mustContain: `UID:${target.uid}`, ...(etag === undefined ? {} : { etag }) };
    const r = await measureGet(ctx.o.getGenerator, ctx.client, t, ctx.o.concurrency, ctx.o.getSeconds * 1000);
    const s: Sample = { value: r.ok / (r.ms / 1000), status: r.bad ? 'wrong' : 'ok', note: r.bad ? `${r.bad} bad answers: ${r.firstBad}` : `${r.ok} requests (${ctx.o.getGenerator})` };
    return s;
  });
  await step(ctx, 'ifmatch', async () => {
    const start = process.hrtime.bigint();
    let bad = 0;
    let firstBad = '';
    for (const idx of ds.updates) {
      const ev = ds.events[idx]!;
      const etag = ctx.etags.get(ev.name);
      if (!etag) throw new Error(`no etag known for ${ev.name}`);
      const r = await ctx.client.request('PUT', srv.calPath + ev.name, { headers: { 'Content-Type': ICS, 'If-Match': etag }, body: eventText(ev, 2) });
      if (r.status < 200 || r.status > 299) {
        bad++;
        firstBad ||= `${ev.name} -> ${r.status}`;
      }
    }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    // A stale ETag must be refused (412), or the rate above means nothing.
    const stale = ds.events[ds.updates[0]!]!;
    const r412 = await ctx.client.request('PUT', srv.calPath + stale.name, { headers: { 'Content-Type': ICS, 'If-Match': ctx.etags.get(stale.name)! }, body: eventText(stale, 3) });
    if (r412.status !== 412) {
      bad++;
      firstBad ||= `stale If-Match answered ${r412.status}, not 412`;
    }
    return { value: ds.updates.length / secs, status: bad ? 'wrong' : 'ok', note: bad ? `${bad} failed: ${firstBad}` : `${ds.updates.length} updates, stale ETag refused` };
  });
}

async function diskAfter(srv: RunningServer, log: (l: string) => void): Promise<void> {
  // Kalends packs what a burst of writes left loose once the repository has been quiet for 2 s.
  if (!(await waitForNoChildren(srv.pid, 180_000, 4000))) log('  (a child process of the server was still running after 180 s)');
}

async function coldStart(ctx: Ctx, spec: ServerSpec, workDir: string): Promise<void> {
  const { ds, srv, o } = ctx;
  const names = new Set(ds.events.map((e) => e.name));
  await step(ctx, 'cold_start', async () => {
    const t0 = process.hrtime.bigint();
    const again = await spec.start(srv.dataDir, workDir);
    const client = new Client(again.origin, again.authorization, o.timeoutMs, 1);
    try {
      const deadline = Date.now() + o.timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const r = await client.request('PROPFIND', again.calPath, { headers: { 'Content-Type': XML, Depth: '1' }, body: dav.PROPFIND_ETAG });
        last = r.status === 207 ? (compareNames(membersWithEtag(ms(r).responses).map((m) => m.name), names) ?? '') : `status ${r.status}`;
        if (last === '') return { value: Number(process.hrtime.bigint() - t0) / 1e6, status: 'ok', note: `${names.size} members` };
        await new Promise((res) => setTimeout(res, 20));
      }
      return { status: 'wrong', note: `no correct PROPFIND answer: ${last}` };
    } finally {
      client.close();
      await again.stop();
    }
  });
}

export async function runWorkload(spec: ServerSpec, ds: Dataset, dataDir: string, workDir: string, o: WorkloadOptions): Promise<RepResult> {
  const result: RepResult = {};
  let srv = await spec.start(dataDir, workDir);
  if (o.preload > 0) {
    // Create the collections over HTTP (each server's own layout), then fill them natively.
    const c0 = new Client(srv.origin, srv.authorization, o.timeoutMs, 1);
    try {
      await createCollections(c0, srv);
    } finally {
      c0.close();
      await srv.stop();
    }
    const t0 = Date.now();
    await spec.preload(srv, ds.eventItems.slice(0, o.preload), ds.cardItems.slice(0, o.preload), workDir);
    o.log(`  preloaded ${o.preload} events and ${o.preload} contacts natively in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    srv = await spec.start(dataDir, workDir);
  }
  const client = new Client(srv.origin, srv.authorization, o.timeoutMs, o.concurrency);
  const ctx: Ctx = { ds, srv, client, o, result, etags: new Map() };
  if (o.onPhase) ctx.sampler = new ChildSampler(srv.pid);
  try {
    if (o.preload === 0) await createCollections(client, srv);
    await importSteps(ctx);
    await diskAfter(srv, o.log);
    const importBytes = diskBytes(srv.calDir);
    result.disk_import = { value: importBytes / MB, status: 'ok' };
    await querySteps(ctx);
    await syncSteps(ctx);
    await updateSteps(ctx);
    const rss = rssMb(srv.pid);
    result.rss = rss === undefined ? { status: 'error', note: 'process gone' } : { value: rss, status: 'ok' };
    await diskAfter(srv, o.log);
    result.disk_updates = { value: diskBytes(srv.dataDir) / MB, status: 'ok' };
    result.cal_growth = { value: diskBytes(srv.calDir) / importBytes, status: 'ok' };
    client.close();
    await srv.stop();
    if (spec.maintain) {
      await spec.maintain(srv.dataDir);
      result.disk_gc = { value: diskBytes(srv.dataDir) / MB, status: 'ok' };
      result.cal_growth_gc = { value: diskBytes(srv.calDir) / importBytes, status: 'ok' };
    }
    await coldStart(ctx, spec, workDir);
  } catch (err) {
    if (!(err instanceof ImportAborted)) throw new Error(`${spec.label}: ${err instanceof Error ? err.message : String(err)}\n${srv.tail()}`);
  } finally {
    ctx.sampler?.stop();
    client.close();
    await srv.stop();
    // A 5xx the workload saw as a wrong answer is explained here, where the next run would lose it.
    const errors = srv.errors();
    if (errors) o.log(`  ${spec.label} logged errors:\n${errors.replace(/^/gm, '    | ')}`);
  }
  return result;
}
