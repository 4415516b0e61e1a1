/**
 * sync-collection and CTag on calendars and address books over real HTTP: the default
 * collections a new user gets, deltas of events and cards (add, change, delete), native git
 * commits, truncation, and what a calendar repository holds besides members (metadata, folders,
 * hidden files) never showing up as members.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startKalends, type Kalends } from '../helpers/server.js';
import { elements, textOf } from '../../src/dav/xml/element.js';
import { dav } from '../../src/dav/xml/names.js';
import { blobIdOf, headOf, nativeCommit, parseMultistatus, propfindBody, req, syncBody, type Multistatus } from './helpers.js';

const CAL = 'urn:ietf:params:xml:ns:caldav';
const CARD = 'urn:ietf:params:xml:ns:carddav';
const CS = 'http://calendarserver.org/ns/';
const etag = (s: string) => `"${blobIdOf(s)}"`;

const event = (uid: string, summary: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Kalends//sync test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', 'DTSTART:20260110T090000Z', 'DTEND:20260110T100000Z', `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
const card = (uid: string, fn: string) => ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${fn}`, `N:${fn};;;;`, 'END:VCARD', ''].join('\r\n');

function delta(ms: Multistatus): Record<string, string | 404> {
  const out: Record<string, string | 404> = {};
  for (const r of ms.responses) {
    if (r.status === 507) continue;
    out[r.href] = r.status === 404 ? 404 : textOf(r.prop(dav('getetag'))!);
  }
  return out;
}

describe('sync-collection on calendars and address books', () => {
  let k: Kalends;
  before(async () => {
    k = await startKalends();
  });
  after(async () => {
    await k.stop();
  });

  const sync = async (path: string, token: string, opts: Parameters<typeof syncBody>[1] = {}) => {
    const r = await req(k, 'alice', 'REPORT', path, { headers: { Depth: '0' }, body: syncBody(token, opts) });
    assert.equal(r.status, 207, r.text);
    return parseMultistatus(r.text);
  };

  test('the homes list the default calendar and address book, which advertise sync-collection', async () => {
    for (const [home, coll, rt] of [['/alice/calendars/', '/alice/calendars/personal/', `{${CAL}}calendar`], ['/alice/contacts/', '/alice/contacts/contacts/', `{${CARD}}addressbook`]] as const) {
      const r = await req(k, 'alice', 'PROPFIND', home, { headers: { Depth: '1' }, body: propfindBody('<D:resourcetype/><D:supported-report-set/><D:sync-token/><CS:getctag/>', ` xmlns:CS="${CS}"`) });
      assert.equal(r.status, 207);
      const ms = parseMultistatus(r.text);
      const c = ms.byHref(coll);
      assert.ok(c, `${coll} listed in ${home}: ${ms.responses.map((x) => x.href)}`);
      assert.ok(elements(c.prop(dav('resourcetype'))!).some((e) => e.name === rt));
      const reports = elements(c.prop(dav('supported-report-set'))!).flatMap((sr) => elements(sr).flatMap((rep) => elements(rep).map((e) => e.name)));
      assert.ok(reports.includes(dav('sync-collection')), `${coll} reports: ${reports}`);
      const rel = coll.slice(1, -1);
      assert.equal(textOf(c.prop(`{${CS}}getctag`)!), headOf(k, rel));
      assert.ok(textOf(c.prop(dav('sync-token'))!).endsWith(headOf(k, rel)));
    }
  });

  test('calendar: initial sync, then add / change / delete, then a native commit', async () => {
    const cal = '/alice/calendars/personal/';
    const put = async (name: string, body: string) => {
      const r = await req(k, 'alice', 'PUT', cal + name, { body, headers: { 'Content-Type': 'text/calendar; charset=utf-8' } });
      assert.ok(r.status === 201 || r.status === 204, `${name}: ${r.status} ${r.text}`);
      assert.equal(r.headers.get('etag'), etag(body));
    };
    await put('e1.ics', event('e1', 'One'));
    await put('e2.ics', event('e2', 'Two'));
    const first = await sync(cal, '', { props: `<D:getetag/><C:calendar-data xmlns:C="${CAL}"/>` });
    assert.deepEqual(delta(first), { [`${cal}e1.ics`]: etag(event('e1', 'One')), [`${cal}e2.ics`]: etag(event('e2', 'Two')) });
    await put('e3.ics', event('e3', 'Three'));
    await put('e1.ics', event('e1', 'One, moved'));
    assert.equal((await req(k, 'alice', 'DELETE', `${cal}e2.ics`)).status, 204);
    const second = await sync(cal, first.syncToken!);
    assert.deepEqual(delta(second), { [`${cal}e1.ics`]: etag(event('e1', 'One, moved')), [`${cal}e2.ics`]: 404, [`${cal}e3.ics`]: etag(event('e3', 'Three')) });
    // A person edits the calendar with git: a new event, a removed one, and things that are not members.
    const c = nativeCommit(k, 'alice/calendars/personal', {
      'e4.ics': event('e4', 'Four'),
      'e3.ics': null,
      'notes/readme.txt': 'not a member: calendars hold no folders',
      '.hidden.ics': event('hidden', 'Hidden'),
    });
    const third = await sync(cal, second.syncToken!);
    assert.deepEqual(delta(third), { [`${cal}e3.ics`]: 404, [`${cal}e4.ics`]: etag(event('e4', 'Four')) });
    assert.ok(third.syncToken!.endsWith(c));
    const get = await req(k, 'alice', 'GET', `${cal}e4.ics`);
    assert.equal(get.status, 200);
    assert.equal(get.text, event('e4', 'Four'));
    const listing = parseMultistatus((await req(k, 'alice', 'PROPFIND', cal, { headers: { Depth: '1' }, body: propfindBody('<D:getetag/>') })).text);
    assert.deepEqual(listing.responses.map((r) => r.href).sort(), [cal, `${cal}e1.ics`, `${cal}e4.ics`]);
  });

  test('calendar: a property change (calendar-color) gives a new token and no member responses', async () => {
    const cal = '/alice/calendars/personal/';
    const t0 = (await sync(cal, '')).syncToken!;
    const r = await req(k, 'alice', 'PROPPATCH', cal, {
      body: `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><A:calendar-color>#FF0000FF</A:calendar-color><D:displayname>Mine</D:displayname></D:prop></D:set></D:propertyupdate>`,
    });
    assert.equal(r.status, 207);
    const s = await sync(cal, t0);
    assert.deepEqual(delta(s), {});
    assert.notEqual(s.syncToken, t0);
    assert.ok(s.syncToken!.endsWith(headOf(k, 'alice/calendars/personal')));
  });

  test('address book: deltas and a truncated sync continued across a change', async () => {
    const book = '/alice/contacts/contacts/';
    const put = async (name: string, body: string) => {
      const r = await req(k, 'alice', 'PUT', book + name, { body, headers: { 'Content-Type': 'text/vcard; charset=utf-8' } });
      assert.ok(r.status === 201 || r.status === 204, `${name}: ${r.status} ${r.text}`);
    };
    const t0 = (await sync(book, '')).syncToken!;
    for (const n of ['a', 'b', 'c']) await put(`${n}.vcf`, card(n, `Person ${n.toUpperCase()}`));
    const p1 = await sync(book, t0, { limit: 2, props: `<D:getetag/><CR:address-data xmlns:CR="${CARD}"/>` });
    assert.deepEqual(delta(p1), { [`${book}a.vcf`]: etag(card('a', 'Person A')), [`${book}b.vcf`]: etag(card('b', 'Person B')) });
    assert.equal(p1.responses.filter((r) => r.status === 507).length, 1);
    for (const r of p1.responses.filter((x) => x.status === undefined)) assert.match(textOf(r.prop(`{${CARD}}address-data`)!), /BEGIN:VCARD/);
    // Between pages: a changes (already reported), c is removed (never reported), d is new.
    await put('a.vcf', card('a', 'Person A2'));
    assert.equal((await req(k, 'alice', 'DELETE', `${book}c.vcf`)).status, 204);
    await put('d.vcf', card('d', 'Person D'));
    const p2 = await sync(book, p1.syncToken!, { limit: 10 });
    assert.deepEqual(delta(p2), { [`${book}a.vcf`]: etag(card('a', 'Person A2')), [`${book}d.vcf`]: etag(card('d', 'Person D')) });
    assert.equal(p2.responses.filter((r) => r.status === 507).length, 0);
    assert.ok(p2.syncToken!.endsWith(headOf(k, 'alice/contacts/contacts')));
  });

  test('a new calendar made with MKCALENDAR syncs from its first commit', async () => {
    const r = await req(k, 'alice', 'MKCALENDAR', '/alice/calendars/work/', {
      body: `<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="${CAL}"><D:set><D:prop><D:displayname>Work</D:displayname></D:prop></D:set></C:mkcalendar>`,
    });
    assert.equal(r.status, 201, r.text);
    const empty = await sync('/alice/calendars/work/', '');
    assert.deepEqual(delta(empty), {});
    assert.ok(empty.syncToken!.endsWith(headOf(k, 'alice/calendars/work')));
    await req(k, 'alice', 'PUT', '/alice/calendars/work/w.ics', { body: event('w', 'Work'), headers: { 'Content-Type': 'text/calendar' } });
    assert.deepEqual(delta(await sync('/alice/calendars/work/', empty.syncToken!)), { '/alice/calendars/work/w.ics': etag(event('w', 'Work')) });
    // A token of another calendar is not one of this calendar's.
    const other = await req(k, 'alice', 'REPORT', '/alice/calendars/work/', { headers: { Depth: '0' }, body: syncBody(`urn:x-kalends:sync:${headOf(k, 'alice/contacts/contacts')}`) });
    assert.equal(other.status, 403);
  });
});
