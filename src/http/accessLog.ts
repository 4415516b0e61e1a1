/**
 * One access-log line per request:
 *   2026-01-31T12:00:00.000Z PROPFIND /alice/calendars/ 207 12ms alice
 * Logged when the response is finished (or the connection closed), so streamed bodies are counted
 * in full and the status is the one actually sent, also when a later middleware threw.
 * Place it first (outermost); the user is whatever the auth middleware put in `ctx.state.user`.
 */
import type { ServerResponse } from 'node:http';
import type Koa from 'koa';

/** Control characters and spaces would let a request forge or split log lines. */
function clean(text: string): string {
  return text.replace(/[\x00-\x20\x7f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export function formatAccessLine(
  time: Date,
  method: string,
  url: string,
  status: number,
  ms: number,
  user: string | undefined,
): string {
  return `${time.toISOString()} ${clean(method)} ${clean(url)} ${status} ${Math.round(ms)}ms ${user ? clean(user) : '-'}`;
}

/** Writes the line once `res` is finished or its connection closed; `status` and `user` are asked then. */
export function logWhenDone(
  res: ServerResponse,
  method: string,
  url: string,
  status: () => number,
  user: () => string | undefined,
  write: (line: string) => void,
): void {
  const started = new Date();
  const t0 = performance.now();
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    write(formatAccessLine(started, method, url, status(), performance.now() - t0, user()));
  };
  res.once('finish', finish);
  res.once('close', finish);
}

export function createAccessLog(write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Koa.Middleware {
  return async (ctx, next) => {
    logWhenDone(
      ctx.res,
      ctx.method,
      ctx.originalUrl,
      () => (ctx.res.headersSent || ctx.res.writableEnded ? ctx.res.statusCode : ctx.status),
      () => {
        const user: unknown = ctx.state.user;
        return typeof user === 'string' ? user : undefined;
      },
      write,
    );
    await next();
  };
}
