/**
 * Koa middleware that establishes who is asking: sets `ctx.state.user` (a validated user name, safe
 * as a directory name) or answers 401/403 and stops. Modes: htpasswd (HTTP Basic), none (a fixed
 * user; the CLI allows it on loopback only) and proxy (a trusted reverse proxy names the user).
 */
import type Koa from 'koa';
import type { AuthConfig } from '../config.js';
import { HtpasswdAuthenticator, type HtpasswdAuthenticatorOptions } from './authenticator.js';
import { BASIC_CHALLENGE, parseBasicAuthorization } from './basic.js';
import { createTrustedMatcher, normaliseAddress } from './proxy.js';
import { isValidUserName, USER_NAME_RULE } from './userName.js';

export interface AuthMiddlewareOptions {
  /** Use this authenticator in htpasswd mode (tests inject one with a counting verifier). */
  authenticator?: HtpasswdAuthenticator;
  /** Options for the authenticator created when none is given. */
  htpasswd?: HtpasswdAuthenticatorOptions;
  /** Where failed logins and refused proxy requests are reported. Default: stderr. */
  log?: (line: string) => void;
}

function remoteOf(ctx: Koa.Context): string {
  return normaliseAddress(ctx.req.socket.remoteAddress ?? 'unknown');
}

function challenge(ctx: Koa.Context): void {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', BASIC_CHALLENGE);
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = 'Authentication required.\n';
}

function refuse(ctx: Koa.Context, status: 401 | 403, text: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = text + '\n';
}

export function createAuthMiddleware(auth: AuthConfig, opts: AuthMiddlewareOptions = {}): Koa.Middleware {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));

  switch (auth.mode) {
    case 'none': {
      if (!isValidUserName(auth.user)) throw new Error(`invalid user ${JSON.stringify(auth.user)}: ${USER_NAME_RULE}`);
      const user = auth.user;
      return async (ctx, next) => {
        ctx.state.user = user;
        await next();
      };
    }

    case 'htpasswd': {
      const authenticator =
        opts.authenticator ?? new HtpasswdAuthenticator(auth.file, { log, ...opts.htpasswd });
      return async (ctx, next) => {
        const header = ctx.get('Authorization');
        const creds = parseBasicAuthorization(header || undefined);
        if (!creds) return challenge(ctx);
        const remote = remoteOf(ctx);
        if (!isValidUserName(creds.user)) {
          log(`auth: refused malformed user name ${JSON.stringify(creds.user.slice(0, 80))} from ${remote}`);
          return challenge(ctx);
        }
        if (!(await authenticator.authenticate(creds.user, creds.password, remote, { socket: ctx.req.socket, header }))) {
          log(`auth: failed login for ${creds.user} from ${remote}`);
          return challenge(ctx);
        }
        ctx.state.user = creds.user;
        await next();
      };
    }

    case 'proxy': {
      const header = auth.header.toLowerCase();
      const trusted = createTrustedMatcher(auth.trusted);
      return async (ctx, next) => {
        const remote = remoteOf(ctx);
        const value = ctx.req.headers[header];
        // Nobody downstream may read a user header that we did not vouch for.
        delete ctx.req.headers[header];
        if (!trusted(remote)) {
          log(`auth: request from ${remote}, which is not a trusted proxy; refused`);
          return refuse(ctx, 403, 'Requests must come through the authenticating proxy.');
        }
        const user = typeof value === 'string' ? value.trim() : undefined;
        if (!user) return refuse(ctx, 401, `The proxy did not send ${auth.header}.`);
        if (!isValidUserName(user)) {
          log(`auth: proxy ${remote} sent a malformed user name ${JSON.stringify(user.slice(0, 80))}; refused`);
          return refuse(ctx, 403, `The user name is not allowed: ${USER_NAME_RULE}.`);
        }
        ctx.req.headers[header] = user;
        ctx.state.user = user;
        await next();
      };
    }
  }
}
