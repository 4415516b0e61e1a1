import type { IncomingMessage, RequestListener } from 'node:http';
import { hostname } from 'node:os';
import Koa from 'koa';
import Router from '@koa/router';
import { createDavHandler } from '../dav/handler.js';
import { DavError } from '../dav/errors.js';
import { ensureUserHome } from '../dav/homes.js';
import { splitPath } from '../dav/href.js';
import type { DavResponse, LockManager, Registry } from '../dav/types.js';
import type { Author, Store } from '../store/types.js';
import { createAccessLog } from './accessLog.js';
import { createAuthMiddleware, HtpasswdAuthenticator } from './auth/index.js';
import { readBody } from './body.js';
import type { ServerConfig } from './config.js';
import { errorResponse } from './errors.js';
import { createLeanGet, davHeaders } from './leanGet.js';
import { writeDavResponse } from './respond.js';

export interface AppDeps {
  config: ServerConfig;
  store: Store;
  registry: Registry;
  locks: LockManager;
  log?: (line: string) => void;
}

/** os.hostname() is a system call, and authorFor runs on every request. */
let host: string | undefined;

export function authorFor(user: string): Author {
  return { name: user, email: user.includes('@') ? user : `${user}@${(host ??= hostname())}` };
}

const ROOT_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Kalends</title></head>
<body><h1>Kalends</h1>
<p>A CalDAV/CardDAV server where every calendar and address book is a Git repository.</p>
<p>Point your calendar or contacts app at this server's address; it finds your calendars and
address books by itself (<code>/.well-known/caldav</code>, <code>/.well-known/carddav</code>).</p>
</body></html>
`;

/** A DAV response goes out through our writer, not Koa's respond (see respond.ts). */
function send(ctx: Koa.Context, res: DavResponse): void {
  ctx.respond = false;
  if (ctx.res.headersSent) {
    // An error after the answer started: all that can be said is to cut it short.
    ctx.res.destroy();
    return;
  }
  writeDavResponse(ctx.method, ctx.res, res);
}

/** The server's request listener: lean GET/HEAD for connections whose user is known, Koa for the rest. */
export function createListener(deps: AppDeps): RequestListener {
  const { app, lean } = build(deps);
  const koa = app.callback();
  return (req, res) => {
    if (!lean(req, res)) void koa(req, res);
  };
}

export function createApp(deps: AppDeps): Koa {
  return build(deps).app;
}

function build(deps: AppDeps): { app: Koa; lean: ReturnType<typeof createLeanGet> } {
  const { config, store, registry, locks } = deps;
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const app = new Koa();
  app.proxy = config.auth.mode === 'proxy';
  const handle = createDavHandler({ store, registry, locks, maxBodyBytes: config.maxBodyBytes, authorFor });
  // One preparation per user, shared by the concurrent first requests of a new user.
  const readyUsers = new Map<string, Promise<void>>();
  const prepared = new Set<string>();
  const prepare = (user: string): Promise<void> => {
    let p = readyUsers.get(user);
    if (!p) {
      p = ensureUserHome(store, registry, user, authorFor(user), config.defaultCollections);
      readyUsers.set(user, p);
      p.then(
        () => prepared.add(user),
        () => readyUsers.delete(user),
      );
    }
    return p;
  };
  const auth = config.auth;
  const authenticator = auth.mode === 'htpasswd' ? new HtpasswdAuthenticator(auth.file, { log }) : undefined;
  const knownUser = (req: IncomingMessage): string | undefined => {
    if (auth.mode === 'none') return auth.user;
    const header = req.headers.authorization;
    return authenticator && header ? authenticator.connectionUser(req.socket, header) : undefined;
  };
  const lean = createLeanGet({ handle, knownUser, isReady: (user) => prepared.has(user), log, accessLog: config.accessLog });

  if (config.accessLog) app.use(createAccessLog(log));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      send(ctx, errorResponse(err, log));
    }
  });

  // Discovery (RFC 6764) and the page a browser sees: no credentials needed. RFC 6764 §5 allows
  // 301, 303 or 307; 307 is the one every HTTP library re-sends with the same method and body
  // (python requests, behind python caldav, drops a PROPFIND's body after a 301 and so loses
  // the current-user-principal question; 302/303 turn it into a GET). DAVx⁵ and Apple clients
  // re-send the request on any redirect. Temporary, so clients redo discovery if it moves.
  const open = new Router({ strict: false });
  for (const w of ['/.well-known/caldav', '/.well-known/carddav']) {
    open.all(w, (ctx) => {
      ctx.set('Location', '/');
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 307;
      ctx.body = '';
    });
  }
  open.get('/', (ctx, next) => {
    if (ctx.get('Authorization') || !ctx.accepts('html') || ctx.accepts('html', 'xml') !== 'html') return next();
    ctx.type = 'html';
    ctx.body = ROOT_PAGE;
  });
  // Only `/` and `/.well-known/...` are routed there; skipping the router for every other path
  // (every DAV request) saves its matching work. The router matches case-insensitively.
  const openRoutes = open.routes();
  app.use((ctx, next) => (ctx.path === '/' || ctx.path.toLowerCase().startsWith('/.well-known/') ? openRoutes(ctx as Parameters<typeof openRoutes>[0], next) : next()));

  app.use(createAuthMiddleware(config.auth, { log, authenticator }));

  app.use(async (ctx) => {
    // Koa 3's ctx.origin is the Origin request header, not scheme + host; and a request URI
    // never carries a fragment (RFC 9112 §3.2), so one is refused rather than silently cut off.
    if (ctx.url.includes('#')) throw new DavError(400, 'The request URI must not contain a fragment');
    const user = ctx.state.user as string;
    await prepare(user);
    // `OPTIONS *` asks about the server as a whole: answer as for the root.
    const { segments, trailingSlash } = ctx.method === 'OPTIONS' && ctx.url === '*' ? { segments: [], trailingSlash: true } : splitPath(ctx.path);
    const body = await readBody(ctx.req, config.maxBodyBytes);
    const res = await handle({ method: ctx.method, segments, trailingSlash, headers: davHeaders(ctx.req), body, user, origin: `${ctx.protocol}://${ctx.host}` });
    send(ctx, res);
  });
  return { app, lean };
}
