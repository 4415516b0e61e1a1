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
import type { DavRequest, DavResponse } from '../dav/types.js';
import { logWhenDone } from './accessLog.js';
import { errorResponse } from './errors.js';
import { writeDavResponse } from './respond.js';

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

/** The open routes belong to Koa's router (matched case-insensitively there too). */
const OPEN_ROUTE = /^\/\.well-known\//i;

function eligiblePath(url: string): boolean {
  return url.length >= 2 && url.charCodeAt(0) === 0x2f && !url.includes('#') && !OPEN_ROUTE.test(url);
}

/**
 * Request headers as the DAV core takes them (one string per name). Node already joins repeated
 * headers into one string, all but Set-Cookie (an array): copy only when that one is there.
 */
export function davHeaders(req: IncomingMessage): Readonly<Record<string, string | undefined>> {
  if (req.headers['set-cookie'] === undefined) return req.headers as Readonly<Record<string, string | undefined>>;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return headers;
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
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
    const headers = davHeaders(req);
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
