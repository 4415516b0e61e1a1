/**
 * calendar-multiget (RFC 4791 §7.9) and addressbook-multiget (RFC 6352 §8.7) over HTTP: full
 * data is the stored text byte for byte (XML-escaped, CRs included), ETags are those of PUT,
 * partial data is still selected, missing members are 404 and anything outside the collection
 * (another collection, another user, another server) is refused per href.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKalends, type Kalends } from '../helpers/server.js';
import { parseMultistatus, req } from '../integration/helpers.js';
import { textOf } from '../../src/dav/xml/element.js';
import { caldav, carddav, dav } from '../../src/dav/xml/names.js';

const CAL_NS = 'urn:ietf:params:xml:ns:caldav';
const CARD_NS = 'urn:ietf:params:xml:ns:carddav';

const event = (uid: string, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kalends//multiget test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260105T100000Z', 'DTEND:20260105T110000Z', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const card = (uid: string, fn: string) => ['BEGIN:VCARD', 'VERSION:4.0', `UID:${uid}`, `FN:${fn}`, 'EMAIL:someone@example.org', 'END:VCARD', ''].join('\r\n');

const calMultiget = (data: string, hrefs: string[]) =>
  `<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="${CAL_NS}"><D:prop><D:getetag/>${data}</D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</C:calendar-multiget>`;
const cardMultiget = (data: string, hrefs: string[]) =>
  `<?xml version="1.0"?><CR:addressbook-multiget xmlns:D="DAV:" xmlns:CR="${CARD_NS}"><D:prop><D:getetag/>${data}</D:prop>${hrefs.map((h) => `<D:href>${h}</D:href>`).join('')}</CR:addressbook-multiget>`;

describe('multiget reports', () => {
  let k: Kalends;
  const etags = new Map<string, string>();
  const CAL = '/alice/calendars/personal/';
  const BOOK = '/alice/contacts/contacts/';
  // Characters XML must escape, in the data: they come back decoded to the same text.
  const TRICKY = 'Q&A <review> "done" > 5';

  before(async () => {
    k = await startKalends();
    const put = async (user: string, path: string, body: string, type: string) => {
      const r = await req(k, user, 'PUT', path, { body, headers: { 'Content-Type': type } });
      assert.equal(r.status, 201, `${path}: ${r.text}`);
      etags.set(path, r.headers.get('etag')!);
    };
    await put('alice', `${CAL}e1.ics`, event('e1', 'Standup'), 'text/calendar');
    await put('alice', `${CAL}e2.ics`, event('e2', TRICKY), 'text/calendar');
    assert.equal((await req(k, 'alice', 'MKCALENDAR', '/alice/calendars/work/')).status, 201);
    await put('alice', '/alice/calendars/work/w1.ics', event('w1', 'Other calendar'), 'text/calendar');
    await put('bob', '/bob/calendars/personal/b1.ics', event('b1', 'Bob only'), 'text/calendar');
    await put('alice', `${BOOK}c1.vcf`, card('c1', 'Ann Example'), 'text/vcard');
    await put('alice', `${BOOK}c2.vcf`, card('c2', TRICKY), 'text/vcard');
  });
  after(async () => {
    await k.stop();
  });

  test('calendar-multiget: stored text and PUT ETags, 404 for missing, refusals per href', async () => {
    const hrefs = [`${CAL}e1.ics`, `${CAL}e2.ics`, `${CAL}missing.ics`, `${CAL}notes.txt`, `${k.origin}${CAL}e1.ics`, '/alice/calendars/work/w1.ics', '/bob/calendars/personal/b1.ics'];
    const r = await req(k, 'alice', 'REPORT', CAL, { headers: { Depth: '1' }, body: calMultiget('<C:calendar-data/>', hrefs) });
    assert.equal(r.status, 207, r.text);
    const ms = parseMultistatus(r.text);
    assert.equal(ms.responses.length, 7);
    const [e1, e2, missing, notes, abs, other, bob] = ms.responses;
    assert.equal(e1!.href, `${CAL}e1.ics`);
    assert.equal(textOf(e1!.prop(caldav('calendar-data'))!), event('e1', 'Standup'));
    assert.equal(textOf(e1!.prop(dav('getetag'))!), etags.get(`${CAL}e1.ics`));
    assert.equal(textOf(e2!.prop(caldav('calendar-data'))!), event('e2', TRICKY));
    assert.equal(textOf(e2!.prop(dav('getetag'))!), etags.get(`${CAL}e2.ics`));
    assert.deepEqual([missing!.href, missing!.status], [`${CAL}missing.ics`, 404]);
    assert.deepEqual([notes!.href, notes!.status], [`${CAL}notes.txt`, 404]);
    // An absolute URL on this server names the same member.
    assert.equal(abs!.href, `${CAL}e1.ics`);
    assert.equal(textOf(abs!.prop(caldav('calendar-data'))!), event('e1', 'Standup'));
    assert.equal(other!.status, 403);
    assert.equal(bob!.status, 403);
    assert.ok(!r.text.includes('Other calendar') && !r.text.includes('Bob only'));
  });

  test('calendar-multiget on a second calendar and with a partial calendar-data', async () => {
    const w = await req(k, 'alice', 'REPORT', '/alice/calendars/work/', { body: calMultiget('<C:calendar-data/>', ['/alice/calendars/work/w1.ics', `${CAL}e1.ics`]) });
    const wms = parseMultistatus(w.text);
    assert.equal(textOf(wms.responses[0]!.prop(caldav('calendar-data'))!), event('w1', 'Other calendar'));
    assert.equal(wms.responses[1]!.status, 403);

    const partial = '<C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="UID"/><C:prop name="SUMMARY"/></C:comp></C:comp></C:calendar-data>';
    const r = await req(k, 'alice', 'REPORT', CAL, { body: calMultiget(partial, [`${CAL}e2.ics`]) });
    const got = textOf(parseMultistatus(r.text).responses[0]!.prop(caldav('calendar-data'))!);
    assert.equal(got, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:e2', `SUMMARY:${TRICKY}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));

    const bad = await req(k, 'alice', 'REPORT', CAL, { body: calMultiget('<C:calendar-data content-type="application/calendar+json"/>', [`${CAL}e1.ics`]) });
    assert.equal(parseMultistatus(bad.text).responses[0]!.propStatus(caldav('calendar-data')), 403);
  });

  test('addressbook-multiget: stored text, 404 for missing, refusals, partial address-data', async () => {
    const hrefs = [`${BOOK}c1.vcf`, `${BOOK}c2.vcf`, `${BOOK}gone.vcf`, `${CAL}e1.ics`, '/bob/contacts/contacts/x.vcf'];
    const r = await req(k, 'alice', 'REPORT', BOOK, { headers: { Depth: '1' }, body: cardMultiget('<CR:address-data/>', hrefs) });
    assert.equal(r.status, 207, r.text);
    const [c1, c2, gone, cal, bob] = parseMultistatus(r.text).responses;
    assert.equal(textOf(c1!.prop(carddav('address-data'))!), card('c1', 'Ann Example'));
    assert.equal(textOf(c1!.prop(dav('getetag'))!), etags.get(`${BOOK}c1.vcf`));
    assert.equal(textOf(c2!.prop(carddav('address-data'))!), card('c2', TRICKY));
    assert.equal(gone!.status, 404);
    assert.equal(cal!.status, 403);
    assert.equal(bob!.status, 403);

    const partial = await req(k, 'alice', 'REPORT', BOOK, { body: cardMultiget('<CR:address-data><CR:prop name="VERSION"/><CR:prop name="UID"/><CR:prop name="FN"/></CR:address-data>', [`${BOOK}c1.vcf`]) });
    const got = textOf(parseMultistatus(partial.text).responses[0]!.prop(carddav('address-data'))!);
    assert.match(got, /^BEGIN:VCARD\r\nVERSION:4\.0\r\n/);
    assert.ok(got.includes('UID:c1\r\n') && got.includes('FN:Ann Example\r\n'));
    assert.ok(!got.includes('EMAIL'), 'EMAIL was not asked for');
  });
});
