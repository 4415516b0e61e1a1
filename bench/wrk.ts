/**
 * The GET load through `wrk` (Debian package `wrk`), when installed: a C load generator on epoll
 * drives several times the requests per CPU second of a Node client, which on a 2-core machine
 * shares the CPU with the server and otherwise caps what can be observed. A Lua script counts
 * every answer whose status is not 200, so a fast wrong server is still caught.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** Threads of wrk: on 2 cores, 2 threads saturate a single-threaded server without starving it. */
export const WRK_THREADS = 2;

const SCRIPT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; first = 0 end
function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first == 0 then first = status end
  end
end
function done(summary, latency, requests)
  local b, f = 0, 0
  for _, t in ipairs(threads) do
    b = b + t:get("bad")
    if f == 0 then f = t:get("first") end
  end
  local e = summary.errors
  io.write(string.format("WRK-RESULT requests=%d duration_us=%d bad=%d first_bad=%d socket_errors=%d\\n",
    summary.requests, summary.duration, b, f, e.connect + e.read + e.write + e.timeout))
end
`;

/** wrk's version line, or null when it is not installed. */
export function wrkVersion(): string | null {
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (r.error) return null;
  const line = `${r.stdout}${r.stderr}`.split('\n').find((l) => l.startsWith('wrk '));
  return line ? line.split(' [')[0]!.trim() : 'wrk';
}

export interface WrkResult {
  /** Complete responses. */
  requests: number;
  /** Responses with a status other than 200. */
  bad: number;
  firstBadStatus: number;
  /** Connect/read/write errors and timeouts. */
  socketErrors: number;
  ms: number;
}

function field(out: string, name: string): number {
  const m = new RegExp(`\\b${name}=(\\d+)`).exec(out);
  if (!m) throw new Error(`wrk printed no ${name}: ${out.slice(-300)}`);
  return Number(m[1]);
}

/** GET `url` from `connections` keep-alive connections for `seconds`. */
export async function wrkGet(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<WrkResult> {
  const dir = mkdtempSync(join(os.tmpdir(), 'kalends-wrk-'));
  try {
    const script = join(dir, 'check.lua');
    writeFileSync(script, SCRIPT);
    const args = ['-t', String(Math.min(WRK_THREADS, connections)), '-c', String(connections), '-d', `${seconds}s`, '-s', script];
    for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
    args.push(url);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (text += c.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text.slice(-300)}`))));
    });
    return {
      requests: field(out, 'requests'),
      bad: field(out, 'bad'),
      firstBadStatus: field(out, 'first_bad'),
      socketErrors: field(out, 'socket_errors'),
      ms: field(out, 'duration_us') / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
