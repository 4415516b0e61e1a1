/**
 * Medians across repetitions, ratios Kalends/peer, and the table (plain text for the terminal,
 * Markdown for --out). A peer whose answer was wrong is shown WRONG and is not taken as "the
 * better peer"; a Kalends figure with a wrong answer is flagged the same way.
 */
import { median } from './checks.js';
import { METRICS, type MetricDef, type MetricId, type RepResult, type Sample } from './metrics.js';
import type { ServerId } from './servers/types.js';

export interface Cell {
  value?: number;
  wrong: boolean;
  /** 'timeout' / 'error' / 'skipped' when no value could be measured. */
  failed?: string;
  /** e.g. "1 of 3 timed out". */
  remark?: string;
  note?: string;
}

export function aggregate(samples: Sample[]): Cell {
  const withValue = samples.filter((s) => s.value !== undefined && (s.status === 'ok' || s.status === 'wrong'));
  const wrong = samples.some((s) => s.status === 'wrong');
  const failed = samples.filter((s) => s.status === 'timeout' || s.status === 'error' || s.status === 'skipped');
  const notes = samples.map((s) => s.note).filter((n): n is string => !!n);
  const cell: Cell = { wrong };
  if (withValue.length) cell.value = median(withValue.map((s) => s.value!));
  else if (failed.length) cell.failed = failed[0]!.status;
  if (withValue.length && failed.length) cell.remark = `${failed.length} of ${samples.length} ${failed[0]!.status}`;
  const wrongNote = samples.find((s) => s.status === 'wrong')?.note;
  const firstNote = wrongNote ?? (failed[0]?.note ?? notes[0]);
  if (firstNote) cell.note = firstNote;
  return cell;
}

export interface Row {
  metric: MetricDef;
  cells: Map<ServerId, Cell>;
}

export function buildRows(results: Map<ServerId, RepResult[]>): Row[] {
  const rows: Row[] = [];
  for (const metric of METRICS) {
    const cells = new Map<ServerId, Cell>();
    for (const [server, reps] of results) {
      const samples = reps.map((r) => r[metric.id]).filter((s): s is Sample => s !== undefined);
      if (samples.length) cells.set(server, aggregate(samples));
    }
    if (cells.size) rows.push({ metric, cells });
  }
  return rows;
}

