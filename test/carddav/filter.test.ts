import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DavError } from '../../src/dav/errors.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { carddav, dav } from '../../src/dav/xml/names.js';
import { parseVCard, type VCard } from '../../src/carddav/parse.js';
import { matchesAddressFilter, parseAddressbookQuery } from '../../src/carddav/filter.js';

// A small address book; every expected set below was worked out by reading these cards.
const crlf = (...lines: string[]) => lines.map((l) => l + '\r\n').join('');
const CARDS: VCard[] = [
  // 0: Apple 3.0, grouped work email, home email, cell phone
  crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:Adams;Alice;;;', 'FN:Alice Adams', 'NICKNAME:Al',
    'item1.EMAIL;type=INTERNET;type=WORK:alice@big.corp', 'item1.X-ABLabel:_$!<Work>!$_',
    'EMAIL;type=INTERNET;type=HOME:alice.adams@example.com', 'TEL;type=CELL:+1 555 0100', 'UID:c0', 'END:VCARD'),
  // 1: 4.0, one email without TYPE, NICKNAME "me" (RFC 6352 §8.6.4)
  crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Bob Brown', 'N:Brown;Bob;;;', 'NICKNAME:me', 'EMAIL:bob@abcd.com', 'UID:c1', 'END:VCARD'),
  // 2: 3.0, no EMAIL, two TELs (one typed, one not), non-ASCII ORG/FN
  crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:Çelik;Carol;;;', 'FN:Carol Çelik', 'TEL;TYPE=HOME:12345', 'TEL:555',
    'ORG:Ünïcode GmbH', 'UID:c2', 'END:VCARD'),
  // 3: 4.0, IMPP with X-SERVICE-TYPE, work email, work ADR
  crlf('BEGIN:VCARD', 'VERSION:4.0', 'FN:Dan Daboo', 'N:Daboo;Dan;;;', 'IMPP;X-SERVICE-TYPE=Jabber;TYPE=home:xmpp:dan@example.com',
    'EMAIL;TYPE=work:cyrus@example.com', 'ADR;TYPE=work:;;1 Main St;Cupertino;CA;95014;USA', 'UID:c3', 'END:VCARD'),
  // 4: Apple 3.0 group
  crlf('BEGIN:VCARD', 'VERSION:3.0', 'N:Book Club', 'FN:Book Club', 'X-ADDRESSBOOKSERVER-KIND:group',
    'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:c0', 'UID:c4', 'END:VCARD'),
].map(parseVCard);

