/** Answer checks shared by the workload steps: set comparison and small helpers. */
import type { MsResponse } from './dav.js';

/** Undefined when `got` equals `want`, else a short description of the difference. */
export function compareNames(got: readonly string[], want: ReadonlySet<string>): string | undefined {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const g of got) {
    if (seen.has(g)) dup.push(g);
    seen.add(g);
  }
  const missing = [...want].filter((w) => !seen.has(w));
  const extra = [...seen].filter((g) => !want.has(g));
  if (!missing.length && !extra.length && !dup.length) return undefined;
  const parts = [`got ${got.length}, expected ${want.size}`];
  if (missing.length) parts.push(`${missing.length} missing (e.g. ${missing[0]})`);
  if (extra.length) parts.push(`${extra.length} unexpected (e.g. ${extra[0]})`);
  if (dup.length) parts.push(`${dup.length} duplicated`);
  return parts.join(', ');
}

/** Member responses (not the collection's own href) that carry a getetag with 200. */
export function membersWithEtag(responses: readonly MsResponse[]): MsResponse[] {
  return responses.filter((r) => r.name !== '' && r.propStatus === 200 && r.etag !== undefined);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
