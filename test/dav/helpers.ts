/**
 * Small helpers for the DAV core's HTTP tests: one request as a user, the condition element of
 * an error body, multistatus responses by href, and native git on a repository.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseXml } from '../../src/dav/xml/parse.js';
import { child, elements, textOf, type XmlElement } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import type { Kalends } from '../helpers/server.js';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
}

export async function http(
  k: Kalends,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Uint8Array; user?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = { Authorization: k.auth(opts.user ?? 'alice'), ...(opts.headers ?? {}) };
  if (typeof opts.body === 'string' && opts.body.startsWith('<') && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/xml; charset=utf-8';
  }
  const res = await fetch(k.origin + path, { method, headers, body: opts.body, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The condition element (Clark name) of a `<D:error>` body, and its `<D:href>` children. */
export function davError(text: string): { condition: string | undefined; hrefs: string[] } {
  try {
    const root = parseXml(text);
    if (root.name !== dav('error')) return { condition: undefined, hrefs: [] };
    const c = elements(root).find((e) => e.name !== dav('responsedescription'));
    return { condition: c?.name, hrefs: c ? elements(c, dav('href')).map((h) => textOf(h).trim()) : [] };
  } catch {
    return { condition: undefined, hrefs: [] };
  }
}

export interface Response207 {
  href: string;
  status?: number;
  /** Property name -> status, and the 200 values. */
  props: Map<string, { status: number; value: XmlElement }>;
}

function code(line: string): number {
  return Number(/HTTP\/\d\.\d (\d{3})/.exec(line)![1]);
}

export function multistatus(text: string): Response207[] {
  const root = parseXml(text);
  if (root.name !== dav('multistatus')) throw new Error(`not a multistatus: ${text.slice(0, 200)}`);
  return elements(root, dav('response')).map((r) => {
    const props = new Map<string, { status: number; value: XmlElement }>();
    for (const ps of elements(r, dav('propstat'))) {
      const st = code(textOf(child(ps, dav('status'))!));
      for (const p of elements(child(ps, dav('prop'))!)) props.set(p.name, { status: st, value: p });
    }
    const s = child(r, dav('status'));
    return { href: textOf(child(r, dav('href'))!).trim(), ...(s ? { status: code(textOf(s)) } : {}), props };
  });
}

/** Native git on the bare repository `rel` under the data root (no user or system config). */
export function git(k: Kalends, rel: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const key of Object.keys(env)) if (key.startsWith('GIT_') && !key.startsWith('GIT_CONFIG')) delete env[key];
  return execFileSync('git', ['--git-dir', join(k.root, rel), ...args], { env, encoding: 'utf8' });
}

/** Commit subjects, newest first. */
export function subjects(k: Kalends, rel: string): string[] {
  return git(k, rel, 'log', '--format=%s').split('\n').filter(Boolean);
}

export function headCommit(k: Kalends, rel: string): string {
  return git(k, rel, 'rev-parse', 'HEAD').trim();
}

export const PROPPATCH = (inner: string, ns = '') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<D:propertyupdate xmlns:D="DAV:"${ns}>${inner}</D:propertyupdate>`;

export const PROPFIND = (props: string, ns = '') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<D:propfind xmlns:D="DAV:"${ns}><D:prop>${props}</D:prop></D:propfind>`;

export const LOCKINFO = (scope: 'exclusive' | 'shared', owner = 'test') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:${scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>${owner}</D:owner></D:lockinfo>`;