function fmtNum(v: number, digits: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtCell(c: Cell | undefined, m: MetricDef): string {
  if (!c) return '—';
  if (c.value === undefined) return c.failed ?? '—';
  let s = fmtNum(c.value, m.digits);
  if (c.wrong) s += ' WRONG';
  if (c.remark) s += ` (${c.remark})`;
  return s;
}

/** How many times better Kalends is than `peer` (> 1 = better), direction taken into account. */
export function advantage(k: number, peer: number, m: MetricDef): number {
  return m.higherIsBetter ? k / peer : peer / k;
}

export function bestPeer(row: Row, peers: ServerId[]): { id: ServerId; value: number } | undefined {
  let best: { id: ServerId; value: number } | undefined;
  for (const p of peers) {
    const c = row.cells.get(p);
    if (!c || c.value === undefined || c.wrong || c.value === 0) continue;
    if (!best || (row.metric.higherIsBetter ? c.value > best.value : c.value < best.value)) best = { id: p, value: c.value };
  }
  return best;
}

function ratioText(k: Cell | undefined, p: Cell | undefined): string {
  if (!k?.value || !p?.value) return '—';
  const r = k.value / p.value;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}${p.wrong ? ' (peer wrong)' : ''}`;
}

function advText(row: Row, peers: ServerId[], labels: Record<ServerId, string>): string {
  const k = row.cells.get('kalends');
  const best = bestPeer(row, peers);
  if (!k?.value || !best) return peers.some((p) => row.cells.has(p)) ? 'no correct peer' : '—';
  const a = advantage(k.value, best.value, row.metric);
  return `${a >= 10 ? a.toFixed(1) : a.toFixed(2)}× ${a >= 1 ? 'better' : 'worse'} (vs ${labels[best.id]})${k.wrong ? ' but Kalends WRONG' : ''}`;
}

export interface TableInput {
  rows: Row[];
  servers: ServerId[];
  labels: Record<ServerId, string>;
}

/** Header and rows as string cells, shared by the text and Markdown renderers. */
function tableCells({ rows, servers, labels }: TableInput): string[][] {
  const peers = servers.filter((s) => s !== 'kalends');
  const head = ['metric', 'unit', 'better', ...servers.map((s) => labels[s]), ...peers.map((p) => `Kalends/${labels[p]}`), 'Kalends vs better peer'];
  const body = rows.map((row) => [
    row.metric.label,
    row.metric.unit,
    row.metric.higherIsBetter ? 'higher' : 'lower',
    ...servers.map((s) => fmtCell(row.cells.get(s), row.metric)),
    ...peers.map((p) => ratioText(row.cells.get('kalends'), row.cells.get(p))),
    advText(row, peers, labels),
  ]);
  return [head, ...body];
}

export function textTable(input: TableInput): string {
  const cells = tableCells(input);
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i <= 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function markdownTable(input: TableInput): string {
  const cells = tableCells(input);
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const align = cells[0]!.map((_, i) => (i <= 2 ? ':--' : '--:'));
  return [cells[0]!, align, ...cells.slice(1)].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/** Notes of wrong or failed cells, so the reader sees what was wrong. */
export function problems({ rows, labels }: TableInput): string[] {
  const out: string[] = [];
  for (const row of rows) {
    for (const [s, c] of row.cells) {
      if ((c.wrong || c.failed || c.remark) && c.note) out.push(`${labels[s]}, ${row.metric.label}: ${c.note}`);
    }
  }
  return out;
}

/** Issue 4's targets, judged on Kalends' medians (they are stated for N = 10,000). */
export function targets({ rows, servers }: TableInput): string[] {
  const peers = servers.filter((s) => s !== 'kalends');
  const get = (id: MetricId): Cell | undefined => rows.find((r) => r.metric.id === id)?.cells.get('kalends');
  const out: string[] = [];
  const mark = (ok: boolean | undefined): string => (ok === undefined ? '[?]' : ok ? '[met]' : '[NOT met]');
  const kWrong = rows.filter((r) => r.cells.get('kalends')?.wrong).map((r) => r.metric.label);
  out.push(`${mark(kWrong.length === 0)} every Kalends answer correct${kWrong.length ? `: wrong in ${kWrong.join(', ')}` : ''}`);
  if (peers.length) {
    const compared = rows.filter((r) => bestPeer(r, peers) && r.cells.get('kalends')?.value);
    const tenfold = compared.filter((r) => advantage(r.cells.get('kalends')!.value!, bestPeer(r, peers)!.value, r.metric) >= 10);
    out.push(`${mark(compared.length > 0 && tenfold.length === compared.length)} ≥ 10× better than the better peer: ${tenfold.length} of ${compared.length} comparable metrics`);
  }
  const check = (id: MetricId, label: string, ok: (v: number) => boolean, unit: string): void => {
    const c = get(id);
    out.push(`${mark(c?.value === undefined ? undefined : ok(c.value) && !c.wrong)} ${label}: ${c?.value === undefined ? 'not measured' : `${fmtNum(c.value, 1)} ${unit}`}`);
  };
  check('sync_delta', 'sync-collection delta ≤ 5 ms', (v) => v <= 5, 'ms');
  check('get', 'GET ≥ 10,000 req/s with 8 connections', (v) => v >= 10_000, 'req/s');
  check('rss', 'RSS ≤ 150 MB with the two collections loaded', (v) => v <= 150, 'MB');
  check('cal_growth', 'calendar within 2× its imported size after 200 updates (server’s own background gc)', (v) => v <= 2, '×');
  check('cal_growth_gc', 'calendar within 2× its imported size after 200 updates and an explicit git gc', (v) => v <= 2, '×');
  check('cold_start', 'cold start: first PROPFIND answered ≤ 1 s', (v) => v <= 1000, 'ms');
  return out;
}
