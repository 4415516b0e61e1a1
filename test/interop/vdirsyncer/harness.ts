/**
 * The environment the vdirsyncer interop test drives: a Kalends process, a temp HOME that
 * vdirsyncer/khal/khard/git see instead of the real one, bounded runs of those tools, and the
 * server side read and written over HTTP or with native git.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textOf, type XmlElement } from '../../../src/dav/xml/element.js';
import { startKalends, type Kalends } from '../../helpers/server.js';
import { parseMultistatus, req } from '../../integration/helpers.js';
import { run, type RunResult } from '../helpers.js';
import { byUid, classifyOutput } from './tools.js';

const TOOL_TIMEOUT = 60_000;

export interface HttpAnswer {
  status: number;
  etag: string | null;
  text: string;
}

export class Harness {
  private constructor(
    readonly server: Kalends,
    readonly tmp: string,
    readonly env: Record<string, string>,
  ) {}

  static async start(): Promise<Harness> {
    const server = await startKalends();
    const tmp = mkdtempSync(join(tmpdir(), 'kalends-vdirsyncer-'));
    const home = join(tmp, 'home');
    for (const d of ['.config', '.local/share', '.cache']) mkdirSync(join(home, d), { recursive: true });
    return new Harness(server, tmp, {
      // Never a real user's config or data: everything these tools look up lives under tmp.
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'UTC',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Alice Native',
      GIT_AUTHOR_EMAIL: 'alice@example.org',
      GIT_COMMITTER_NAME: 'Alice Native',
      GIT_COMMITTER_EMAIL: 'alice@example.org',
    });
  }

  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  path(...parts: string[]): string {
    return join(this.tmp, ...parts);
  }

  /** Run a program in the temp environment, bounded by a timeout. */
  tool(cmd: string, args: string[], input?: string): Promise<RunResult> {
    return run(cmd, args, { env: this.env, timeoutMs: TOOL_TIMEOUT, ...(input === undefined ? {} : { input }) });
  }

  /** Run vdirsyncer, require exit 0 and no unexpected output; the actions it reported, sorted. */
  async vdirsyncer(config: string, args: string[], input?: string): Promise<string[]> {
    const r = await this.tool('vdirsyncer', ['-c', config, ...args], input);
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.code, 0, `vdirsyncer ${args.join(' ')} exited with ${r.code}:\n${out}\n--- server log ---\n${this.server.log.slice(-40).join('\n')}`);
    const { actions, unexpected } = classifyOutput(out);
    assert.deepEqual(unexpected, [], `vdirsyncer ${args.join(' ')} printed unexpected lines:\n${out}`);
    return actions;
  }

  async http(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const r = await req(this.server, 'alice', method, path, { headers, ...(body === undefined ? {} : { body }) });
    return { status: r.status, etag: r.headers.get('etag'), text: r.text };
  }

  async etagOf(href: string): Promise<string> {
    const r = await this.http('GET', href);
    assert.equal(r.status, 200, `GET ${href}: ${r.text}`);
    assert.ok(r.etag, `GET ${href} has no ETag`);
    return r.etag;
  }

  /** PUT, conditional on the current ETag (`replace`) or on absence (create). */
  async put(href: string, text: string, opts: { replace?: boolean } = {}): Promise<void> {
    const type = href.endsWith('.vcf') ? 'text/vcard; charset=utf-8' : 'text/calendar; charset=utf-8';
    const cond: Record<string, string> = opts.replace ? { 'If-Match': await this.etagOf(href) } : { 'If-None-Match': '*' };
    const r = await this.http('PUT', href, text, { 'Content-Type': type, ...cond });
    assert.equal(r.status, opts.replace ? 204 : 201, `PUT ${href}: ${r.text}`);
  }

  async delete(href: string): Promise<void> {
    const r = await this.http('DELETE', href, undefined, { 'If-Match': await this.etagOf(href) });
    assert.equal(r.status, 204, `DELETE ${href}: ${r.text}`);
  }

  async propfind(path: string, props: string, depth: '0' | '1'): Promise<ReturnType<typeof parseMultistatus>> {
    const body = `<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav" xmlns:A="http://apple.com/ns/ical/"><D:prop>${props}</D:prop></D:propfind>`;
    const r = await this.http('PROPFIND', path, body, { Depth: depth });
    assert.equal(r.status, 207, `PROPFIND ${path}: ${r.text}`);
    return parseMultistatus(r.text);
  }

  /** A property's text on one resource (undefined when absent). */
  async prop(path: string, clark: string, xml: string): Promise<string | undefined> {
    return text((await this.propfind(path, xml, '0')).responses[0]!.prop(clark));
  }

  /** UID -> name of every member of a collection, read with PROPFIND Depth 1 and GET each. */
  async items(collection: string): Promise<Record<string, string>> {
    const entries: Array<{ where: string; text: string }> = [];
    for (const resp of (await this.propfind(collection, '<D:resourcetype/><D:getetag/>', '1')).responses) {
      if (resp.href === collection) continue;
      const got = await this.http('GET', resp.href);
      assert.equal(got.status, 200, `GET ${resp.href}: ${got.text}`);
      assert.equal(got.etag, text(resp.prop('{DAV:}getetag')) ?? '(none)', `ETag of GET and PROPFIND differ for ${resp.href}`);
      entries.push({ where: resp.href, text: got.text });
    }
    return byUid(entries);
  }

  async git(cwd: string, args: string[]): Promise<string> {
    const r = await this.tool('git', ['-C', cwd, ...args]);
    assert.equal(r.code, 0, `git ${args.join(' ')} in ${cwd}: ${r.stderr}`);
    return r.stdout;
  }

  async headOf(repo: string): Promise<string> {
    return (await this.git(join(this.server.root, repo), ['rev-parse', 'HEAD'])).trim();
  }

  /**
   * Commit with native git as a person does: clone the bare repository under the data root,
   * write (string), rewrite (function of the old text) or remove (null) files, commit, push.
   */
  async nativeCommit(repo: string, edits: Record<string, string | null | ((old: string) => string)>, message: string): Promise<void> {
    const work = mkdtempSync(join(this.tmp, 'clone-'));
    try {
      await this.git(this.tmp, ['clone', '-q', join(this.server.root, repo), work]);
      for (const [file, edit] of Object.entries(edits)) {
        const abs = join(work, file);
        if (edit === null) unlinkSync(abs);
        else writeFileSync(abs, typeof edit === 'string' ? edit : edit(readFileSync(abs, 'utf8')));
      }
      await this.git(work, ['add', '-A']);
      await this.git(work, ['commit', '-q', '-m', message]);
      await this.git(work, ['push', '-q', 'origin', 'HEAD']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

function text(el: XmlElement | undefined): string | undefined {
  return el === undefined ? undefined : textOf(el).trim();
}

/** Replace one exact piece of text in a file, failing when it is not there. */
export function replaceIn(file: string, from: string, to: string): void {
  const old = readFileSync(file, 'utf8');
  assert.ok(old.includes(from), `${file} has no ${JSON.stringify(from)}`);
  writeFileSync(file, old.replace(from, to));
}

/** The same, for the function form `nativeCommit` takes. */
export const rewrite = (from: string, to: string) => (old: string): string => {
  assert.ok(old.includes(from), `no ${JSON.stringify(from)} in:\n${old}`);
  return old.replace(from, to);
};
