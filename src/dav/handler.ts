import type { Author, ObjectId, Store } from '../store/types.js';
import { copyMove } from './copyMove.js';
import { del } from './delete.js';
import { DavError } from './errors.js';
import { get } from './get.js';
import { mkcol } from './mkcol.js';
import { propfind } from './propfind.js';
import { proppatch } from './proppatch.js';
import { put } from './put.js';
import { resolve } from './resolve.js';
import { syncCollection } from './syncCollection.js';
import type { CollectionView, DavEnv, DavRequest, DavResponse, LockManager, Registry, ReportHandler, Resource } from './types.js';
import { dav, type Clark } from './xml/names.js';
import { parseXml } from './xml/parse.js';
import { parseDepth } from './propfind.js';

export interface DavOptions {
  store: Store;
  registry: Registry;
  locks: LockManager;
  maxBodyBytes: number;
  /** Commit author for a user name. */
  authorFor(user: string): Author;
}

const SYNC: Clark = dav('sync-collection');

function reportHandler(env: DavEnv, r: Resource, name: Clark): ReportHandler | undefined {
  if (name === SYNC) return syncCollection;
  if (r.kind === 'collection' || r.kind === 'file') {
    const h = r.coll.type.reports.get(name);
    if (h) return h;
  }
  return env.registry.reports.get(name);
}

async function report(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  if (r.kind === 'missing') throw new DavError(404, 'Not Found');
  if (!req.body || req.body.length === 0) throw new DavError(400, 'REPORT needs a body');
  const body = parseXml(req.body);
  const handler = reportHandler(env, r, body.name);
  if (!handler) throw new DavError(403, `The report ${body.name} is not supported here`, { condition: dav('supported-report') });
  return handler({ env, req, resource: r, body, depth: parseDepth(req.headers['depth'], '0') });
}

export function allowedMethods(env: DavEnv, r: Resource): string[] {
  const base = ['OPTIONS', 'GET', 'HEAD', 'PROPFIND', 'REPORT'];
  const lock = env.locks.class2 ? ['LOCK', 'UNLOCK'] : [];
  switch (r.kind) {
    case 'root':
    case 'principal':
    case 'home':
      return base;
    case 'collection':
      return [...base, 'PROPPATCH', 'DELETE', 'COPY', 'MOVE', ...lock];
    case 'file':
      return [...base, 'PUT', 'PROPPATCH', 'DELETE', 'COPY', 'MOVE', ...lock];
    case 'missing': {
      const t = r.target;
      if (t.type === 'none') return ['OPTIONS'];
      if (t.type === 'repository') return ['OPTIONS', 'MKCOL', ...(t.home?.createMethods ?? [])];
      return ['OPTIONS', 'PUT', ...(t.coll.type.allowsFolders ? ['MKCOL'] : []), ...lock];
    }
  }
}

function davHeader(env: DavEnv): string {
  const classes = ['1', ...(env.locks.class2 ? ['2'] : []), '3', 'extended-mkcol'];
  for (const t of env.registry.types.values()) classes.push(...t.davClasses);
  for (const h of env.registry.homes) classes.push(...h.davClasses);
  return [...new Set(classes)].join(', ');
}

/** The DAV core's entry point: one request in, one response out (errors are thrown as DavError). */
export function createDavHandler(opts: DavOptions): (req: DavRequest) => Promise<DavResponse> {
  const { store, registry, locks, maxBodyBytes } = opts;
  return async (req) => {
    const env: DavEnv = {
      store,
      registry,
      locks,
      maxBodyBytes,
      user: req.user,
      author: opts.authorFor(req.user),
      resolve: (segments, trailingSlash) => resolve(store, registry, req.user, segments, trailingSlash),
      // The store keeps recently read blobs (small ones) in its own byte-bounded cache.
      readBlob: (coll: CollectionView, blob: ObjectId) => coll.repo.readBlob(blob),
    };
    const r = await env.resolve(req.segments, req.trailingSlash);
    switch (req.method) {
      case 'OPTIONS':
        return { status: 200, headers: { DAV: davHeader(env), Allow: allowedMethods(env, r).join(', '), 'Content-Length': '0' } };
      case 'GET':
      case 'HEAD':
        return get(env, req, r);
      case 'PROPFIND':
        return propfind(env, req, r);
      case 'PROPPATCH':
        return proppatch(env, req, r);
      case 'PUT':
        return put(env, req, r);
      case 'DELETE':
        return del(env, req, r);
      case 'MKCOL':
        return mkcol(env, req, r);
      case 'COPY':
      case 'MOVE':
        return copyMove(env, req, r);
      case 'REPORT':
        return report(env, req, r);
      case 'LOCK':
        if (locks.lock) return locks.lock(env, req, r);
        break;
      case 'UNLOCK':
        if (locks.unlock) return locks.unlock(env, req, r);
        break;
      default:
        if (registry.creationMethods.has(req.method)) return mkcol(env, req, r);
    }
    throw new DavError(405, `${req.method} is not allowed here`, { headers: { Allow: allowedMethods(env, r).join(', ') } });
  };
}
