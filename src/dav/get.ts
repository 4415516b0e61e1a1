import { checkReadPreconditions } from './conditional.js';
import { DavError } from './errors.js';
import { childrenResources } from './propfind.js';
import type { DavEnv, DavRequest, DavResponse, Resource } from './types.js';
import { escapeXml } from './xml/writer.js';

/** The last formatted time: GETs of one collection share their snapshot's time. */
let lastDate: Date | undefined;
let lastText = '';
function httpDate(d: Date): string {
  if (d !== lastDate) {
    lastDate = d;
    lastText = d.toUTCString();
  }
  return lastText;
}

/** GET/HEAD. Files return their stored bytes untouched; collections a small HTML index for people. */
export async function get(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  if (r.kind === 'missing') throw new DavError(404, 'Not Found');
  // RFC 4918 §10.4 applies the If header to every method: with no write targets this only evaluates it (412).
  if (req.headers['if'] !== undefined) await env.locks.checkWrite(req, []);
  if (r.kind === 'file') {
    const etag = `"${r.blob}"`;
    const lastModified = r.coll.snapshot.time;
    const headers: Record<string, string> = { ETag: etag, 'Content-Type': r.coll.type.memberContentType(r.path.split('/').pop()!) };
    if (lastModified) headers['Last-Modified'] = httpDate(lastModified);
    if (checkReadPreconditions(req, { exists: true, etag, lastModified }) === 304) return { status: 304, headers };
    const data = await env.readBlob(r.coll, r.blob);
    return { status: 200, headers, body: data };
  }
  const children = await childrenResources(env, r);
  const items = children.map((c) => `<li><a href="${escapeXml(c.href, true)}">${escapeXml(decodeURIComponent(c.href))}</a></li>`).join('\n');
  const title = escapeXml(decodeURIComponent(r.href));
  const html = `<!doctype html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body><h1>${title}</h1>\n<ul>\n${items}\n</ul></body></html>\n`;
  const headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' };
  if (r.kind === 'collection' && r.coll.snapshot.commit) headers.ETag = `"${r.coll.snapshot.commit}"`;
  return { status: 200, headers, body: html };
}
