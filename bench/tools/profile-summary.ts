/**
 * Summarises V8 CPU profiles of the Kalends server (written with `npm run bench -- --profile DIR`)
 * per workload phase: the bench records each phase's window on the same monotonic clock V8 stamps
 * its samples with, so samples can be attributed to PUT, PROPFIND, queries and so on.
 *
 * Usage: node --import tsx bench/tools/profile-summary.ts DIR [--top 15] [--phase ID]
 * Prints, per phase: wall time, sampled CPU time, the top functions by self time and the top
 * project functions (src/) by inclusive time, as file:line function.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
export interface PhaseWindow {
  id: string;
  /** Microseconds on CLOCK_MONOTONIC (process.hrtime / V8's TimeTicks). */
  start: number;
  end: number;
  /** Time the server had a child process (its background git gc) during the phase. */
  childBusyMs?: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Generated line -> source line (0-based) from a source map's VLQ mappings (first segment of each line). */
function decodeLines(mappings: string): number[] {
  const out: number[] = [];
  let srcLine = 0;
  for (const line of mappings.split(';')) {
    let first: number | undefined;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals: number[] = [];
      let shift = 0;
      let value = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        value += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(value & 1 ? -(value >> 1) : value >> 1);
          value = 0;
          shift = 0;
        }
      }
      if (vals.length >= 4) {
        srcLine += vals[2]!;
        first ??= srcLine;
      }
    }
    out.push(first ?? -1);
  }
  return out;
}

const maps = new Map<string, { source: string; lines: number[] } | null>();

/** dist/x.js:line -> src/x.ts:line through the build's source map, when there is one. */
function toSource(path: string, line: number): string | undefined {
  if (!path.endsWith('.js')) return undefined;
  let m = maps.get(path);
  if (m === undefined) {
    m = null;
    try {
      const map = JSON.parse(readFileSync(`${path}.map`, 'utf8')) as { sources: string[]; mappings: string };
      const src = map.sources[0];
      if (src) m = { source: src.replace(/^(\.\.\/)+/, ''), lines: decodeLines(map.mappings) };
    } catch {
      // no map: keep the generated position
    }
    maps.set(path, m);
  }
  const l = m?.lines[line];
  if (!m || l === undefined || l < 0) return undefined;
  return `${m.source.startsWith('src/') ? m.source : `src/${m.source}`}:${l + 1}`;
}

function frameKey(f: CallFrame): string {
  const path = f.url.replace(/^file:\/\//, '');
  const fn = f.functionName || '(anonymous)';
  if (!path) return fn;
  const mapped = path.includes('/dist/') ? toSource(path, f.lineNumber) : undefined;
  const file = mapped ?? `${path.replace(/^.*\/(src|dist|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  return `${file} ${fn}`;
}

interface Totals {
  cpuUs: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
}

function summarise(p: CpuProfile, windows: PhaseWindow[]): Map<string, Totals> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, Totals>(windows.map((w) => [w.id, { cpuUs: 0, self: new Map(), inclusive: new Map() }]));
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0; // a sample stands for the interval up to the next one
    const w = windows.find((x) => t >= x.start && t < x.end);
    if (!w) continue;
    const node = byId.get(p.samples[i]!)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') continue;
    const tot = out.get(w.id)!;
    tot.cpuUs += dt;
    const self = frameKey(node.callFrame);
    tot.self.set(self, (tot.self.get(self) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = frameKey(byId.get(id)!.callFrame);
      if (seen.has(k)) continue; // recursion counts once
      seen.add(k);
      tot.inclusive.set(k, (tot.inclusive.get(k) ?? 0) + dt);
    }
  }
  return out;
}

function top(m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true): Array<[string, number]> {
  return [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, phase: { type: 'string' } } });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: profile-summary.ts DIR [--top N] [--phase ID]');
  const n = Number(values.top ?? 15);
  const files = readdirSync(dir);
  const windows: PhaseWindow[] = files.filter((f) => f.startsWith('phases-')).flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PhaseWindow[]);
  const merged = new Map<string, Totals & { wallUs: number; childMs: number }>();
  for (const w of windows) {
    const m = merged.get(w.id) ?? { wallUs: 0, childMs: 0, cpuUs: 0, self: new Map(), inclusive: new Map() };
    m.wallUs += w.end - w.start;
    m.childMs += w.childBusyMs ?? 0;
    merged.set(w.id, m);
  }
  for (const f of files.filter((x) => x.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    for (const [id, tot] of summarise(prof, windows)) {
      const m = merged.get(id)!;
      m.cpuUs += tot.cpuUs;
      for (const [k, v] of tot.self) m.self.set(k, (m.self.get(k) ?? 0) + v);
      for (const [k, v] of tot.inclusive) m.inclusive.set(k, (m.inclusive.get(k) ?? 0) + v);
    }
  }
  const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7) + ' ms';
  for (const [id, m] of merged) {
    if (values.phase && values.phase !== id) continue;
    const child = m.childMs ? `, a child process (git gc) running for ${m.childMs} ms of it` : '';
    process.stdout.write(`\n== ${id}: wall ${ms(m.wallUs).trim()}, server CPU sampled ${ms(m.cpuUs).trim()}${child}\n  self time:\n`);
    for (const [k, v] of top(m.self, n)) process.stdout.write(`  ${ms(v)} ${((100 * v) / (m.cpuUs || 1)).toFixed(0).padStart(3)}%  ${k}\n`);
    process.stdout.write('  inclusive, project code (src/):\n');
    for (const [k, v] of top(m.inclusive, n, (k) => k.startsWith('src/') || k.startsWith('dist/'))) {
      process.stdout.write(`  ${ms(v)} ${((100 * v) / (m.cpuUs || 1)).toFixed(0).padStart(3)}%  ${k}\n`);
    }
  }
}

main();
