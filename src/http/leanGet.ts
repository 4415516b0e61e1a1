/**
 * GET and HEAD straight on node:http, for requests whose user is already known on their connection.
 *
 * Why: clients fetch members one GET at a time, and Koa's context, middleware chain and respond
 * cost as much as the whole DAV work of a GET (issue 4's GET target). Everything that decides the
 * answer is shared with the Koa path: the same DAV handler (resolve, access check, conditional
 * GET, blob read), the same error responses and the same access log line. What is left out is
 * what a GET on an authenticated keep-alive connection does not need: the open routes (`/` and
 * `/.well-known/...`), the first preparation of a user's home, and credentials not yet checked on
 * this connection. Such requests, and anything unusual (a body, a fragment, an If header, proxy
 * authentication), go to Koa, which then remembers the connection's credentials for the next one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { splitPath } from '../dav/href.js';
import { toNodeStream } from '../dav/multistatus.js';
import type { DavRequest, DavResponse } from '../dav/types.js';
import { logWhenDone } from './accessLog.js';
import { errorResponse } from './errors.js';

export interface LeanGetDeps {
  /** The DAV core's handler, as the Koa path uses it. */
  handle(req: DavRequest): Promise<DavResponse>;
  /** The user this request's credentials were verified for on its connection, if any (synchronous). */
  knownUser(req: IncomingMessage): string | undefined;
  /** Whether the user's home has been prepared (the Koa path prepares it on a first request). */
  isReady(user: string): boolean;
  log: (line: string) => void;
  accessLog: boolean;
}

/** Statuses whose responses carry no body (Koa drops body, type and length for them too). */
const NO_BODY = new Set([204, 205, 304]);

function eligiblePath(url: string): boolean {
  if (url.length < 2 || url.charCodeAt(0) !== 0x2f || url.includes('#')) return false;
  // The open routes belong to Koa's router.
  return !url.toLowerCase().startsWith('/.well-known/');
}

function joined(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return headers;
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Writes a DAV response the way the Koa path's `send` and Koa's respond do. */
export function writeDavResponse(method: string, res: ServerResponse, r: DavResponse): void {
  const headers = r.headers; // the response's own object, made for this request
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
    else toNodeStream(r).pipe(res);
    return;
  }
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
  headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.writeHead(r.status, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

/**
 * A node:http listener step: takes the request and answers it when it is a GET/HEAD it can serve,
 * returning true; returns false (having touched nothing) otherwise.
 */
export function createLeanGet(deps: LeanGetDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const url = req.url ?? '';
    const host = req.headers.host;
    if (!host || !eligiblePath(url) || req.headers['if'] !== undefined || hasBody(req)) return false;
    const user = deps.knownUser(req);
    if (user === undefined || !deps.isReady(user)) return false;
    let status = 500;
    if (deps.accessLog) logWhenDone(res, method, url, () => (res.headersSent ? res.statusCode : status), () => user, deps.log);
    // Node joins repeated request headers into one string, all but Set-Cookie (an array).
    const headers = req.headers['set-cookie'] === undefined ? (req.headers as Readonly<Record<string, string | undefined>>) : joined(req);
    const answer = async (): Promise<DavResponse> => {
      const { segments, trailingSlash } = splitPath(url);
      return deps.handle({ method, segments, trailingSlash, headers, body: undefined, user, origin: `http://${host}` });
    };
    answer()
      .catch((err: unknown) => errorResponse(err, deps.log))
      .then((r) => {
        status = r.status;
        writeDavResponse(method, res, r);
      })
      .catch((err: unknown) => {
        deps.log(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        res.destroy();
      });
    return true;
  };
}
