/**
 * Writes a DAV response on node:http, for the Koa path and the lean GET path alike: what Koa's own
 * respond would do with it (Content-Length for whole bodies, no body for HEAD, none of body, type and
 * length for 204/205/304), without Koa's body sniffing (its first check of a stream body against the
 * fetch Response class loads undici: tens of ms on the first answer after a start).
 */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { toNodeStream } from '../dav/multistatus.js';
import type { DavResponse } from '../dav/types.js';

/** Statuses whose responses carry no body (Koa drops body, type and length for them too). */
const NO_BODY = new Set([204, 205, 304]);

export function writeDavResponse(method: string, res: ServerResponse, r: DavResponse): void {
  const headers = { ...r.headers };
  if (NO_BODY.has(r.status)) {
    delete headers['Content-Type'];
    delete headers['Content-Length'];
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  if (r.stream) {
    res.writeHead(r.status, headers);
    if (method === 'HEAD') res.end();
    // pipeline, not pipe: a client gone mid-answer stops the producer's stream too.
    else pipeline(toNodeStream(r), res, () => undefined);
    return;
  }
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.writeHead(r.status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}
