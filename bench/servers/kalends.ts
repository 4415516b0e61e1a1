/**
 * Kalends from the build (dist/), with an htpasswd user (bcrypt, as deployed: the server caches
 * successful checks), access log off, no default collections (the workload creates its own).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { basicAuth } from '../http.js';
import { freePort, startProcess, waitForPort } from './process.js';
import type { RunningServer, ServerSpec } from './types.js';

const REPO = new URL('../../', import.meta.url).pathname;
const MAIN = join(REPO, 'dist/cli/main.js');
const USER = 'bench';
const PASSWORD = 'bench-password';

/** Bare repositories under a directory (a HEAD file next to an objects/ directory). */
function bareRepos(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    if (existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects'))) {
      out.push(d);
      continue;
    }
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
    }
  }
  return out;
}

/** Kalends; `nodeArgs` go to node before the script (e.g. --cpu-prof for profiling). */
export function makeKalends(nodeArgs: string[] = []): ServerSpec {
  return {
    id: 'kalends',
    label: 'Kalends',
    async probe() {
      if (!existsSync(MAIN)) return new Error(`${MAIN} is missing: run "npm run build" (npm run bench does)`);
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version?: string };
      const head = spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
      return `${pkg.version ?? '?'}${head.status === 0 ? ` (${head.stdout.trim()})` : ''}`;
    },
    async start(dataDir, workDir): Promise<RunningServer> {
      const htpasswd = join(workDir, 'htpasswd');
      if (!existsSync(htpasswd)) writeFileSync(htpasswd, `${USER}:${bcrypt.hashSync(PASSWORD, 10)}\n`);
      const port = await freePort();
      const args = [MAIN, 'serve', '--root', dataDir, '--host', '127.0.0.1', '--port', String(port), '--htpasswd', htpasswd, '--quiet', '--no-default-collections'];
      const proc = startProcess(process.execPath, [...nodeArgs, ...args], process.env, REPO);
      await waitForPort(proc, port, 60_000);
      return {
        origin: `http://127.0.0.1:${port}`,
        pid: proc.pid,
        calPath: `/${USER}/calendars/bench/`,
        bookPath: `/${USER}/contacts/bench/`,
        calDir: join(dataDir, USER, 'calendars', 'bench'),
        dataDir,
        authorization: basicAuth(USER, PASSWORD),
        tail: proc.tail,
        stop: proc.stop,
      };
    },
    /** The command src/store/maintenance.ts runs in the background, run here on every repository. */
    async maintain(dataDir) {
      for (const gitDir of bareRepos(dataDir)) {
        await new Promise<void>((resolve, reject) => {
          const child = spawn('git', ['--git-dir', gitDir, '-c', 'gc.autoDetach=false', 'gc', '--quiet'], { stdio: 'ignore' });
          child.on('error', reject);
          child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git gc exited ${code} in ${gitDir}`))));
        });
      }
    },
  };
}
