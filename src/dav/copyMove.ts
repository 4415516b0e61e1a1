import type { ObjectId, Snapshot, WriteOp } from '../store/types.js';
import { checkWritePreconditions } from './conditional.js';
import { dropMemberProps } from './delete.js';
import { DavError } from './errors.js';
import { segmentsOfHref } from './href.js';
import { META_FILE } from './meta.js';
import { parseDepth } from './propfind.js';
import type { CollectionView, DavEnv, DavRequest, DavResponse, HomeType, Resource } from './types.js';
import { collectionLabel, commitTo, metaAt, putMeta, splitParent } from './write.js';

/** Files of a resource relative to its own root ('' for a file itself), with the folder metadata files. */
function entriesOf(r: Extract<Resource, { kind: 'file' | 'collection' }>, snap: Snapshot): Array<[string, ObjectId]> {
  if (r.kind === 'file') {
    const blob = snap.files.get(r.path);
    if (!blob) throw new DavError(404, 'Not Found');
    return [['', blob]];
  }
  const prefix = r.dir === '' ? '' : `${r.dir}/`;
  const out: Array<[string, ObjectId]> = [];
  for (const [p, b] of snap.files) if (p.startsWith(prefix)) out.push([p.slice(prefix.length), b]);
  return out;
}

function join(dir: string, rel: string): string {
  if (rel === '') return dir;
  return dir === '' ? rel : `${dir}/${rel}`;
}

function destinationOf(req: DavRequest): { segments: string[]; trailingSlash: boolean } {
  const d = req.headers['destination'];
  if (!d) throw new DavError(400, 'Missing Destination header');
  return segmentsOfHref(d, req.origin);
}

/**
 * COPY and MOVE (RFC 4918 §9.8, §9.9). Inside one repository: one commit (blobs are linked,
 * not rewritten). Between repositories: one commit in each, the destination first, so a
 * failure in between leaves a copy rather than a loss. A whole repository moved to a free
 * repository slot is renamed, history and all.
 */
