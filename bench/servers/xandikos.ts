/** Xandikos (Debian package): --defaults creates the principal /user/ with its homes; no auth. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { commitIntoWorkTree } from './preload.js';
import { freePort, startProcess, waitForPort } from './process.js';
import type { RunningServer, ServerSpec } from './types.js';

export const xandikos: ServerSpec = {
  id: 'xandikos',
  label: 'Xandikos',
  async probe() {
    const r = spawnSync('xandikos', ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return new Error('xandikos is not installed (Debian: apt-get install xandikos)');
    return (r.stdout || r.stderr).trim().split('\n')[0] ?? '?';
  },
  async start(dataDir): Promise<RunningServer> {
    const port = await freePort();
    const proc = startProcess('xandikos', ['--defaults', '-d', dataDir, '-l', '127.0.0.1', '-p', String(port)]);
    await waitForPort(proc, port, 60_000);
    return {
      origin: `http://127.0.0.1:${port}`,
      pid: proc.pid,
      calPath: '/user/calendars/bench/',
      bookPath: '/user/contacts/bench/',
      calDir: join(dataDir, 'user', 'calendars', 'bench'),
      bookDir: join(dataDir, 'user', 'contacts', 'bench'),
      dataDir,
      tail: proc.tail,
      errors: proc.errors,
      stop: proc.stop,
    };
  },
  /** Each collection is a Git repository with a working tree: commit the files into it. */
  async preload(srv, cal, book) {
    commitIntoWorkTree(srv.calDir, cal);
    commitIntoWorkTree(srv.bookDir, book);
  },
};
