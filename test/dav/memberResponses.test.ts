/**
 * The member fast path (src/dav/memberResponses.ts) writes exactly what the generic path
 * (propertiesOf + writePropResponse) writes, for PROPFIND Depth 1 and sync-collection: plain
 * text properties, 404s, async properties, dead properties, element values, other namespaces,
 * members in folders, names that need percent-encoding. In-process, over a real store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSegment, memberHref } from '../../src/dav/href.js';
import { writePropResponse } from '../../src/dav/multistatus.js';
import { childrenResources, parsePropfind, propertiesOf } from '../../src/dav/propfind.js';
import type { Resource } from '../../src/dav/types.js';
import { dav } from '../../src/dav/xml/names.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { escapeXml, XmlWriter } from '../../src/dav/xml/writer.js';
import { createStore } from '../../src/store/index.js';
import { textOf } from '../../src/dav/xml/element.js';
import { inProcessDav } from '../helpers/inProcess.js';
import { blobIdOf, gitEnv, parseMultistatus, propfindBody, syncBody } from '../integration/helpers.js';

test('hrefs and escaping: the quick checks give what the full encoders give', () => {
  assert.equal(encodeSegment('Event-1_a.b~c.ics'), 'Event-1_a.b~c.ics');
  assert.equal(encodeSegment('a b'), 'a%20b');
  assert.equal(encodeSegment('x@y'), 'x%40y');
  assert.equal(encodeSegment("it's (1)*!"), 'it%27s%20%281%29%2A%21');
  assert.equal(encodeSegment('é'), '%C3%A9');
  assert.equal(memberHref('/alice/docs/', 'a b/c@d.txt'), '/alice/docs/a%20b/c%40d.txt');
  assert.equal(escapeXml('"abc"'), '"abc"');
  assert.equal(escapeXml('a<b>&\r"', false), 'a&lt;b&gt;&amp;&#13;"');
  assert.equal(escapeXml('a<b>&\r"', true), 'a&lt;b&gt;&amp;&#13;&quot;');
});

test('PROPFIND Depth 1 and sync-collection: fast path and generic path write the same XML', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kalends-members-'));
  const store = createStore(root, { watch: false });
  const { call, env: envOf } = inProcessDav(store);
  const env = envOf();
  /** The generic rendering of `targets`, as the multistatus of a PROPFIND would hold it. */
  const generic = async (targets: Resource[], body: string): Promise<string> => {
    const req = parsePropfind(parseXml(body));
    let out = '';
    const w = new XmlWriter((c) => (out += c));
    w.open(dav('multistatus'));
    for (const t of targets) writePropResponse(w, t.href, await propertiesOf(env, t, req));
    w.end();
    return out;
  };
  try {
    await store.ensureDir('alice');
    assert.equal((await call('MKCOL', '/alice/docs/')).status, 201);
    for (const name of ['plain.txt', 'a%20b.txt', 'x%40y.txt', 'dead.txt', '%C3%A9t%C3%A9.txt']) {
      assert.equal((await call('PUT', `/alice/docs/${name}`, `content of ${name}\n`)).status, 201, name);
    }
    assert.equal((await call('MKCOL', '/alice/docs/sub/')).status, 201);
    assert.equal((await call('PUT', '/alice/docs/sub/inner.txt', 'inner\n')).status, 201);
    const patch = `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:x="urn:example:x"><D:set><D:prop><D:displayname>Dead &amp; named</D:displayname><x:color>red</x:color></D:prop></D:set></D:propertyupdate>`;
    assert.equal((await call('PROPPATCH', '/alice/docs/dead.txt', patch)).status, 207);

    const coll = await env.resolve(['alice', 'docs'], true);
    const sub = await env.resolve(['alice', 'docs', 'sub'], true);
    const listing = [coll, ...(await childrenResources(env, coll))];
    const subListing = [sub, ...(await childrenResources(env, sub))];
    const bodies = [
      '<D:getetag/>',
      '<D:getetag/><D:getcontenttype/><D:resourcetype/><D:displayname/><D:getlastmodified/>',
      '<D:getcontentlength/><D:getetag/>',
      '<D:displayname/><D:getetag/><D:getetag/>',
      '<D:getetag/><x:color/>',
      '<D:current-user-privilege-set/><D:owner/>',
      '',
    ];
    for (const props of bodies) {
      const body = propfindBody(props, ' xmlns:x="urn:example:x"');
      for (const [path, targets] of [['/alice/docs/', listing], ['/alice/docs/sub/', subListing]] as const) {
        const got = await call('PROPFIND', path, body, { Depth: '1' });
        assert.equal(got.status, 207);
        assert.equal(got.text, await generic(targets, body), `${path} ${props}`);
      }
    }

    // Hand-checked: encoded hrefs, the dead displayname on its member only, 404 elsewhere.
    const ms = parseMultistatus((await call('PROPFIND', '/alice/docs/', propfindBody('<D:displayname/><D:getetag/>'), { Depth: '1' })).text);
    assert.deepEqual(ms.responses.map((r) => r.href).sort(), ['/alice/docs/', '/alice/docs/%C3%A9t%C3%A9.txt', '/alice/docs/a%20b.txt', '/alice/docs/dead.txt', '/alice/docs/plain.txt', '/alice/docs/sub/', '/alice/docs/x%40y.txt']);
    assert.equal(textOf(ms.byHref('/alice/docs/plain.txt')!.prop(dav('getetag'))!), `"${blobIdOf('content of plain.txt\n')}"`);
    const tagText = (await call('PROPFIND', '/alice/docs/', propfindBody('<D:displayname/>'), { Depth: '1' })).text;
    assert.match(tagText, /<D:href>\/alice\/docs\/dead\.txt<\/D:href><D:propstat><D:prop><D:displayname>Dead &amp; named<\/D:displayname><\/D:prop><D:status>HTTP\/1.1 200 OK<\/D:status>/);
    assert.match(tagText, /<D:href>\/alice\/docs\/plain\.txt<\/D:href><D:propstat><D:prop><D:displayname\/><\/D:prop><D:status>HTTP\/1.1 404 Not Found<\/D:status><\/D:propstat><\/D:response>/);

    // sync-collection: the member responses equal the generic ones for the same members in path order.
    for (const props of ['<D:getetag/>', '<D:getetag/><D:getcontentlength/><D:displayname/>', '<D:getetag/><x:color/>', '']) {
      const res = await call('REPORT', '/alice/docs/', syncBody('', { props }).replace('xmlns:D="DAV:"', 'xmlns:D="DAV:" xmlns:x="urn:example:x"'), { Depth: '0' });
      assert.equal(res.status, 207);
      const pathOf = (r: Resource): string => (r.kind === 'file' ? r.path : r.kind === 'collection' ? r.dir : '');
      const members = listing.slice(1).sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : 1));
      const want = (await generic(members, propfindBody(props, ' xmlns:x="urn:example:x"'))).replace(/<\/D:multistatus>$/, '');
      assert.equal(res.text.replace(/<D:sync-token>[^<]*<\/D:sync-token><\/D:multistatus>$/, ''), want, props);
    }

    // The initial sync (no diff computed) equals a sync from the collection's first commit, which
    // held no member (a tree diff): same members, folders included, same order.
    const first = execFileSync('git', ['--git-dir', join(root, 'alice/docs'), 'rev-list', '--max-parents=0', 'HEAD'], { encoding: 'utf8', env: gitEnv() }).trim();
    for (const level of ['1', 'infinite'] as const) {
      const initial = await call('REPORT', '/alice/docs/', syncBody('', { level }), { Depth: '0' });
      const fromFirst = await call('REPORT', '/alice/docs/', syncBody(`urn:x-kalends:sync:${first}`, { level }), { Depth: '0' });
      assert.equal(fromFirst.status, 207);
      assert.equal(initial.text, fromFirst.text, level);
      assert.ok(initial.text.includes('/alice/docs/sub/inner.txt') === (level === 'infinite'));
    }
  } finally {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  }
});