export async function copyMove(env: DavEnv, req: DavRequest, src: Resource): Promise<DavResponse> {
  const isMove = req.method === 'MOVE';
  if (src.kind === 'missing') throw new DavError(404, 'Not Found');
  if (src.kind !== 'file' && src.kind !== 'collection') throw new DavError(403, `${req.method} of this resource is not allowed`);
  const depth = parseDepth(req.headers['depth'], 'infinity');
  if (isMove && src.kind === 'collection' && depth !== 'infinity') throw new DavError(400, 'MOVE of a collection requires Depth: infinity');
  if (depth === '1') throw new DavError(400, 'Depth: 1 is not allowed for COPY');
  const overwrite = (req.headers['overwrite'] ?? 'T').trim().toUpperCase() !== 'F';

  const d = destinationOf(req);
  const dest = await env.resolve(d.segments, d.trailingSlash || src.kind === 'collection');
  const srcPath = src.href.replace(/\/$/, '');
  const destPath = dest.href.replace(/\/$/, '');
  if (srcPath === destPath) throw new DavError(403, 'Source and destination are the same');
  if (src.kind === 'collection' && destPath.startsWith(`${srcPath}/`)) throw new DavError(403, 'Cannot copy or move a collection into itself');

  const existed = dest.kind === 'file' || dest.kind === 'collection';
  if (existed && !overwrite) throw new DavError(412, 'The destination exists and Overwrite is F');
  if (dest.kind === 'root' || dest.kind === 'principal' || dest.kind === 'home') throw new DavError(403, 'Cannot overwrite this collection');

  const srcEtag = src.kind === 'file' ? `"${src.blob}"` : `"${src.coll.snapshot.commit}"`;
  checkWritePreconditions(req, { exists: true, etag: srcEtag, lastModified: src.coll.snapshot.time });
  // The destination's locks protect it (and, when it is replaced, what is below it); a MOVE also removes the source.
  const destEtag = dest.kind === 'file' ? `"${dest.blob}"` : dest.kind === 'collection' && dest.coll.snapshot.commit ? `"${dest.coll.snapshot.commit}"` : undefined;
  await env.locks.checkWrite(req, [
    { href: dest.href, collection: dest.kind === 'collection', membership: !existed, ...(destEtag ? { etag: destEtag } : {}) },
    ...(isMove ? [{ href: src.href, collection: src.kind === 'collection', membership: true, etag: srcEtag }] : []),
  ]);

  // A whole repository to a free repository slot, or replacing one: rename keeps its history.
  const srcIsRepo = src.kind === 'collection' && src.dir === '';
  const destRepoSlot = (dest.kind === 'missing' && dest.target.type === 'repository') || (dest.kind === 'collection' && dest.dir === '');
  if (srcIsRepo && isMove && destRepoSlot) {
    const rel = dest.kind === 'collection' ? dest.coll.rel : dest.kind === 'missing' && dest.target.type === 'repository' ? dest.target.rel : '';
    const home = dest.kind === 'missing' && dest.target.type === 'repository' ? dest.target.home : null;
    if (home && home.collectionType !== src.coll.type.id) throw new DavError(403, `Only ${home.collectionType} collections can live there`);
    if (dest.kind === 'collection') await env.store.remove(dest.coll.rel);
    await env.store.rename(src.coll.rel, rel);
    env.locks.forget(src.href);
    return { status: existed ? 204 : 201, headers: {} };
  }

  // Where the copy goes: a repository (existing or to create) and a path inside it.
  let target: { coll: CollectionView; path: string } | { create: string; home: HomeType | null };
  if (dest.kind === 'file') target = { coll: dest.coll, path: dest.path };
  else if (dest.kind === 'collection') target = { coll: dest.coll, path: dest.dir };
  else if (dest.kind === 'missing' && dest.target.type === 'member') {
    if (!dest.target.parentExists) throw new DavError(409, 'The destination parent collection does not exist');
    target = { coll: dest.target.coll, path: dest.target.path };
  } else if (dest.kind === 'missing' && dest.target.type === 'repository') {
    if (src.kind !== 'collection') throw new DavError(409, 'Only collections can be copied to this location');
    target = { create: dest.target.rel, home: dest.target.home };
  } else throw new DavError(409, 'The destination is outside any collection');

  const entries = depth === '0' && src.kind === 'collection' ? entriesOf(src, src.coll.snapshot).filter(([p]) => p === META_FILE) : entriesOf(src, src.coll.snapshot);
  const sameRepo = 'coll' in target && target.coll.rel === src.coll.rel;
  const srcName = src.kind === 'file' ? splitParent(src.path).name : '';

  if ('create' in target) {
    const data = await Promise.all(entries.map(async ([p, b]) => [p, await src.coll.repo.readBlob(b)] as const));
    await env.store.create(target.create, {
      author: env.author,
      plan: () => ({ ops: data.map(([p, bytes]) => ({ op: 'put', path: p, data: bytes }) as WriteOp), message: `Copy ${collectionLabel(src.coll)} from ${src.href}` }),
    });
  } else {
    const { coll, path } = target;
    if (src.kind === 'collection' && !coll.type.allowsFolders && path !== '') throw new DavError(403, `A ${coll.type.noun} collection cannot contain collections`);
    // Content checks of the destination type (a text file copied into a calendar must be a calendar object).
    if (!sameRepo || coll.type.checkPut) {
      for (const [p, b] of entries) {
        if (p.endsWith(META_FILE) || !coll.type.checkPut) continue;
        await coll.type.checkPut({ name: p === '' ? splitParent(path).name : p, body: await src.coll.repo.readBlob(b), contentType: undefined, coll });
      }
    }
    const payload = sameRepo ? null : new Map(await Promise.all(entries.map(async ([p, b]) => [p, await src.coll.repo.readBlob(b)] as const)));
    await commitTo(env, coll, async (head) => {
      const ops: WriteOp[] = [];
      if (head.files.has(path) || (path !== '' && head.dirs.has(path))) {
        if (!overwrite) throw new DavError(412, 'The destination exists and Overwrite is F');
        ops.push({ op: 'delete', path });
      } else if (path === '' && head.commit) {
        // Overwriting a repository root with a folder: replace its content.
        for (const p of head.files.keys()) ops.push({ op: 'delete', path: p });
      }
      for (const [p, b] of entries) {
        const to = join(path, p);
        ops.push(payload ? { op: 'put', path: to, data: payload.get(p)! } : { op: 'link', path: to, blob: b });
      }
      // Dead properties of a file travel in its folder's metadata.
      if (src.kind === 'file') {
        const srcMeta = await metaAt(src.coll, sameRepo ? head : src.coll.snapshot, splitParent(src.path).dir);
        const props = srcMeta.members[srcName];
        const { dir, name } = splitParent(path);
        const destMeta = await metaAt(coll, head, dir);
        if (isMove && sameRepo && splitParent(src.path).dir === dir) delete destMeta.members[srcName];
        if (props) destMeta.members[name] = props;
        else delete destMeta.members[name];
        if (props || destMeta.members[name] !== undefined || (isMove && sameRepo)) ops.push(putMeta(dir, destMeta));
      }
      if (isMove && sameRepo) {
        ops.push({ op: 'delete', path: src.kind === 'file' ? src.path : src.dir });
        if (src.kind === 'file' && splitParent(src.path).dir !== splitParent(path).dir) ops.push(...(await dropMemberProps(src.coll, head, src.path)));
      }
      const verb = isMove ? 'Move' : 'Copy';
      return { ops: dedupe(ops), message: `${verb} ${src.kind === 'file' ? src.path : `folder ${src.dir || '/'}`} to ${path || '/'}${sameRepo ? '' : ` in ${collectionLabel(coll)}`}` };
    });
  }

  if (isMove && !sameRepo) {
    if (src.kind === 'collection' && src.dir === '') await env.store.remove(src.coll.rel);
    else {
      await commitTo(env, src.coll, async (head) => {
        const p = src.kind === 'file' ? src.path : src.dir;
        if (!head.files.has(p) && !head.dirs.has(p)) return null;
        return { ops: [{ op: 'delete', path: p }, ...(src.kind === 'file' ? await dropMemberProps(src.coll, head, p) : [])], message: `Move ${p} to ${dest.href}` };
      });
    }
  }
  if (isMove) env.locks.forget(src.href);
  return { status: existed ? 204 : 201, headers: {} };
}

/** Later ops on the same path win (a metadata file rewritten twice). */
function dedupe(ops: WriteOp[]): WriteOp[] {
  const last = new Map<string, number>();
  ops.forEach((o, i) => {
    if (o.op !== 'delete') last.set(o.path, i);
  });
  return ops.filter((o, i) => o.op === 'delete' || last.get(o.path) === i);
}
