/**
 * Load generators: PUT a list of items with `concurrency` clients (each a keep-alive connection),
 * stopping at a deadline; and GET one URL from `concurrency` connections for a fixed duration.
 */
import type { Item } from './data/dataset.js';
import type { Client } from './http.js';
import { wrkGet } from './wrk.js';

export interface PutLoadResult {
  done: number;
  /** Why the load stopped early (a request timed out or failed), if it did. */
  error?: unknown;
  bad: number;
  firstBad: string;
  ms: number;
}

export async function putLoad(client: Client, items: readonly Item[], path: string, contentType: string, concurrency: number, deadline: number): Promise<PutLoadResult> {
  let next = 0;
  let done = 0;
  let bad = 0;
  let firstBad = '';
  let error: unknown;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < items.length && Date.now() < deadline && error === undefined) {
      const item = items[next++]!;
      let r;
      try {
        r = await client.request('PUT', path + item.name, {
          headers: { 'Content-Type': contentType, 'If-None-Match': '*' },
          body: item.body,
        });
      } catch (err) {
        error ??= err;
        return;
      }
      done++;
      if (r.status !== 201 && r.status !== 204) {
        bad++;
        firstBad ||= `${item.name} -> ${r.status} ${r.body.toString('utf8').slice(0, 200).replace(/\s+/g, ' ')}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const result: PutLoadResult = { done, bad, firstBad, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  if (error !== undefined) result.error = error;
  return result;
}

export interface GetLoadResult {
  ok: number;
  bad: number;
  firstBad: string;
  ms: number;
}

/** Each answer must be 200 and contain `mustContain` (the item's UID line). */
export async function getLoad(client: Client, path: string, mustContain: string, concurrency: number, durationMs: number): Promise<GetLoadResult> {
  let ok = 0;
  let bad = 0;
  let firstBad = '';
  const start = process.hrtime.bigint();
  const end = Date.now() + durationMs;
  const worker = async (): Promise<void> => {
    while (Date.now() < end) {
      const r = await client.request('GET', path);
      if (r.status === 200 && r.body.includes(mustContain)) ok++;
      else {
        bad++;
        firstBad ||= `status ${r.status}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, bad, firstBad, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Which client drives the GET load: wrk when installed, else the Node client above. */
export type GetGenerator = 'wrk' | 'node';

export interface GetTarget {
  origin: string;
  path: string;
  /** Authorization header value, if the server wants one. */
  authorization?: string;
  /** Every answer's body must contain this (the item's UID line)... */
  mustContain: string;
  /** ...and carry this ETag, when known. */
  etag?: string;
}

/** One ordinary request, its answer checked in full: status, body and ETag. */
async function checkOnce(client: Client, t: GetTarget): Promise<string | undefined> {
  const r = await client.request('GET', t.path);
  if (r.status !== 200) return `status ${r.status}`;
  if (!r.body.includes(t.mustContain)) return `body lacks ${t.mustContain}`;
  if (t.etag !== undefined && r.headers.etag !== t.etag) return `ETag ${r.headers.etag ?? '(none)'}, expected ${t.etag}`;
  return undefined;
}

/**
 * GET load with `gen`, checked: a full check of one answer before and after, and during the load
 * every answer (wrk: status 200, counted by its Lua script; node: status and body).
 */
export async function measureGet(gen: GetGenerator, client: Client, t: GetTarget, concurrency: number, durationMs: number): Promise<GetLoadResult> {
  const before = await checkOnce(client, t);
  let r: GetLoadResult;
  if (gen === 'node') r = await getLoad(client, t.path, t.mustContain, concurrency, durationMs);
  else {
    const headers: Record<string, string> = t.authorization ? { Authorization: t.authorization } : {};
    const w = await wrkGet(t.origin + t.path, headers, concurrency, Math.max(1, Math.round(durationMs / 1000)));
    const firstBad = w.bad ? `status ${w.firstBadStatus}` : w.socketErrors ? `${w.socketErrors} socket errors or timeouts` : '';
    r = { ok: w.requests - w.bad, bad: w.bad + w.socketErrors, firstBad, ms: w.ms };
  }
  const after = await checkOnce(client, t);
  for (const [when, problem] of [['before the load', before], ['after the load', after]] as const) {
    if (problem === undefined) continue;
    r.bad++;
    r.firstBad ||= `${when}: ${problem}`;
  }
  return r;
}
