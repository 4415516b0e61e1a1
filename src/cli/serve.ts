/** `kalends serve`: builds a ServerConfig from the command line, refuses unsafe setups, runs until a signal. */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, type AuthConfig, type ServerConfig } from '../http/config.js';
import { createTrustedMatcher } from '../http/auth/proxy.js';
import { parseHtpasswd } from '../http/auth/htpasswd.js';
import { isValidUserName, USER_NAME_RULE } from '../http/auth/userName.js';
import { CliError, isLoopbackHost, parseInteger } from './common.js';
import { initDemoRoot, isMissingOrEmpty, type DemoResult } from './demo.js';

export const SERVE_HELP = `Usage: kalends serve --root DIR [options]
       kalends serve --demo [--root DIR] [options]

Serve the calendars and address books under DIR over CalDAV/CardDAV.

Options:
  --root DIR               data root (one bare Git repository per collection); created if missing
  --demo                   serve demo data; DIR (default ./data) is filled from sample-repos/
                           on first start, with user "demo", password "demo"; loopback only
  --host ADDR              address to listen on (default 127.0.0.1)
  --port N                 port (default ${DEFAULT_PORT}; 0 picks a free one)
  --auth MODE              htpasswd | none | proxy. Default: htpasswd when --htpasswd is given
                           or DIR/htpasswd exists; otherwise none on loopback, refused elsewhere
  --htpasswd FILE          htpasswd file (bcrypt, $apr1$ or {SHA} entries); default DIR/htpasswd
  --user NAME              the user every request acts as with --auth none
                           (default: your login name)
  --proxy-header NAME      header carrying the user with --auth proxy (default X-Remote-User)
  --trusted-proxy ADDR     address or CIDR range of the proxy; repeatable (default 127.0.0.1, ::1)
  --max-body BYTES         largest request body accepted (default ${DEFAULT_MAX_BODY_BYTES})
  --no-default-collections do not create a calendar and an address book for a new user
  --quiet                  no access log
  -h, --help               this help

--auth none is refused unless --host is a loopback address (127.0.0.0/8, ::1, localhost).
`;

interface ServeValues {
  root?: string;
  demo?: boolean;
  host?: string;
  port?: string;
  auth?: string;
  htpasswd?: string;
  user?: string;
  'proxy-header'?: string;
  'trusted-proxy'?: string[];
  'max-body'?: string;
  'no-default-collections'?: boolean;
  quiet?: boolean;
  help?: boolean;
}

