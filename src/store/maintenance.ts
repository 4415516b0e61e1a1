/**
 * Background maintenance: every commit of a big flat collection writes a whole new root tree as a
 * loose object, so loose objects pile up fast. Past a threshold of commits or bytes written since
 * the last run, native `git gc` packs them. It runs beside writes, as git's own auto-gc does next
 * to native commits: refs move under git's lock-file protocol, which gc honours; fresh loose objects
 * are never pruned (2-week expiry, and writes freshen objects they reuse); readers look again
 * after a pack they knew went away. Holding the repository's mutex instead stalled every write for
 * the whole run (seconds at 10k items, a third of the If-Match bench's wall time). A failure is
 * logged and never reaches a write.
 *
 * A burst of writes usually ends between two thresholds, and what landed during the last run stays
 * loose: up to a threshold's worth (8 MiB, twenty 10k-item root trees, as much as the whole packed
 * 10k calendar of the benchmark). So once a repository has had no commit for IDLE_MS, what is left
 * loose is packed too when it weighs at least an eighth of the byte threshold.
 */
import { spawn, spawnSync } from 'node:child_process';
import { setPriority } from 'node:os';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Niceness of maintenance runs (0 = as the server, 19 = lowest). */
const GC_NICENESS = 10;

export interface MaintenanceOptions {
  /** Run gc after this many commits since the last run (default 100). */
  gcAfterCommits?: number;
  /**
   * ...or after this many bytes of objects written (default 64 MiB: a flat 10k root tree is ~440 KB,
   * stored uncompressed). Sooner when the repository's packs are smaller: loose bytes are let grow to
   * the packed size (at least 8 MiB), so a repository stays within about twice its packed size.
   */
  gcAfterBytes?: number;
  log?: (msg: string) => void;
}

export interface MaintenanceResult {
  /** False when no `git` binary is available (nothing was done). */
  ran: boolean;
  ok: boolean;
  ms: number;
  error?: string;
}

interface Counter {
  commits: number;
  bytes: number;
  /** Bytes of loose objects that start a run: min(gcAfterBytes, max(8 MiB, packed size)). */
  limit: number;
}

const MIN_LOOSE_BYTES = 8 * 1024 * 1024;
/** Quiet time after a repository's last commit before what is left loose is packed. */
const IDLE_MS = 2000;
/** Below this many packs a run only packs the loose objects; at it, a full `git gc` merges packs. */
const FULL_GC_PACKS = 8;

function packStats(gitDir: string): { count: number; bytes: number } {
  const dir = join(gitDir, 'objects', 'pack');
  let count = 0;
  let bytes = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.pack')) continue;
      count++;
      try {
        bytes += statSync(join(dir, name)).size;
      } catch {
        // replaced by a run in progress
      }
    }
  } catch {
    // no pack directory yet
  }
  return { count, bytes };
}

let gitChecked: boolean | undefined;

/** Whether a `git` binary is on PATH (checked once per process). */
export function gitAvailable(): boolean {
  if (gitChecked === undefined) {
    const r = spawnSync('git', ['--version'], { stdio: 'ignore', env: gitEnv() });
    gitChecked = r.status === 0;
  }
  return gitChecked;
}

/** The environment for native git: nothing inherited that would point it at another repository. */
export function gitEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('GIT_') && k !== 'GIT_EXEC_PATH') delete env[k];
  }
  return env;
}

export class Maintenance {
  private readonly counters = new Map<string, Counter>();
  private readonly running = new Map<string, Promise<MaintenanceResult>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly afterCommits: number;
  private readonly afterBytes: number;
  private readonly log: (msg: string) => void;
  private closed = false;

  constructor(
    /** Called after a run, so caches holding pack indexes can be dropped. */
    private readonly onDone: (gitDir: string) => void,
    opts: MaintenanceOptions = {},
  ) {
    this.afterCommits = opts.gcAfterCommits ?? 100;
    this.afterBytes = opts.gcAfterBytes ?? 64 * 1024 * 1024;
    this.log = opts.log ?? ((m) => process.stderr.write(`${m}\n`));
  }

