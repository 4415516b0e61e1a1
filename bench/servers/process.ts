/**
 * Server processes: a free loopback port, spawn, wait until the port accepts, stop by PID (TERM,
 * then KILL after a bounded wait), RSS from /proc, child processes (Kalends' background git gc).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Proc {
  pid: number;
  child: ChildProcess;
  /** The last lines the process wrote (for error messages). */
  tail(): string;
  /** What the process wrote in its chunks that hold an `error: ` line (Kalends' 5xx log), at most 8 KB. */
  errors(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

/** Every process the bench started and has not stopped yet, so a Ctrl-C can stop them by PID. */
export const live = new Set<Proc>();

export function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
  const lines: string[] = [];
  let errors = '';
  const keep = (d: Buffer): void => {
    const text = d.toString();
    lines.push(...text.split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
    if (errors.length < 8192 && /^error: /m.test(text)) errors = (errors + text).slice(0, 8192);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const proc: Proc = {
    pid,
    child,
    tail: () => lines.join('\n'),
    errors: () => errors,
    exited,
    stop: async () => {
      live.delete(proc);
      if (exited()) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(pid, 'SIGTERM');
      const t = sleep(15_000, 'timeout' as const);
      if ((await Promise.race([gone, t])) === 'timeout' && !exited()) {
        process.kill(pid, 'SIGKILL');
        await Promise.race([gone, sleep(5_000)]);
      }
    },
  };
  live.add(proc);
  return proc;
}

/** Polls until the port accepts a connection (every 5 ms), the process dies, or the deadline passes. */
export async function waitForPort(proc: Proc, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`server exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.tail()}`);
    if (await canConnect(port)) return;
    await sleep(5);
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms:\n${proc.tail()}`);
}

/** Resident set size of a process in MB (VmRSS), or undefined when it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** PIDs whose parent is `pid` (from /proc/<n>/stat). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === pid) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/**
 * Waits (bounded) until the server has had no child process for `quietMs` in a row: Kalends runs
 * `git gc` as a child in the background (also once a repository has been quiet for 2 s after
 * writes), and disk figures are taken once its maintenance has settled.
 */
export async function waitForNoChildren(pid: number, timeoutMs: number, quietMs = 600): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const now = Date.now();
    if (childPids(pid).length > 0) quietSince = undefined;
    else if ((quietSince ??= now) + quietMs <= now) return true;
    await sleep(200);
  }
  return false;
}

/**
 * Samples every 100 ms whether the server has a child process (Kalends' background `git gc`),
 * so a profile can say how much of a phase's wall time overlapped with one.
 */
export class ChildSampler {
  private readonly busy: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number) {
    this.timer = setInterval(() => {
      if (childPids(pid).length > 0) this.busy.push(Number(process.hrtime.bigint() / 1000n));
    }, 100);
    this.timer.unref();
  }

  /** Milliseconds (at 100 ms resolution) with a child running between two monotonic µs stamps. */
  busyMs(startUs: number, endUs: number): number {
    return this.busy.filter((t) => t >= startUs && t < endUs).length * 100;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
