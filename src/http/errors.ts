import { DavError } from '../dav/errors.js';
import type { DavResponse } from '../dav/types.js';
import { XmlWriter } from '../dav/xml/writer.js';
import { dav } from '../dav/xml/names.js';
import { StoreError } from '../store/types.js';

/** The one place where errors become responses. */
export function errorResponse(err: unknown, log: (line: string) => void): DavResponse {
  const e = toDavError(err);
  if (e.status >= 500) log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const headers: Record<string, string> = { ...e.headers };
  if (e.condition) {
    let body = '';
    const w = new XmlWriter((c) => (body += c));
    w.open(dav('error')).open(e.condition);
    for (const c of e.conditionContent) w.node(c);
    w.close();
    if (e.message) w.leaf(dav('responsedescription'), e.message);
    w.end();
    headers['Content-Type'] = 'application/xml; charset=utf-8';
    return { status: e.status, headers, body };
  }
  headers['Content-Type'] = 'text/plain; charset=utf-8';
  return { status: e.status, headers, body: `${e.message}\n` };
}

export function toDavError(err: unknown): DavError {
  if (err instanceof DavError) return err;
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'exists':
        return new DavError(405, 'A resource already exists at this URL');
      case 'missing':
        return new DavError(404, 'Not Found');
      case 'invalid-path':
        return new DavError(400, err.message);
      case 'busy':
        return new DavError(503, 'The collection is busy (a Git lock is held); try again', { headers: { 'Retry-After': '2' } });
      case 'conflict':
        return new DavError(503, 'The collection kept changing under this write; try again', { headers: { 'Retry-After': '1' } });
      case 'corrupt':
        return new DavError(500, `Repository problem: ${err.message}`, { cause: err });
    }
  }
  // File system conditions that are not bugs: a full disk is RFC 4918's 507.
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new DavError(507, 'Insufficient storage on the server', { cause: err });
  if (code === 'ENAMETOOLONG') return new DavError(400, 'A name in this URL is too long', { cause: err });
  return new DavError(500, 'Internal Server Error', { cause: err });
}
