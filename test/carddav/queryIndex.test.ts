import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXml } from '../../src/dav/xml/parse.js';
import { parseVCard, decodeUtf8, type VCard } from '../../src/carddav/parse.js';
import { matchesAddressFilter, parseAddressbookQuery } from '../../src/carddav/filter.js';
import { isCardSummary, filterUsesIndexedOnly, liteCard, summariseCard } from '../../src/carddav/queryIndex.js';
import { generateDataset } from '../../bench/data/dataset.js';

// The indexed light card must give matchesAddressFilter exactly the answer the full card gives,
// for every card of the corpus and every filter on indexed properties.
const root = fileURLToPath(new URL('../../', import.meta.url));
const dirs = [join(root, 'test/fixtures/vcard'), join(root, 'sample-repos/demo/contacts/contacts')];
const cards: Array<{ name: string; card: VCard }> = [];
for (const d of dirs) {
  for (const f of readdirSync(d).filter((x) => x.endsWith('.vcf'))) {
    try {
      cards.push({ name: f, card: parseVCard(decodeUtf8(readFileSync(join(d, f)))) });
    } catch {
      /* not a valid vCard: matches nothing on both paths */
    }
  }
}
const data = generateDataset(300, 11);
for (const c of data.cardItems) cards.push({ name: c.name, card: parseVCard(decodeUtf8(c.body)) });

const NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"';
const q = (filter: string) => parseAddressbookQuery(parseXml(`<C:addressbook-query ${NS}><D:prop><D:getetag/></D:prop><C:filter${filter}</C:filter></C:addressbook-query>`)).filter;
const tm = (text: string, extra = '') => `<C:text-match collation="i;unicode-casemap" ${extra}>${text}</C:text-match>`;
const someEmail = data.cards[5]!.emails[0]?.address ?? 'example';
const filters = [
  `><C:prop-filter name="EMAIL">${tm(someEmail.slice(0, 6))}</C:prop-filter>`,
  `><C:prop-filter name="EMAIL">${tm('example', 'match-type="ends-with"')}</C:prop-filter>`,
  `><C:prop-filter name="EMAIL">${tm('@', 'negate-condition="yes"')}</C:prop-filter>`,
  ` test="allof"><C:prop-filter name="FN">${tm('a')}</C:prop-filter><C:prop-filter name="EMAIL"/>`,
  `><C:prop-filter name="TEL"><C:param-filter name="TYPE">${tm('cell', 'match-type="equals"')}</C:param-filter></C:prop-filter>`,
  `><C:prop-filter name="NICKNAME"><C:is-not-defined/></C:prop-filter>`,
  `><C:prop-filter name="N">${tm('Doe')}</C:prop-filter><C:prop-filter name="UID"/>`,
  `><C:prop-filter name="ORG" test="anyof">${tm('Inc')}${tm('GmbH')}</C:prop-filter>`,
  `><C:prop-filter name="item1.EMAIL"/>`,
  `><C:prop-filter name="EMAIL">${tm('ü', '')}</C:prop-filter>`,
];

test('light cards answer every indexed filter exactly like full cards', () => {
  let matched = 0;
  for (const xml of filters) {
    const filter = q(xml);
    assert.equal(filterUsesIndexedOnly(filter), true, xml);
    for (const { name, card } of cards) {
      const s = summariseCard(card);
      // As persisted and read back (the index file is JSON).
      const stored = JSON.parse(JSON.stringify(s)) as typeof s;
      assert.equal(isCardSummary(stored), true, name);
      const viaIndex = stored === 1 ? matchesAddressFilter(card, filter) : stored === 0 ? false : matchesAddressFilter(liteCard(stored), filter);
      const full = matchesAddressFilter(card, filter);
      assert.equal(viaIndex, full, `${name}: ${xml}`);
      if (full) matched++;
    }
  }
  assert.ok(matched > 0);
});

test('filters on other properties use the full card', () => {
  assert.equal(filterUsesIndexedOnly(q(`><C:prop-filter name="ADR">${tm('Paris')}</C:prop-filter>`)), false);
  assert.equal(filterUsesIndexedOnly(q(`><C:prop-filter name="EMAIL"/><C:prop-filter name="PHOTO"/>`)), false);
});
