import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKalends, type Kalends } from '../helpers/server.js';
import { xmlToString } from '../../src/dav/xml/writer.js';
import { textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { git, headCommit, http, multistatus, PROPFIND, PROPPATCH, subjects } from './helpers.js';

let k: Kalends;
before(async () => {
  k = await startKalends();
  assert.equal((await http(k, 'MKCOL', '/alice/docs/')).status, 201);
  assert.equal((await http(k, 'PUT', '/alice/docs/f.txt', { body: 'f' })).status, 201);
});
after(async () => {
  await k?.stop();
});

const NS = ' xmlns:x="urn:example:x"';

async function props(path: string, names: string) {
  const res = await http(k, 'PROPFIND', path, { body: PROPFIND(names, NS), headers: { Depth: '0' } });
  assert.equal(res.status, 207);
  return multistatus(res.text)[0]!.props;
}

test('one refused property: nothing changes, 424 for the others, no commit', async () => {
  const head = headCommit(k, 'alice/docs');
  const res = await http(k, 'PROPPATCH', '/alice/docs/f.txt', {
    body: PROPPATCH('<D:set><D:prop><x:one>1</x:one><D:getetag>"forged"</D:getetag><x:two>2</x:two></D:prop></D:set><D:remove><D:prop><x:three/></D:prop></D:remove>', NS),
  });
  assert.equal(res.status, 207);
  const r = multistatus(res.text)[0]!;
  assert.equal(r.href, '/alice/docs/f.txt');
  assert.equal(r.props.get(dav('getetag'))!.status, 403);
  for (const n of ['one', 'two', 'three']) assert.equal(r.props.get(`{urn:example:x}${n}`)!.status, 424, n);
  assert.match(res.text, /cannot-modify-protected-property/);
  assert.equal(headCommit(k, 'alice/docs'), head, 'no commit');
  const now = await props('/alice/docs/f.txt', '<x:one/><x:two/>');
  assert.equal(now.get('{urn:example:x}one')!.status, 404);
  assert.equal(now.get('{urn:example:x}two')!.status, 404);
});

test('a successful PROPPATCH is one commit that names the properties; set/remove in document order', async () => {
  const n0 = subjects(k, 'alice/docs').length;
  const res = await http(k, 'PROPPATCH', '/alice/docs/f.txt', {
    body: PROPPATCH('<D:set><D:prop><x:color>red</x:color><x:gone>soon</x:gone></D:prop></D:set><D:remove><D:prop><x:gone/></D:prop></D:remove>', NS),
  });
  const r = multistatus(res.text)[0]!;
  assert.equal(r.props.get('{urn:example:x}color')!.status, 200);
  assert.equal(r.props.get('{urn:example:x}gone')!.status, 200);
  const log = subjects(k, 'alice/docs');
  assert.equal(log.length, n0 + 1);
  assert.match(log[0]!, /color/);
  assert.match(git(k, 'alice/docs', 'show', 'HEAD:.kalends.json'), /urn:example:x}color/);
  const now = await props('/alice/docs/f.txt', '<x:color/><x:gone/>');
  assert.equal(textOf(now.get('{urn:example:x}color')!.value), 'red');
  assert.equal(now.get('{urn:example:x}gone')!.status, 404, 'the later remove wins');
});

test('values round-trip: nested XML, other namespaces, xml:lang, characters outside the BMP, no namespace', async () => {
  const value = '<x:rich xml:lang="fr"><y:inner xmlns:y="urn:example:y" a="1">caf\u00e9 \u{1F600} &amp; &lt;</y:inner>tail</x:rich>';
  const body = `<?xml version="1.0" encoding="utf-8"?>\n<D:propertyupdate xmlns:D="DAV:"${NS}><D:set><D:prop>${value}<plain xmlns="">nons</plain></D:prop></D:set></D:propertyupdate>`;
  const res = await http(k, 'PROPPATCH', '/alice/docs/', { body });
  assert.equal(res.status, 207);
  const got = await props('/alice/docs/', '<x:rich/><plain xmlns=""/>');
  const rich = got.get('{urn:example:x}rich')!;
  assert.equal(rich.status, 200);
  assert.equal(rich.value.attrs['{http://www.w3.org/XML/1998/namespace}lang'], 'fr');
  const inner = rich.value.children.find((c) => typeof c !== 'string');
  assert.ok(inner && typeof inner !== 'string');
  assert.equal(inner.name, '{urn:example:y}inner');
  assert.equal(inner.attrs['{}a'], '1');
  assert.equal(textOf(rich.value), 'caf\u00e9 \u{1F600} & <tail');
  assert.equal(textOf(got.get('{}plain')!.value), 'nons');
  assert.match(xmlToString(rich.value), /\u{1F600}/u);
});

test('PROPPATCH on a missing resource is 404; an empty or non-propertyupdate body 400', async () => {
  assert.equal((await http(k, 'PROPPATCH', '/alice/docs/none.txt', { body: PROPPATCH('<D:set><D:prop><x:a>1</x:a></D:prop></D:set>', NS) })).status, 404);
  assert.equal((await http(k, 'PROPPATCH', '/alice/docs/f.txt')).status, 400);
  assert.equal((await http(k, 'PROPPATCH', '/alice/docs/f.txt', { body: PROPFIND('<D:getetag/>') })).status, 400);
});
