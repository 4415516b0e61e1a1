import { checkWritePreconditions } from './conditional.js';
import { DavError } from './errors.js';
import type { DavEnv, DavRequest, DavResponse, Resource } from './types.js';
import { collectionLabel, commitTo, metaAt, putMeta, splitParent } from './write.js';

/** Dead properties of a removed file go with it: drop its entry from the folder's metadata. */
export async function dropMemberProps(coll: Parameters<typeof metaAt>[0], head: Parameters<typeof metaAt>[1], path: string) {
  const { dir, name } = splitParent(path);
  const meta = await metaAt(coll, head, dir);
  if (!meta.members[name]) return [];
  delete meta.members[name];
  return [putMeta(dir, meta)];
}

export async function del(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse> {
  switch (r.kind) {
    case 'missing':
      throw new DavError(404, 'Not Found');
    case 'root':
    case 'principal':
    case 'home':
      throw new DavError(403, 'This collection cannot be deleted');
    case 'file': {
      const { coll, path } = r;
      await commitTo(env, coll, async (head) => {
        const blob = head.files.get(path);
        if (!blob) throw new DavError(404, 'Not Found');
        checkWritePreconditions(req, { exists: true, etag: `"${blob}"`, lastModified: head.time });
        await env.locks.checkWrite(req, [{ href: r.href, etag: `"${blob}"`, membership: true }]);
        const describe = coll.type.checkPut ? await describeStored(env, r) : 'file';
        return { ops: [{ op: 'delete', path }, ...(await dropMemberProps(coll, head, path))], message: `Delete ${describe} (${path})` };
      });
      env.locks.forget(r.href);
      return { status: 204, headers: {} };
    }
    case 'collection': {
      const { coll, dir } = r;
      if (dir === '') {
        checkWritePreconditions(req, { exists: true, ...(coll.snapshot.commit ? { etag: `"${coll.snapshot.commit}"` } : {}), lastModified: coll.snapshot.time });
        await env.locks.checkWrite(req, [{ href: r.href, collection: true, membership: true, ...(coll.snapshot.commit ? { etag: `"${coll.snapshot.commit}"` } : {}) }]);
        await env.store.remove(coll.rel);
      } else {
        await commitTo(env, coll, async (head) => {
          if (!head.dirs.has(dir)) throw new DavError(404, 'Not Found');
          checkWritePreconditions(req, { exists: true, ...(head.commit ? { etag: `"${head.commit}"` } : {}), lastModified: head.time });
          await env.locks.checkWrite(req, [{ href: r.href, collection: true, membership: true, ...(head.commit ? { etag: `"${head.commit}"` } : {}) }]);
          return { ops: [{ op: 'delete', path: dir }, ...(await dropMemberProps(coll, head, dir))], message: `Delete folder ${dir} from ${collectionLabel(coll)}` };
        });
      }
      env.locks.forget(r.href);
      return { status: 204, headers: {} };
    }
  }
}

/** Words for a stored member (`event "Team meeting"`), falling back to "file" when it no longer parses. */
async function describeStored(env: DavEnv, r: Extract<Resource, { kind: 'file' }>): Promise<string> {
  try {
    const body = await env.readBlob(r.coll, r.blob);
    const check = await r.coll.type.checkPut!({ name: r.path, body, contentType: undefined, coll: r.coll });
    return check.describe;
  } catch {
    return 'file';
  }
}
