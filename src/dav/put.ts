import { createHash } from 'node:crypto';
import { checkWritePreconditions } from './conditional.js';
import { DavError } from './errors.js';
import { hrefOf } from './href.js';
import { isMetaPath } from './resolve.js';
import type { CollectionView, DavEnv, DavRequest, DavResponse, Resource } from './types.js';
import { commitTo, splitParent } from './write.js';

/** Git's blob id of some bytes: the ETag the resource will have. */
export function blobId(data: Uint8Array): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

function memberHref(coll: CollectionView, path: string): string {
  return hrefOf([...coll.rel.split('/'), ...path.split('/')], false);
}

export async function put(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  let coll: CollectionView;
  let path: string;
  if (r.kind === 'file') {
    coll = r.coll;
    path = r.path;
  } else if (r.kind === 'missing' && r.target.type === 'member') {
    if (r.target.isCollectionUrl) throw new DavError(405, 'PUT to a collection URL', { headers: { Allow: 'MKCOL, PROPFIND, OPTIONS' } });
    if (!r.target.parentExists) throw new DavError(409, 'The parent collection does not exist');
    coll = r.target.coll;
    path = r.target.path;
  } else if (r.kind === 'collection' || r.kind === 'home' || r.kind === 'principal' || r.kind === 'root') {
    throw new DavError(405, 'PUT is not allowed on a collection', { headers: { Allow: 'GET, HEAD, OPTIONS, PROPFIND, PROPPATCH, DELETE, MOVE, COPY, REPORT' } });
  } else {
    throw new DavError(409, 'PUT is only possible inside a collection');
  }
  if (isMetaPath(path)) throw new DavError(403, 'This name is reserved for collection metadata');
  const body = req.body ?? new Uint8Array(0);
  const { name } = splitParent(path);
  const contentType = req.headers['content-type'];
  const check = coll.type.checkPut ? await coll.type.checkPut({ name, body, contentType, coll }) : null;
  const href = memberHref(coll, path);
  const newEtag = `"${blobId(body)}"`;
  let created = false;

  await commitTo(env, coll, async (head) => {
    const oldBlob = head.files.get(path);
    if (head.dirs.has(path)) throw new DavError(405, 'A collection exists at this URL');
    const { dir } = splitParent(path);
    if (dir !== '' && !head.dirs.has(dir)) throw new DavError(409, 'The parent collection does not exist');
    const state = { exists: oldBlob !== undefined, ...(oldBlob ? { etag: `"${oldBlob}"` } : {}), lastModified: head.time };
    checkWritePreconditions(req, state);
    await env.locks.checkWrite(req, [{ href, ...(oldBlob ? { etag: `"${oldBlob}"` } : {}), membership: oldBlob === undefined }]);
    if (check?.uid !== undefined && coll.type.findUid) {
      const holder = await coll.type.findUid(coll, head, check.uid);
      if (holder !== undefined && holder !== path) {
        const err = coll.type.uidConflict?.(memberHref(coll, holder));
        throw err ?? new DavError(409, `UID already used by ${holder}`);
      }
    }
    created = oldBlob === undefined;
    if (`"${oldBlob}"` === newEtag) return null;
    return { ops: [{ op: 'put', path, data: body }], message: `${created ? 'Create' : 'Update'} ${check ? `${check.describe} (${path})` : path}` };
  });
  return { status: created ? 201 : 204, headers: { ETag: newEtag } };
}
