import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validateVCard } from '../../src/carddav/validate.js';
import { renderAddressData } from '../../src/carddav/addressData.js';

const ROOT = join(import.meta.dirname, '..', '..', 'sample-repos', 'demo', 'contacts');
const books = readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory());

test('the demo address books exist and describe themselves in .kalends.json', () => {
  assert.ok(books.length >= 1);
  for (const book of books) {
    const meta = JSON.parse(readFileSync(join(ROOT, book, '.kalends.json'), 'utf8')) as {
      type?: unknown;
      properties?: Record<string, unknown>;
    };
    assert.equal(meta.type, 'addressbook', book);
    assert.equal(typeof meta.properties?.['{DAV:}displayname'], 'string', book);
    assert.equal(typeof meta.properties?.['{urn:ietf:params:xml:ns:carddav}addressbook-description'], 'string', book);
  }
});

test('every demo card validates, is named after its UID, uses CRLF and 75-octet lines, converts both ways', () => {
  let total = 0;
  const versions = new Set<string>();
  let groups = 0;
  let photos = 0;
  for (const book of books) {
    const uids = new Map<string, string>();
    const files = readdirSync(join(ROOT, book)).filter((f) => f.endsWith('.vcf'));
    const cards = files.map((f) => {
      const bytes = readFileSync(join(ROOT, book, f));
      const v = validateVCard(bytes, { contentType: 'text/vcard; charset=utf-8', maxResourceSize: 100_000 });
      return { f, bytes, v };
    });
    for (const { f, bytes, v } of cards) {
      total++;
      versions.add(v.version);
      assert.equal(f, `${v.uid.replace(/^urn:uuid:/, '')}.vcf`, `${book}/${f} is not named after its UID`);
      assert.equal(uids.has(v.uid), false, `UID ${v.uid} twice in ${book}`);
      uids.set(v.uid, f);
      const text = bytes.toString('utf8');
      assert.doesNotMatch(text, /[^\r]\n/, `${f}: bare LF`);
      for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `${f}: line over 75 octets`);
      const photo = v.card.properties.find((p) => p.name === 'PHOTO');
      if (photo) {
        photos++;
        const data = Buffer.from(photo.value.replace(/^data:image\/\w+;base64,/, ''), 'base64');
        const jpeg = data[0] === 0xff && data[1] === 0xd8 && data.at(-2) === 0xff && data.at(-1) === 0xd9;
        const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        assert.ok(jpeg || png, `${f}: photo is neither JPEG nor PNG`);
      }
      // Both conversions and jCard work on every demo card.
      for (const version of ['3.0', '4.0'] as const) {
        const out = renderAddressData(text, { contentType: 'text/vcard', version, props: undefined });
        assert.equal(validateVCard(new TextEncoder().encode(out.data), { maxResourceSize: 100_000 }).uid, v.uid, `${f} → ${version}`);
      }
      JSON.parse(renderAddressData(text, { contentType: 'application/vcard+json', version: '4.0', props: undefined }).data);
    }
    // Group members are cards of the same book.
    for (const { f, v } of cards) {
      if (v.kind !== 'group') continue;
      groups++;
      assert.ok(v.card.members.length > 0, f);
      for (const m of v.card.members) {
        const uid = m.replace(/^urn:uuid:/, '');
        assert.ok(uids.has(m) || uids.has(uid), `${book}/${f}: member ${m} is not in the book`);
      }
    }
  }
  assert.ok(total >= 12, `only ${total} demo cards`);
  assert.deepEqual([...versions].sort(), ['3.0', '4.0']);
  assert.ok(groups >= 2, 'an Apple 3.0 group and a 4.0 KIND:group');
  assert.ok(photos >= 4);
});
