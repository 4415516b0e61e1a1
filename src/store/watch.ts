/**
 * A hint that a repository's HEAD may have moved: chokidar watches HEAD, refs/heads/ and
 * packed-refs. The per-call ref check stays the source of truth; this only lets an open
 * collection refresh its snapshot before the next request asks.
 */
import { watch, type FSWatcher } from 'chokidar';
import { join } from 'node:path';

export interface RefWatcher {
  close(): Promise<void>;
}

export function watchRefs(gitDir: string, onChange: () => void): RefWatcher {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = (path: string) => {
    if (closed || path.endsWith('.lock')) return;
    // Several events arrive for one update (lock created, renamed): coalesce them.
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) onChange();
    }, 20);
    timer.unref();
  };
  const w: FSWatcher = watch([join(gitDir, 'HEAD'), join(gitDir, 'packed-refs'), join(gitDir, 'refs', 'heads')], {
    // Watchers must never keep the process alive.
    persistent: false,
    ignoreInitial: true,
    ignored: (p: string) => p.endsWith('.lock'),
  });
  w.on('all', (_event: string, path: string) => fire(path));
  w.on('error', () => undefined);
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await w.close();
    },
  };
}
