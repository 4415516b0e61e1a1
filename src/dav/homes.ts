import type { Author, Store } from '../store/types.js';
import { emptyMeta, serializeMeta } from './meta.js';
import type { Registry } from './types.js';
import { dav } from './xml/names.js';
import { collectionLabel, metaPath } from './write.js';

/**
 * Prepare a user's tree on first login: the user directory, each home, and (when configured)
 * the homes' default collections. "First login" is the user directory not existing yet, so a
 * user who deletes their calendars does not get them back on the next request.
 */
export async function ensureUserHome(store: Store, registry: Registry, user: string, author: Author, withDefaults: boolean): Promise<void> {
  if ((await store.kind(user)) === 'directory') return;
  await store.ensureDir(user);
  for (const home of registry.homes) {
    await store.ensureDir(`${user}/${home.segment}`);
    const def = home.defaultCollection;
    const type = registry.types.get(home.collectionType);
    if (!withDefaults || !def || !type) continue;
    const rel = `${user}/${home.segment}/${def.name}`;
    if ((await store.kind(rel)) !== 'missing') continue;
    const meta = emptyMeta(type.id);
    meta.properties[dav('displayname')] = def.displayname;
    for (const [k, v] of Object.entries(def.properties ?? {})) meta.properties[k] = v;
    await store.create(rel, {
      author,
      plan: () => ({ ops: [{ op: 'put', path: metaPath(''), data: serializeMeta(meta) }], message: `Create ${collectionLabel({ rel, meta, type })}` }),
    });
  }
}
