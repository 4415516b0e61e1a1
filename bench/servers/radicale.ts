/**
 * Radicale (Debian package) run by Debian's python with a config file in the work directory:
 * no auth (the Basic user name becomes the owner), owner_only rights, warnings-only logging.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuth } from '../http.js';
import { writeItems } from './preload.js';
import { freePort, startProcess, waitForPort } from './process.js';
import type { RunningServer, ServerSpec } from './types.js';

const PYTHON = '/usr/bin/python3';

export const radicale: ServerSpec = {
  id: 'radicale',
  label: 'Radicale',
  async probe() {
    const r = spawnSync(PYTHON, ['-m', 'radicale', '--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return new Error('radicale is not installed (Debian: apt-get install radicale)');
    return (r.stdout || r.stderr).trim().split('\n')[0] ?? '?';
  },
  async start(dataDir, workDir): Promise<RunningServer> {
    const port = await freePort();
    const config = join(workDir, 'radicale.conf');
    writeFileSync(
      config,
      [
        '[server]',
        `hosts = 127.0.0.1:${port}`,
        '[auth]',
        'type = none',
        '[rights]',
        'type = owner_only',
        '[storage]',
        `filesystem_folder = ${dataDir}`,
        '[web]',
        'type = none',
        '[logging]',
        'level = warning',
        '',
      ].join('\n'),
    );
    const proc = startProcess(PYTHON, ['-m', 'radicale', '-C', config]);
    await waitForPort(proc, port, 60_000);
    return {
      origin: `http://127.0.0.1:${port}`,
      pid: proc.pid,
      calPath: '/bench/cal/',
      bookPath: '/bench/book/',
      calDir: join(dataDir, 'collection-root', 'bench', 'cal'),
      bookDir: join(dataDir, 'collection-root', 'bench', 'book'),
      dataDir,
      authorization: basicAuth('bench', 'unused'),
      tail: proc.tail,
      errors: proc.errors,
      stop: proc.stop,
    };
  },
  /** Items are plain files named by their href in the collection's folder; caches build lazily. */
  async preload(srv, cal, book) {
    writeItems(srv.calDir, cal);
    writeItems(srv.bookDir, book);
  },
};
