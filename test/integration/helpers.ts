/**
 * Helpers for integration tests: raw DAV requests against a real Kalends process, a small
 * multistatus reader, and native git on the repositories under the data root.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseXml } from '../../src/dav/xml/parse.js';
import { child, elements, textOf, type XmlElement } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import type { Kalends } from '../helpers/server.js';

const execFileP = promisify(execFile);

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send no Authorization header. */
  anonymous?: boolean;
  redirect?: 'manual' | 'follow';
}

/** One HTTP request as `user` (Basic auth). Paths are sent as given (no re-encoding). */
export async function req(k: Kalends, user: string, method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (!opts.anonymous) headers.Authorization = k.auth(user);
  if (opts.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = typeof opts.body === 'string' && opts.body.startsWith('<') ? 'application/xml; charset=utf-8' : 'application/octet-stream';
  }
  const res = await fetch(k.origin + path, { method, headers, body: opts.body, redirect: opts.redirect ?? 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A raw HTTP/1.1 request over a socket, for request targets fetch would normalise (`..`, `%2e`). */
export async function rawRequest(k: Kalends, head: string, body = ''): Promise<{ status: number; text: string }> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.connect(k.port, '127.0.0.1');
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (data += d));
    s.on('error', reject);
    s.on('end', () => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : 0, text: data });
    });
    // The request says `Connection: close`: the server ends the connection after answering.
    s.write(head.replace(/\n/g, '\r\n') + '\r\n' + body);
    s.setTimeout(10_000, () => s.destroy(new Error('no answer in 10 s')));
  });
}

export const PROPFIND_CUP = `<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>`;

export function propfindBody(props: string, extraNs = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<D:propfind xmlns:D="DAV:"${extraNs}><D:prop>${props}</D:prop></D:propfind>`;
}

export function syncBody(token: string, opts: { limit?: number; props?: string; level?: '1' | 'infinite' } = {}): string {
  const limit = opts.limit === undefined ? '' : `<D:limit><D:nresults>${opts.limit}</D:nresults></D:limit>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:"><D:sync-token>${token}</D:sync-token><D:sync-level>${opts.level ?? '1'}</D:sync-level>${limit}<D:prop>${opts.props ?? '<D:getetag/>'}</D:prop></D:sync-collection>`;
}

export interface PropStat {
  status: number;
  prop: XmlElement;
}

export interface MsResponse {
  href: string;
  /** The response-level status (removed members, 507 truncation). */
  status?: number;
  propstats: PropStat[];
  error?: XmlElement;
  /** Value element of a property with status 200, by Clark name. */
  prop(name: string): XmlElement | undefined;
  /** Status of a property (200/404/...), undefined when not mentioned. */
  propStatus(name: string): number | undefined;
}

export interface Multistatus {
  responses: MsResponse[];
  syncToken?: string;
  byHref(href: string): MsResponse | undefined;
}

function statusCode(s: string): number {
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(s.trim());
  if (!m) throw new Error(`bad status line ${JSON.stringify(s)}`);
  return Number(m[1]);
}

export function parseMultistatus(text: string): Multistatus {
  const root = parseXml(text);
  if (root.name !== dav('multistatus')) throw new Error(`expected multistatus, got ${root.name}`);
  const responses: MsResponse[] = elements(root, dav('response')).map((r) => {
    const hrefEl = child(r, dav('href'));
    const statusEl = child(r, dav('status'));
    const propstats: PropStat[] = elements(r, dav('propstat')).map((ps) => ({
      status: statusCode(textOf(child(ps, dav('status'))!)),
      prop: child(ps, dav('prop'))!,
    }));
    const error = child(r, dav('error'));
    return {
      href: textOf(hrefEl!).trim(),
      ...(statusEl ? { status: statusCode(textOf(statusEl)) } : {}),
      propstats,
      ...(error ? { error } : {}),
      prop(name: string) {
        for (const ps of propstats) if (ps.status === 200) for (const p of elements(ps.prop)) if (p.name === name) return p;
        return undefined;
      },
      propStatus(name: string) {
        for (const ps of propstats) for (const p of elements(ps.prop)) if (p.name === name) return ps.status;
        return undefined;
      },
    };
  });
  const tokenEl = child(root, dav('sync-token'));
  return {
    responses,
    ...(tokenEl ? { syncToken: textOf(tokenEl).trim() } : {}),
    byHref: (href: string) => responses.find((r) => r.href === href),
  };
}

/** The `<D:error>` child of an error body, by Clark name (undefined when the body is not a DAV error). */
export function errorCondition(text: string): string | undefined {
  try {
    const root = parseXml(text);
    if (root.name !== dav('error')) return undefined;
    return elements(root).find((e) => e.name !== dav('responsedescription'))?.name;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Native git

export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('GIT_')) delete env[key];
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Native Person',
    GIT_AUTHOR_EMAIL: 'native@example.org',
    GIT_COMMITTER_NAME: 'Native Person',
    GIT_COMMITTER_EMAIL: 'native@example.org',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
}

export function git(args: string[], cwd?: string, input?: string): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export async function gitAsync(args: string[], cwd?: string): Promise<string> {
  return (await execFileP('git', args, { cwd, env: gitEnv(), encoding: 'utf8' })).stdout;
}

/** `git --git-dir=<bare repo of rel> ...` */
export function bare(k: Kalends, rel: string, ...args: string[]): string {
  return git(['--git-dir', join(k.root, rel), ...args]);
}

export function headOf(k: Kalends, rel: string): string {
  return bare(k, rel, 'rev-parse', 'HEAD').trim();
}

export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kalends-it-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Commit with native git the way a person does: clone the bare repository, edit files
 * (`null` removes one), commit, push. Returns the pushed commit id.
 */
export function nativeCommit(k: Kalends, rel: string, files: Record<string, string | null>, message = 'native edit'): string {
  const s = scratchDir();
  try {
    const work = join(s.dir, 'clone');
    git(['clone', '-q', join(k.root, rel), work]);
    for (const [path, content] of Object.entries(files)) {
      const abs = join(work, path);
      if (content === null) {
        unlinkSync(abs);
        git(['rm', '-q', '--cached', '--ignore-unmatch', path], work);
      } else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
        git(['add', path], work);
      }
    }
    git(['commit', '-q', '-m', message], work);
    git(['push', '-q', 'origin', 'HEAD'], work);
    return git(['rev-parse', 'HEAD'], work).trim();
  } finally {
    s.cleanup();
  }
}

/** Paths in HEAD's tree (recursive). */
export function lsTree(k: Kalends, rel: string): string[] {
  return bare(k, rel, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter(Boolean);
}

/** Errors from `git fsck --strict` (throws on a non-zero exit); dangling objects of lost races are not errors. */
export function fsck(k: Kalends, rel: string): string {
  return execFileSync('git', ['--git-dir', join(k.root, rel), 'fsck', '--strict', '--no-progress', '--no-dangling'], { env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Git blob id of some text, computed by native git. */
export function blobIdOf(content: string): string {
  return git(['hash-object', '--stdin'], undefined, content).trim();
}