function query(filterXml: string, extra = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop><D:getetag/></D:prop>${filterXml}${extra}
</C:addressbook-query>`;
}

function run(filterXml: string): number[] {
  const q = parseAddressbookQuery(parseXml(query(filterXml)));
  return CARDS.flatMap((c, i) => (matchesAddressFilter(c, q.filter) ? [i] : []));
}

const pf = (name: string, inner = '', attrs = '') => `<C:prop-filter name="${name}"${attrs}>${inner}</C:prop-filter>`;
const tm = (text: string, attrs = '') => `<C:text-match${attrs}>${text}</C:text-match>`;
const filter = (inner: string, attrs = '') => `<C:filter${attrs}>${inner}</C:filter>`;

test('empty filter matches every card (iOS lists a book this way)', () => {
  assert.deepEqual(run('<C:filter/>'), [0, 1, 2, 3, 4]);
  assert.deepEqual(run(filter('', ' test="allof"')), [0, 1, 2, 3, 4]);
});

test('prop-filter: defined / is-not-defined', () => {
  assert.deepEqual(run(filter(pf('EMAIL'))), [0, 1, 3]);
  assert.deepEqual(run(filter(pf('EMAIL', '<C:is-not-defined/>'))), [2, 4]);
  assert.deepEqual(run(filter(pf('email'))), [0, 1, 3]); // names are case-insensitive
});

test('text-match: each match-type with the default collation (i;unicode-casemap) and default contains', () => {
  assert.deepEqual(run(filter(pf('EMAIL', tm('ALICE@BIG.CORP', ' match-type="equals"')))), [0]);
  assert.deepEqual(run(filter(pf('EMAIL', tm('@ABCD')))), [1]);
  assert.deepEqual(run(filter(pf('EMAIL', tm('alice.', ' match-type="starts-with"')))), [0]);
  assert.deepEqual(run(filter(pf('EMAIL', tm('@example.com', ' match-type="ends-with"')))), [0, 3]);
});

test('RFC 6352 §8.6.4: NICKNAME equals "me" with i;unicode-casemap', () => {
  assert.deepEqual(run(filter(pf('NICKNAME', tm('me', ' collation="i;unicode-casemap" match-type="equals"')))), [1]);
});

test('RFC 6352 §8.6.5 style anyof: FN or EMAIL contains "daboo"', () => {
  const f = filter(pf('FN', tm('daboo')) + pf('EMAIL', tm('daboo')), ' test="anyof"');
  assert.deepEqual(run(f), [3]);
});

test('collations: i;octet is case-sensitive, i;ascii-casemap folds only ASCII, i;unicode-casemap folds Ü/ü', () => {
  assert.deepEqual(run(filter(pf('EMAIL', tm('ALICE', ' collation="i;octet"')))), []);
  assert.deepEqual(run(filter(pf('EMAIL', tm('alice', ' collation="i;octet"')))), [0]);
  assert.deepEqual(run(filter(pf('EMAIL', tm('ALICE', ' collation="i;ascii-casemap"')))), [0]);
  assert.deepEqual(run(filter(pf('ORG', tm('ünïcode', ' collation="i;ascii-casemap"')))), []);
  assert.deepEqual(run(filter(pf('ORG', tm('ünïcode')))), [2]);
  assert.deepEqual(run(filter(pf('FN', tm('ÇELIK')))), [2]);
});

test('negate-condition is per property instance and never matches a missing property', () => {
  // Cards with an EMAIL not ending in @example.com: 0 (alice@big.corp), 1. Card 3's only EMAIL ends so.
  assert.deepEqual(run(filter(pf('EMAIL', tm('@example.com', ' match-type="ends-with" negate-condition="yes"')))), [0, 1]);
  assert.deepEqual(run(filter(pf('EMAIL', tm('@abcd.com', ' match-type="ends-with" negate-condition="yes"')))), [0, 3]);
});

test('group prefixes: a bare name matches any group, a qualified one only its group', () => {
  assert.deepEqual(run(filter(pf('EMAIL', tm('big.corp')))), [0]);
  assert.deepEqual(run(filter(pf('item1.EMAIL'))), [0]);
  assert.deepEqual(run(filter(pf('ITEM1.email', tm('alice@')))), [0]);
  assert.deepEqual(run(filter(pf('item1.EMAIL', tm('example.com')))), []); // that email is ungrouped
  assert.deepEqual(run(filter(pf('item2.EMAIL'))), []);
});

test('param-filter: text-match on TYPE (any of its values), is-not-defined, negate', () => {
  const p = (inner: string, name = 'TYPE') => `<C:param-filter name="${name}">${inner}</C:param-filter>`;
  assert.deepEqual(run(filter(pf('EMAIL', p(tm('work', ' match-type="equals"'))))), [0, 3]);
  assert.deepEqual(run(filter(pf('EMAIL', p(tm('internet', ' match-type="equals"'))))), [0]); // type=INTERNET;type=HOME
  assert.deepEqual(run(filter(pf('EMAIL', p('<C:is-not-defined/>')))), [1]);
  // Card 2 has TEL;TYPE=HOME and an untyped TEL: the untyped instance satisfies is-not-defined.
  assert.deepEqual(run(filter(pf('TEL', p('<C:is-not-defined/>')))), [2]);
  // Negated: card 0's TEL is CELL (does not contain HOME); card 2's typed TEL contains HOME and its
  // untyped TEL has no TYPE to test, so card 2 does not match.
  assert.deepEqual(run(filter(pf('TEL', p(tm('HOME', ' negate-condition="yes"'))))), [0]);
  assert.deepEqual(run(filter(pf('IMPP', p(tm('Skype', ' negate-condition="yes"'), 'X-SERVICE-TYPE')))), [3]);
  assert.deepEqual(run(filter(pf('IMPP', p(tm('Jabber', ' negate-condition="yes"'), 'X-SERVICE-TYPE')))), []);
  assert.deepEqual(run(filter(pf('EMAIL', p('', 'TYPE')))), [0, 3]); // empty param-filter: parameter exists
});

test('prop-filter test: allof needs one instance satisfying everything, anyof any condition', () => {
  const p = (t: string) => `<C:param-filter name="TYPE">${tm(t, ' match-type="equals"')}</C:param-filter>`;
  assert.deepEqual(run(filter(pf('EMAIL', tm('example.com') + p('HOME'), ' test="allof"'))), [0]);
  // big.corp is card 0's WORK address, HOME is its other one: no single instance has both.
  assert.deepEqual(run(filter(pf('EMAIL', tm('big.corp') + p('HOME'), ' test="allof"'))), []);
  assert.deepEqual(run(filter(pf('EMAIL', tm('bob') + p('work'), ' test="anyof"'))), [0, 1, 3]);
  assert.deepEqual(run(filter(pf('EMAIL', tm('bob') + p('work')))), [0, 1, 3]); // anyof is the default
  assert.deepEqual(run(filter(pf('EMAIL', tm('alice') + tm('adams'), ' test="allof"'))), [0]);
});

test('filter test: allof and anyof across prop-filters', () => {
  // FN contains "a": Alice Adams, Carol Çelik, Dan Daboo (not "Bob Brown", not "Book Club"); EMAIL: 0, 1, 3.
  assert.deepEqual(run(filter(pf('FN', tm('a')) + pf('EMAIL'), ' test="allof"')), [0, 3]);
  assert.deepEqual(run(filter(pf('FN', tm('a')) + pf('EMAIL'), ' test="anyof"')), [0, 1, 2, 3]);
});

test('structured values match as written (components joined by ";")', () => {
  assert.deepEqual(run(filter(pf('N', tm('Adams;', ' match-type="starts-with"')))), [0]);
  assert.deepEqual(run(filter(pf('N', tm('brown;bob;;;', ' match-type="equals"')))), [1]);
  assert.deepEqual(run(filter(pf('ADR', tm('Cupertino')))), [3]);
});

test('Apple group cards and unknown property names', () => {
  assert.deepEqual(run(filter(pf('X-ADDRESSBOOKSERVER-KIND', tm('group', ' match-type="equals"')))), [4]);
  assert.deepEqual(run(filter(pf('X-NOT-THERE', tm('x')))), []);
  assert.deepEqual(run(filter(pf('X-NOT-THERE', '<C:is-not-defined/>'))), [0, 1, 2, 3, 4]);
});

test('limit/nresults and the requested properties are parsed', () => {
  const q = parseAddressbookQuery(
    parseXml(`<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
      <D:prop><D:getetag/><C:address-data><C:prop name="FN"/><C:prop name="EMAIL" novalue="yes"/></C:address-data></D:prop>
      <C:filter/><C:limit><C:nresults>2</C:nresults></C:limit></C:addressbook-query>`),
  );
  assert.equal(q.limit, 2);
  assert.equal(q.props.kind, 'prop');
  if (q.props.kind !== 'prop') return;
  assert.deepEqual(q.props.names, [dav('getetag'), carddav('address-data')]);
  assert.deepEqual(q.props.addressData, {
    contentType: 'text/vcard',
    version: undefined,
    props: [
      { name: 'FN', group: undefined, novalue: false },
      { name: 'EMAIL', group: undefined, novalue: true },
    ],
  });
  assert.equal(parseAddressbookQuery(parseXml(query('<C:filter/>'))).limit, undefined);
});

test('unsupported collation → 403 CARDDAV:supported-collation', () => {
  assert.throws(
    () => run(filter(pf('FN', tm('x', ' collation="i;basic"')))),
    (e: unknown) => e instanceof DavError && e.status === 403 && e.condition === carddav('supported-collation'),
  );
});

test('malformed filters are 400 Bad Request', () => {
  const bad = [
    filter(pf('FN'), ' test="someof"'),
    filter(pf('FN', '', ' test="most"')),
    filter('<C:prop-filter/>'),
    filter(pf('FN', '<C:is-not-defined/>' + tm('x'))),
    filter(pf('FN', tm('x', ' match-type="regex"'))),
    filter(pf('FN', tm('x', ' negate-condition="true"'))),
    filter(pf('EMAIL', '<C:param-filter/>')),
    filter(pf('EMAIL', `<C:param-filter name="TYPE">${tm('a')}${tm('b')}</C:param-filter>`)),
    '', // no filter at all
    filter('') + filter(''),
  ];
  for (const f of bad) {
    assert.throws(() => run(f), (e: unknown) => e instanceof DavError && e.status === 400 && e.condition === undefined, f);
  }
  for (const n of ['-1', 'two', '']) {
    assert.throws(
      () => parseAddressbookQuery(parseXml(query('<C:filter/>', `<C:limit><C:nresults>${n}</C:nresults></C:limit>`))),
      (e: unknown) => e instanceof DavError && e.status === 400,
    );
  }
  assert.throws(
    () => parseAddressbookQuery(parseXml('<C:addressbook-multiget xmlns:C="urn:ietf:params:xml:ns:carddav"/>')),
    (e: unknown) => e instanceof DavError && e.status === 400,
  );
});