  /** Count a commit; past the threshold, start gc in the background (never awaited by the writer). */
  recordCommit(gitDir: string, bytes: number, commits = 1): void {
    let c = this.counters.get(gitDir);
    if (!c) {
      c = { commits: 0, bytes: 0, limit: Math.min(this.afterBytes, Math.max(MIN_LOOSE_BYTES, packStats(gitDir).bytes)) };
      this.counters.set(gitDir, c);
    }
    c.commits += commits;
    c.bytes += bytes;
    if ((c.commits >= this.afterCommits || c.bytes >= c.limit) && !this.running.has(gitDir) && !this.closed) {
      void this.run(gitDir, false);
    }
    this.armIdle(gitDir);
  }

  /** (Re)start the quiet-time timer of a repository: see the module comment. */
  private armIdle(gitDir: string): void {
    clearTimeout(this.idleTimers.get(gitDir));
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(gitDir);
      const c = this.counters.get(gitDir);
      // A run in progress re-arms the timer when it ends.
      if (c && c.commits > 0 && c.bytes >= c.limit / 8 && !this.running.has(gitDir) && !this.closed) void this.run(gitDir, false);
    }, IDLE_MS);
    timer.unref();
    this.idleTimers.set(gitDir, timer);
  }

  /**
   * Run maintenance on one repository now (or join the run in progress) and wait for it: a full
   * `git gc` when asked for (`full`, the default) or when packs piled up, else a repack of the loose
   * objects only.
   */
  run(gitDir: string, full = true): Promise<MaintenanceResult> {
    const existing = this.running.get(gitDir);
    if (existing) return existing;
    // Commits landing during the run stay loose: they count towards the next one.
    if (gitAvailable()) this.counters.delete(gitDir);
    const p = this.gc(gitDir, full || packStats(gitDir).count + 1 >= FULL_GC_PACKS)
      .then((r) => {
        this.onDone(gitDir);
        return r;
      })
      .finally(() => {
        this.running.delete(gitDir);
        // Commits that landed during the run are loose: look at them once writes go quiet.
        if (this.counters.has(gitDir)) this.armIdle(gitDir);
      });
    this.running.set(gitDir, p);
    return p;
  }

  /** Wait for runs in progress in `dir` or below it (before it is moved or removed). */
  async settle(dir: string): Promise<void> {
    const inside = (g: string) => g === dir || g.startsWith(`${dir}/`);
    await Promise.allSettled([...this.running].filter(([g]) => inside(g)).map(([, p]) => p));
  }

  /** Wait for every run in progress. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Start nothing new and wait for runs in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    await this.idle();
  }

  /** Forget counters and pending quiet-time runs of repositories at or under `dir`, which went away. */
  forget(dir: string): void {
    const inside = (g: string) => g === dir || g.startsWith(`${dir}/`);
    for (const g of [...this.counters.keys()]) if (inside(g)) this.counters.delete(g);
    for (const [g, t] of [...this.idleTimers]) {
      if (!inside(g)) continue;
      clearTimeout(t);
      this.idleTimers.delete(g);
    }
  }

  private async gc(gitDir: string, full: boolean): Promise<MaintenanceResult> {
    const start = Date.now();
    if (!gitAvailable()) return { ran: false, ok: false, ms: 0 };
    const result = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
      // Packing only the loose objects costs what they weigh; merging every pack (`git gc`) costs the
      // whole repository, so it runs once packs pile up. gc.autoDetach=false: a run is over when
      // the child exits (callers wait for it before moving or removing a repository).
      const args = full ? ['-c', 'gc.autoDetach=false', 'gc', '--quiet'] : ['repack', '-d', '-q'];
      const child = spawn('git', ['--git-dir', gitDir, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: gitEnv(),
      });
      // Background work: on a small machine a repack of a 10k collection takes seconds of CPU,
      // which should go to requests first. Set before git starts its pack-objects child, which
      // inherits it; a failure (no permission, process gone) only leaves the default priority.
      if (child.pid !== undefined) {
        try {
          setPriority(child.pid, GC_NICENESS);
        } catch {
          // keep the default priority
        }
      }
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        if (stderr.length < 4096) stderr += d;
      });
      child.on('error', (e) => resolve({ ok: false, error: e.message }));
      child.on('close', (code) => resolve(code === 0 ? { ok: true } : { ok: false, error: `exit ${code}: ${stderr.trim()}` }));
    });
    const ms = Date.now() - start;
    if (!result.ok) this.log(`kalends: git ${full ? 'gc' : 'repack'} failed in ${gitDir}: ${result.error ?? 'unknown error'}`);
    return result.error === undefined ? { ran: true, ok: result.ok, ms } : { ran: true, ok: result.ok, ms, error: result.error };
  }
}
