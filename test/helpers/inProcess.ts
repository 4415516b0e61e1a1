/**
 * The DAV handler in-process over a real store (no HTTP): for tests that count blob reads or
 * compare the handler's output with the DAV core's functions called directly.
 */
import { createDavHandler } from '../../src/dav/handler.js';
import { noLocks } from '../../src/dav/noLocks.js';
import { resolve } from '../../src/dav/resolve.js';
import type { CollectionView, DavEnv, DavRequest, DavResponse } from '../../src/dav/types.js';
import { authorFor } from '../../src/http/app.js';
import { buildRegistry } from '../../src/http/registry.js';
import type { ObjectId, Store } from '../../src/store/types.js';

/** The whole body of a response, streamed or not. */
export async function responseText(res: DavResponse): Promise<string> {
  if (res.stream) {
    let s = '';
    await res.stream((c) => (s += c));
    return s;
  }
  return typeof res.body === 'string' ? res.body : Buffer.from(res.body ?? new Uint8Array()).toString('utf8');
}

export interface InProcessDav {
  /** One request as `user` (default alice); `path` is percent-encoded as on the wire. */
  call(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** The environment the handler gives a request of `user`. */
  env(user?: string): DavEnv;
}

export function inProcessDav(store: Store): InProcessDav {
  const registry = buildRegistry();
  const handle = createDavHandler({ store, registry, locks: noLocks, maxBodyBytes: 1 << 20, authorFor });
  return {
    async call(method, path, body, headers = {}) {
      const req: DavRequest = {
        method,
        segments: path.split('/').filter(Boolean).map(decodeURIComponent),
        trailingSlash: path.endsWith('/'),
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        body: body === undefined ? undefined : Buffer.from(body),
        user: 'alice',
        origin: 'http://127.0.0.1',
      };
      const res = await handle(req);
      return { status: res.status, text: await responseText(res) };
    },
    env(user = 'alice') {
      return {
        store,
        registry,
        locks: noLocks,
        maxBodyBytes: 1 << 20,
        user,
        author: authorFor(user),
        resolve: (segments, trailingSlash) => resolve(store, registry, user, segments, trailingSlash),
        readBlob: (coll: CollectionView, blob: ObjectId) => coll.repo.readBlob(blob),
      };
    },
  };
}
