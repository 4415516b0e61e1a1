/**
 * Shared by the interop suites: run a tool with a bounded wait, decide skip-or-fail when a tool
 * is missing, and read a collection's history with native git (never through Kalends' code).
 */
import { spawn, spawnSync } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a program to completion, killing it after `timeoutMs`. */
export function run(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: Uint8Array | string; timeoutMs?: number } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a program that exits without reading its input
      child.stdin.end(opts.input);
    }
  });
}

/**
 * Why a suite cannot run here (a missing tool), or undefined. Under CI a missing tool is a
 * failure, not a skip: the caller turns the reason into a failing test.
 */
export function missingTool(checks: Array<{ what: string; cmd: string; args: string[] }>): string | undefined {
  for (const c of checks) {
    const r = spawnSync(c.cmd, c.args, { encoding: 'utf8', timeout: 20_000 });
    if (r.error || r.status !== 0) return `${c.what} is not available (${c.cmd} ${c.args.join(' ')}: ${r.error?.message ?? r.stderr.trim()})`;
  }
  return undefined;
}

export const IN_CI = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';

/** The blob id `git hash-object` gives these bytes (computed by native git). */
export async function gitHashObject(bytes: Uint8Array): Promise<string> {
  const r = await run('git', ['hash-object', '--stdin'], { input: bytes, timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`git hash-object failed: ${r.stderr}`);
  return r.stdout.trim();
}

export async function git(gitDir: string, args: string[]): Promise<string> {
  const r = await run('git', ['--git-dir', gitDir, ...args], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} in ${gitDir} failed: ${r.stderr}`);
  return r.stdout;
}

export interface GitCommit {
  id: string;
  authorName: string;
  authorEmail: string;
  subject: string;
  /** Files changed against the first parent: path -> new blob id (null when deleted). */
  changes: Array<{ path: string; blob: string | null }>;
}

/** The branch history, oldest first, read with native `git log --raw`. */
export async function gitHistory(gitDir: string): Promise<GitCommit[]> {
  const text = await git(gitDir, ['log', '--reverse', '--no-abbrev', '--raw', '--no-renames', '--format=%x01%H%x09%an%x09%ae%x09%s']);
  const commits: GitCommit[] = [];
  for (const chunk of text.split('\x01').slice(1)) {
    const [head, ...lines] = chunk.split('\n');
    const [id, authorName, authorEmail, subject] = head!.split('\t') as [string, string, string, string];
    const changes: GitCommit['changes'] = [];
    for (const line of lines) {
      const m = /^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) ([AMD])\t(.*)$/.exec(line);
      if (m) changes.push({ path: m[3]!, blob: m[2] === 'D' ? null : m[1]! });
    }
    commits.push({ id, authorName, authorEmail, subject, changes });
  }
  return commits;
}
