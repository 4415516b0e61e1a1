/**
 * Start a real Kalends process on 127.0.0.1 for integration tests, on a fresh data root, and
 * stop it by PID. Users get bcrypt passwords in an htpasswd file (cost 4 to keep tests fast).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import bcrypt from 'bcryptjs';

const REPO = new URL('../../', import.meta.url).pathname;

export interface Kalends {
  url: string;
  origin: string;
  port: number;
  root: string;
  /** The htpasswd file the server checks logins against. */
  htpasswd: string;
  pid: number;
  /** `Authorization` header value for a user. */
  auth(user: string): string;
  /** Lines the server printed on stderr (access log, errors). */
  log: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  users?: Record<string, string>;
  /** Use an existing data root (it is not removed on stop). */
  root?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export async function startKalends(opts: StartOptions = {}): Promise<Kalends> {
  const users = opts.users ?? { alice: 'alice-pw', bob: 'bob-pw' };
  const ownRoot = opts.root === undefined;
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'kalends-test-'));
  const htpasswd = join(mkdtempSync(join(tmpdir(), 'kalends-htpasswd-')), 'htpasswd');
  writeFileSync(htpasswd, Object.entries(users).map(([u, p]) => `${u}:${bcrypt.hashSync(p, 4)}`).join('\n') + '\n');
  const args = ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'serve', '--root', root, '--host', '127.0.0.1', '--port', '0', '--htpasswd', htpasswd, ...(opts.extraArgs ?? [])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Kalends did not start in 20 s:\n${out}\n${log.join('\n')}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => log.push(...d.toString().split('\n').filter(Boolean)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Kalends exited with ${code} before listening:\n${out}\n${log.join('\n')}`));
    });
  });
  const u = new URL(url);
  const pid = child.pid!;
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    root,
    htpasswd,
    pid,
    log,
    auth: (user) => 'Basic ' + Buffer.from(`${user}:${users[user]}`).toString('base64'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        process.kill(pid, 'SIGTERM');
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
        if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(pid, 'SIGKILL');
      }
      if (ownRoot) rmSync(root, { recursive: true, force: true });
      rmSync(dirname(htpasswd), { recursive: true, force: true });
    },
  };
}