function parseServeArgs(args: string[]): ServeValues {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        root: { type: 'string' },
        demo: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        auth: { type: 'string' },
        htpasswd: { type: 'string' },
        user: { type: 'string' },
        'proxy-header': { type: 'string' },
        'trusted-proxy': { type: 'string', multiple: true },
        'max-body': { type: 'string' },
        'no-default-collections': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nSee: kalends serve --help`);
  }
}

function defaultNoneUser(): string {
  try {
    const name = userInfo().username;
    if (isValidUserName(name)) return name;
  } catch {
    // no passwd entry (containers): fall through
  }
  return 'user';
}

/** Decides the auth mode; throws CliError for every setup that would expose data without a login. */
export function resolveAuth(v: ServeValues, root: string, host: string, warn: (line: string) => void): AuthConfig {
  const explicitFile = v.htpasswd !== undefined ? resolve(v.htpasswd) : undefined;
  const rootFile = join(root, 'htpasswd');
  let mode = v.auth;
  if (mode === undefined) {
    if (explicitFile || existsSync(rootFile)) mode = 'htpasswd';
    else if (isLoopbackHost(host)) mode = 'none';
    else {
      throw new CliError(
        `refusing to listen on ${host} without authentication: no --htpasswd given and ${rootFile} does not exist.\n` +
          `Create users with "kalends user add NAME --htpasswd FILE" and pass --htpasswd FILE, ` +
          `or use --auth proxy behind an authenticating reverse proxy.`,
      );
    }
  }
  switch (mode) {
    case 'htpasswd': {
      const file = explicitFile ?? rootFile;
      if (!existsSync(file)) {
        throw new CliError(`htpasswd file ${file} does not exist; create it with: kalends user add NAME --htpasswd ${file}`);
      }
      return { mode: 'htpasswd', file };
    }
    case 'none': {
      if (!isLoopbackHost(host)) {
        throw new CliError(
          `--auth none is only allowed on a loopback address (127.0.0.1, ::1, localhost), not on ${host}: ` +
            `anyone who can reach the port would read and write every calendar. Use --htpasswd FILE.`,
        );
      }
      const user = v.user ?? defaultNoneUser();
      if (!isValidUserName(user)) throw new CliError(`--user ${JSON.stringify(user)}: ${USER_NAME_RULE}`);
      if (v.auth === undefined) warn(`no htpasswd file: no login, every request acts as user "${user}" (loopback only)`);
      return { mode: 'none', user };
    }
    case 'proxy': {
      const header = v['proxy-header'] ?? 'X-Remote-User';
      if (!/^[A-Za-z0-9-]+$/.test(header)) throw new CliError(`--proxy-header ${JSON.stringify(header)} is not a header name`);
      if (header.toLowerCase() === 'authorization') throw new CliError('--proxy-header cannot be Authorization');
      const trusted = v['trusted-proxy'] ?? ['127.0.0.1', '::1'];
      try {
        createTrustedMatcher(trusted);
      } catch (err) {
        throw new CliError(`--trusted-proxy: ${(err as Error).message}`);
      }
      return { mode: 'proxy', header, trusted };
    }
    default:
      throw new CliError(`--auth must be htpasswd, none or proxy, not ${JSON.stringify(mode)}`);
  }
}

function describeAuth(auth: AuthConfig): string {
  switch (auth.mode) {
    case 'htpasswd':
      return `HTTP Basic against ${auth.file}`;
    case 'none':
      return `none (every request is user "${auth.user}")`;
    case 'proxy':
      return `user from header ${auth.header}, trusted from ${auth.trusted.join(', ')}`;
  }
}

function printDemo(out: (line: string) => void, url: string, demo: DemoResult | null, users: string[]): void {
  const base = url.replace(/\/$/, '');
  if (demo) out(`Demo data imported: ${demo.collections.length} collections (${demo.collections.join(', ') || 'none'})`);
  out(`Demo logins (password = user name${demo ? '' : ', unless you changed it'}):`);
  for (const u of users) out(`  user ${u}  password ${u}`);
  const u = users[0] ?? 'demo';
  out('Point a client at:');
  out(`  CalDAV/CardDAV discovery:  ${base}/  (or ${base}/.well-known/caldav)`);
  out(`  principal:                 ${base}/${u}/`);
  out(`  calendars:                 ${base}/${u}/calendars/`);
  out(`  address books:             ${base}/${u}/contacts/`);
}

export async function serveCommand(args: string[]): Promise<number> {
  const v = parseServeArgs(args);
  if (v.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  const out = (line: string): void => void process.stdout.write(line + '\n');
  const warn = (line: string): void => void process.stderr.write(`kalends: warning: ${line}\n`);

  if (v.root === undefined && !v.demo) throw new CliError('--root DIR is required (or --demo)\nSee: kalends serve --help');
  const root = resolve(v.root ?? 'data');
  const host = v.host ?? '127.0.0.1';
  const port = v.port === undefined ? DEFAULT_PORT : parseInteger(v.port, '--port', 0, 65535);
  const maxBodyBytes =
    v['max-body'] === undefined ? DEFAULT_MAX_BODY_BYTES : parseInteger(v['max-body'], '--max-body', 1024, 2 ** 40);

  let demo: DemoResult | null = null;
  if (v.demo) {
    if (!isLoopbackHost(host)) {
      throw new CliError(`--demo publishes its passwords, so it only listens on loopback (127.0.0.1, ::1, localhost), not ${host}`);
    }
    if (await isMissingOrEmpty(root)) {
      out(`Creating demo data in ${root} ...`);
      demo = await initDemoRoot(root);
    } else {
      out(`Serving the existing data in ${root} (delete it to start over from the demo data)`);
    }
  }

  const auth = resolveAuth(v, root, host, warn);
  if (!existsSync(root)) {
    await mkdir(root, { recursive: true });
    out(`Created data root ${root}`);
  }
  const config: ServerConfig = {
    root,
    host,
    port,
    auth,
    maxBodyBytes,
    defaultCollections: !v['no-default-collections'],
    accessLog: !v.quiet,
  };

  const { startServer } = await import('../http/server.js');
  const server = await startServer(config);
  out(`Kalends listening on ${server.url} — data ${root} — auth: ${describeAuth(auth)}`);
  if (v.demo && auth.mode === 'htpasswd') {
    const users = demo
      ? demo.users.map((u) => u.name)
      : [...parseHtpasswd(await readFile(auth.file, 'utf8')).entries.keys()];
    printDemo(out, server.url, demo, users);
  }
  out('Stop with Ctrl-C.');

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`kalends: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      process.stderr.write(`kalends: ${signal}, closing\n`);
      const force = setTimeout(() => {
        process.stderr.write('kalends: close took more than 10 s, exiting\n');
        process.exit(1);
      }, 10_000);
      force.unref();
      server.close().then(
        () => resolveStop(),
        (err: unknown) => {
          process.stderr.write(`kalends: error while closing: ${String(err)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write('kalends: closed\n');
  return 0;
}
