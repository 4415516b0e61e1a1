/**
 * A collection type that says which file names are members (`isMemberName`): files a person
 * committed with git that are not members (a README in a calendar) are neither listed, nor
 * synced, nor served. In-process, with a made-up type, so the core's side is tested on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDavHandler } from '../../src/dav/handler.js';
import { noLocks } from '../../src/dav/noLocks.js';
import { plainType } from '../../src/dav/plainType.js';
import type { CollectionType, DavRequest, DavResponse, HomeType, Registry } from '../../src/dav/types.js';
import { authorFor } from '../../src/http/app.js';
import { createStore } from '../../src/store/index.js';
import { git, parseMultistatus, propfindBody, syncBody } from './helpers.js';

const thingType: CollectionType = {
  ...plainType,
  id: 'things',
  allowsFolders: false,
  noun: 'thing list',
  isMemberName: (name) => name.endsWith('.thing') || !name.includes('.'),
};
const thingHome: HomeType = { segment: 'things', collectionType: 'things', homeSetProperty: '{urn:x-test}thing-home-set', createMethods: [], davClasses: [] };

async function text(res: DavResponse): Promise<string> {
  if (!res.stream) return typeof res.body === 'string' ? res.body : Buffer.from(res.body ?? new Uint8Array()).toString('utf8');
  let s = '';
  await res.stream((c) => (s += c));
  return s;
}

test('non-member files of a typed collection are not listed, synced or served', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kalends-members-'));
  const store = createStore(root, { watch: false });
  const registry: Registry = { types: new Map([[plainType.id, plainType], [thingType.id, thingType]]), homes: [thingHome], principalProperties: [], properties: [], reports: new Map(), creationMethods: new Map() };
  const handle = createDavHandler({ store, registry, locks: noLocks, maxBodyBytes: 1 << 20, authorFor });
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const req: DavRequest = {
      method,
      segments: path.split('/').filter(Boolean),
      trailingSlash: path.endsWith('/'),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: body === undefined ? undefined : Buffer.from(body),
      user: 'alice',
      origin: 'http://127.0.0.1',
    };
    try {
      const res = await handle(req);
      return { status: res.status, text: await text(res) };
    } catch (err) {
      return { status: (err as { status?: number }).status ?? 500, text: String(err) };
    }
  };
  try {
    await store.ensureDir('alice/things');
    assert.equal((await call('MKCOL', '/alice/things/list/')).status, 201);
    assert.equal((await call('PUT', '/alice/things/list/a.thing', 'A')).status, 201);
    const t0 = parseMultistatus((await call('REPORT', '/alice/things/list/', syncBody(''), { Depth: '0' })).text).syncToken!;
    // A person commits a README, a member without an extension, and a folder.
    const work = join(root, 'clone');
    git(['clone', '-q', join(root, 'alice/things/list'), work]);
    const fs = await import('node:fs');
    fs.writeFileSync(join(work, 'README.md'), 'about this list');
    fs.writeFileSync(join(work, 'plain'), 'P');
    fs.mkdirSync(join(work, 'sub'));
    fs.writeFileSync(join(work, 'sub', 'x.thing'), 'X');
    git(['add', '.'], work);
    git(['commit', '-q', '-m', 'by hand'], work);
    git(['push', '-q', 'origin', 'HEAD'], work);

    const listing = parseMultistatus((await call('PROPFIND', '/alice/things/list/', propfindBody('<D:getetag/>'), { Depth: '1' })).text);
    assert.deepEqual(listing.responses.map((r) => r.href).sort(), ['/alice/things/list/', '/alice/things/list/a.thing', '/alice/things/list/plain']);
    const delta = parseMultistatus((await call('REPORT', '/alice/things/list/', syncBody(t0), { Depth: '0' })).text);
    assert.deepEqual(delta.responses.map((r) => r.href), ['/alice/things/list/plain']);
    const all = parseMultistatus((await call('REPORT', '/alice/things/list/', syncBody(''), { Depth: '0' })).text);
    assert.deepEqual(all.responses.map((r) => r.href).sort(), ['/alice/things/list/a.thing', '/alice/things/list/plain']);
    assert.equal((await call('GET', '/alice/things/list/README.md')).status, 404);
    assert.equal((await call('GET', '/alice/things/list/plain')).text, 'P');
    assert.ok((await call('PUT', '/alice/things/list/notes.txt', 'x')).status >= 400, 'no non-member can be put');
    assert.ok((await call('DELETE', '/alice/things/list/README.md')).status >= 400);
    // The README is still in the repository: the server leaves what it does not serve alone.
    assert.match(git(['--git-dir', join(root, 'alice/things/list'), 'ls-tree', '--name-only', 'HEAD']), /README\.md/);
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
