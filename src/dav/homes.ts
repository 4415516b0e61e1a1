import { StoreError, type Author, type Store } from '../store/types.js';
import { emptyMeta, serializeMeta } from './meta.js';
import type { Registry } from './types.js';
import { dav } from './xml/names.js';
import { collectionLabel, metaPath } from './write.js';

/**
 * Prepare a user's tree on first login: the user directory, each home, and (when configured)
 * the homes' default collections. "First login" is the user directory not existing yet, so a
 * user who deletes their calendars does not get them back on the next request; the home folders
 * themselves are made whenever they are missing.
 */
export async function ensureUserHome(store: Store, registry: Registry, user: string, author: Author, withDefaults: boolean): Promise<void> {
  const firstLogin = (await store.kind(user)) !== 'directory';
  if (firstLogin) await store.ensureDir(user);
  for (const home of registry.homes) {
    // The home folders always exist (a principal's calendar-home-set must not answer 404, also
    // when a person made the user's directory by hand); something else in their place is left alone.
    const homeRel = `${user}/${home.segment}`;
    const kind = await store.kind(homeRel);
    if (kind === 'missing') await store.ensureDir(homeRel);
    else if (kind !== 'directory') continue;
    if (!firstLogin) continue;
    const def = home.defaultCollection;
    const type = registry.types.get(home.collectionType);
    if (!withDefaults || !def || !type) continue;
    const rel = `${user}/${home.segment}/${def.name}`;
    if ((await store.kind(rel)) !== 'missing') continue;
    const meta = emptyMeta(type.id);
    meta.properties[dav('displayname')] = def.displayname;
    for (const [k, v] of Object.entries(def.properties ?? {})) meta.properties[k] = v;
    try {
      await store.create(rel, {
        author,
        plan: () => ({ ops: [{ op: 'put', path: metaPath(''), data: serializeMeta(meta) }], message: `Create ${collectionLabel({ rel, meta, type })}` }),
      });
    } catch (err) {
      // Someone (another request, a person with git) made it in the meantime: theirs stands.
      if (!(err instanceof StoreError && err.code === 'exists')) throw err;
    }
  }
}
