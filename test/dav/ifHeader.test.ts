import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateIf, parseIfHeader, stateTokens, type IfResourceState } from '../../src/dav/locks/ifHeader.js';
import { DavError } from '../../src/dav/errors.js';

const T1 = 'urn:uuid:181d4fae-7d8c-11d0-a765-00a0c91e6bf2';
const T2 = 'urn:uuid:58f202ac-22cf-11d1-b12d-002035b29092';

test('RFC 4918 §10.4.6 example: two untagged lists, the first with a token and an ETag', () => {
  const lists = parseIfHeader(`(<${T1}> ["I am an ETag"]) (["I am another ETag"])`);
  assert.deepEqual(lists, [
    { resource: null, conditions: [{ not: false, kind: 'token', value: T1 }, { not: false, kind: 'etag', value: '"I am an ETag"' }] },
    { resource: null, conditions: [{ not: false, kind: 'etag', value: '"I am another ETag"' }] },
  ]);
});

test('RFC 4918 §10.4.7 example: Not applies to the next condition only', () => {
  const lists = parseIfHeader(`(Not <${T1}> <${T2}>)`);
  assert.deepEqual(lists[0]!.conditions, [
    { not: true, kind: 'token', value: T1 },
    { not: false, kind: 'token', value: T2 },
  ]);
});

test('tagged lists keep their resource until the next tag; weak ETags are kept as sent', () => {
  const lists = parseIfHeader(`</resource1> (<${T1}> [W/"A weak ETag"]) (["strong ETag"]) <http://example.com/r2> (<DAV:no-lock>)`);
  assert.equal(lists.length, 3);
  assert.equal(lists[0]!.resource, '/resource1');
  assert.equal(lists[1]!.resource, '/resource1');
  assert.equal(lists[2]!.resource, 'http://example.com/r2');
  assert.equal(lists[0]!.conditions[1]!.value, 'W/"A weak ETag"');
  assert.deepEqual([...stateTokens(lists)].sort(), ['DAV:no-lock', T1].sort());
});

test('line breaks and tabs between lists are whitespace', () => {
  assert.equal(parseIfHeader(`(<${T1}>)\r\n\t(Not <DAV:no-lock>)`).length, 2);
});

test('malformed headers are refused with 400', () => {
  for (const bad of ['', '   ', '()', `(<${T1}>`, `<${T1}>`, `(<${T1}>) </x> (<${T2}>)`, `</x> (<${T1}>) (<${T2}>) </y>`, '(["unterminated)', '([noquotes])', '(<not a uri>)', 'garbage', `(<${T1}>) x`]) {
    assert.throws(() => parseIfHeader(bad), (e: unknown) => e instanceof DavError && e.status === 400, `should refuse ${JSON.stringify(bad)}`);
  }
});

function state(etag: string | undefined, tokens: string[]): IfResourceState {
  return { etag, hasToken: (t) => tokens.includes(t) };
}

test('conditions in a list are AND-ed, lists are OR-ed, Not negates one condition', () => {
  const here = state('"e1"', [T1]);
  const ev = (h: string) => evaluateIf(parseIfHeader(h), () => here);
  assert.equal(ev(`(<${T1}> ["e1"])`), true);
  assert.equal(ev(`(<${T1}> ["e2"])`), false);
  assert.equal(ev(`(<${T1}> ["e2"]) (["e1"])`), true);
  assert.equal(ev(`(<${T2}>)`), false, 'a token that is not a lock on the resource does not match');
  assert.equal(ev(`(Not <${T2}>)`), true);
  assert.equal(ev('(<DAV:no-lock>)'), false, 'DAV:no-lock never matches');
  assert.equal(ev('(Not <DAV:no-lock>)'), true);
  assert.equal(ev(`(<${T2}x>) (Not <DAV:no-lock>)`), true, 'litmus cond_put_corrupt_token: the header holds');
  assert.equal(ev('(Not ["e1"])'), false);
  assert.equal(ev('([W/"e1"])'), true, 'weak comparison');
});

test('an unmapped resource matches no ETag', () => {
  assert.equal(evaluateIf(parseIfHeader('(["e1"])'), () => state(undefined, [])), false);
  assert.equal(evaluateIf(parseIfHeader('(Not ["e1"])'), () => state(undefined, [])), true);
});

test('tagged lists are evaluated against their own resource', () => {
  const states: Record<string, IfResourceState> = { '/a': state('"ea"', [T1]), '/b': state('"eb"', []) };
  const ev = (h: string) => evaluateIf(parseIfHeader(h), (r) => states[r ?? '/a']!);
  assert.equal(ev(`</b> (["ea"])`), false);
  assert.equal(ev(`</b> (["eb"])`), true);
  assert.equal(ev(`</b> (<${T1}>) </a> (<${T1}>)`), true, 'any production holding is enough');
  assert.equal(ev(`</b> (<${T1}>)`), false);
});
