/**
 * tsdav 2.x (the npm CalDAV/CardDAV client) against a real Kalends process, with Basic auth.
 * CardDAV: discovery, address book creation (extended MKCOL), Apple-style vCard 3.0 and a
 * vCard 4.0, fetch (addressbook-query + multiget), update with If-Match (stale → 412), delete,
 * sync-collection deltas, a text-match query, the UID conflict precondition. CalDAV: calendars,
 * create, time-range fetch, multiget, sync-collection. Every PUT's bytes are checked against
 * what GET returns and against the blob native git computes; every write is an alice commit.
 * Expected values are worked out by hand from the cards and events below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { DAVClient, type DAVAddressBook, type DAVCalendar, type DAVVCard } from 'tsdav';
import { startKalends, type Kalends } from '../helpers/server.js';
import { gitHashObject, gitHistory, IN_CI, missingTool, run } from './helpers.js';

const missing = missingTool([{ what: 'git', cmd: 'git', args: ['--version'] }]);

const crlf = (lines: string[]) => lines.join('\r\n') + '\r\n';

// What the iPhone's Contacts app sends (vCard 3.0): grouped EMAIL with an X-ABLabel, an inline
// base64 PHOTO folded at 75 octets, escaped comma in ORG... The card matches EMAIL contains
// "example.com".
const JOHNNY_UID = 'C1E3A4B2-7F61-4D2B-9F0E-5A6B7C8D9E0F';
const JOHNNY = crlf([
  'BEGIN:VCARD',
  'VERSION:3.0',
  'PRODID:-//Apple Inc.//iPhone OS 17.4//EN',
  'N:Appleseed;Johnny;;;',
  'FN:Johnny Appleseed',
  'ORG:Apple\\, Inc.;',
  'item1.EMAIL;type=INTERNET;type=pref:johnny@example.com',
  'item1.X-ABLabel:_$!<Other>!$_',
  'TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0100',
  'item2.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States',
  'item2.X-ABADR:us',
  'PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgk',
  ' ICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/wAALCAABAAEBAREA/8QAFAABAAAAAAAA',
  ' AAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==',
  `UID:${JOHNNY_UID}`,
  'X-ABUID:C1E3A4B2-7F61-4D2B-9F0E-5A6B7C8D9E0F:ABPerson',
  'END:VCARD',
]);

// vCard 4.0 with non-ASCII text (the bytes must come back identical) and an example.org address.
const ZOE_UID = 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1';
const ZOE = crlf([
  'BEGIN:VCARD',
  'VERSION:4.0',
  `UID:${ZOE_UID}`,
  'FN:Zoë Durand',
  'N:Durand;Zoë;;;',
  'EMAIL;TYPE=work:zoe.durand@example.org',
  'TEL;VALUE=uri;TYPE="voice,cell":tel:+33-6-12-34-56-78',
  'KIND:individual',
  'REV:20240301T120000Z',
  'END:VCARD',
]);

// Two events in a calendar: one on 2024-05-10 09:00-10:00Z, one on 2024-06-20 (all day).
const STANDUP = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//tsdav interop//EN',
  'BEGIN:VEVENT',
  'UID:standup-0510@kalends.test',
  'DTSTAMP:20240401T000000Z',
  'DTSTART:20240510T090000Z',
  'DTEND:20240510T100000Z',
  'SUMMARY:Stand-up',
  'END:VEVENT',
  'END:VCALENDAR',
]);
const HOLIDAY = crlf([
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//tsdav interop//EN',
  'BEGIN:VEVENT',
  'UID:holiday-0620@kalends.test',
  'DTSTAMP:20240401T000000Z',
  'DTSTART;VALUE=DATE:20240620',
  'DTEND;VALUE=DATE:20240621',
  'SUMMARY:Midsummer',
  'END:VEVENT',
  'END:VCALENDAR',
]);

/** A sync-collection answer as [href, what]: tsdav gives a member with properties the 207 of the whole response. */
const syncSummary = (res: Array<{ href?: string; status?: number; ok?: boolean }>) =>
  res.map((r) => [r.href, r.status === 404 ? 'removed' : r.ok ? 'present' : r.status]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

interface Exchange {
  method: string;
  url: string;
  status: number;
  etag: string | null;
  body?: string;
  responseText?: string;
}

describe('tsdav against Kalends', { skip: !IN_CI && missing ? missing : false }, () => {
  let server: Kalends;
  const log: Exchange[] = [];
  /** fetch for tsdav that records every exchange (PUT bodies, error bodies, the manual redirects). */
  const loggingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, { ...init, signal: AbortSignal.timeout(20_000) });
    const method = init?.method ?? 'GET';
    const entry: Exchange = { method, url: String(input instanceof Request ? input.url : input), status: res.status, etag: res.headers.get('etag') };
    if (method === 'PUT' && typeof init?.body === 'string') entry.body = init.body;
    if (res.status >= 400) entry.responseText = await res.clone().text();
    log.push(entry);
    return res;
  };
  const credentials = { username: 'alice', password: 'alice-pw' };
  let card: DAVClient;
  let cal: DAVClient;
  let family: DAVAddressBook;
  let origin: string;

  before(async () => {
    if (missing) throw new Error(`CI is set and ${missing}`);
    server = await startKalends();
    origin = server.origin;
    card = new DAVClient({ serverUrl: server.url, credentials, authMethod: 'Basic', defaultAccountType: 'carddav', fetch: loggingFetch });
    cal = new DAVClient({ serverUrl: server.url, credentials, authMethod: 'Basic', defaultAccountType: 'caldav', fetch: loggingFetch });
  });
  after(async () => {
    await server?.stop();
  });

  const raw = (path: string, init: RequestInit = {}) =>
    fetch(new URL(path, origin), { ...init, headers: { Authorization: server.auth('alice'), ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(20_000) });

  describe('CardDAV', () => {
    it('login() discovers principal and address book home through /.well-known/carddav', async () => {
      await card.login();
      assert.equal(card.account?.principalUrl, `${origin}/alice/`);
      assert.equal(card.account?.homeUrl, `${origin}/alice/contacts/`);
      const wellKnown = log.find((x) => x.url.endsWith('/.well-known/carddav'));
      assert.ok(wellKnown && wellKnown.status >= 300 && wellKnown.status < 400, `well-known answered ${wellKnown?.status}`);
    });

    it('fetchAddressBooks lists the default address book with its reports', async () => {
      const books = await card.fetchAddressBooks();
      assert.deepEqual(books.map((b) => [b.url, b.displayName]), [[`${origin}/alice/contacts/contacts/`, 'Contacts']]);
      const reports = books[0]!.reports as string[];
      for (const r of ['syncCollection', 'addressbookQuery', 'addressbookMultiget']) assert.ok(reports.includes(r), `${r} in ${reports.join(', ')}`);
      assert.ok(books[0]!.syncToken, 'a sync token');
    });

    it('creates an address book with extended MKCOL', async () => {
      const res = await card.makeCollection({
        url: `${origin}/alice/contacts/family/`,
        props: { 'd:resourcetype': { 'd:collection': {}, 'card:addressbook': {} }, 'd:displayname': 'Family', 'card:addressbook-description': 'Close family' },
      });
      assert.equal(res[0]?.status, 201, JSON.stringify(res));
      const books = await card.fetchAddressBooks();
      family = books.find((b) => b.url === `${origin}/alice/contacts/family/`)!;
      assert.ok(family, `family in ${books.map((b) => b.url).join(', ')}`);
      assert.equal(family.displayName, 'Family');
      assert.deepEqual([...(family.resourcetype as string[])].sort(), ['addressbook', 'collection']);
    });

    it('createVCard stores Apple vCard 3.0 and a vCard 4.0 (201, ETag = git blob id of the bytes sent)', async () => {
      const a = await card.createVCard({ addressBook: family, vCardString: JOHNNY, filename: 'johnny.vcf' });
      const z = await card.createVCard({ addressBook: family, vCardString: ZOE, filename: 'zoe.vcf' });
      assert.equal(a.status, 201);
      assert.equal(z.status, 201);
      assert.equal(a.headers.get('etag'), `"${await gitHashObject(Buffer.from(JOHNNY))}"`);
      assert.equal(z.headers.get('etag'), `"${await gitHashObject(Buffer.from(ZOE))}"`);
      // createVCard sends If-None-Match: * — creating the same name again is refused.
      const again = await card.createVCard({ addressBook: family, vCardString: JOHNNY, filename: 'johnny.vcf' });
      assert.equal(again.status, 412);
    });

    it('GET returns the identical bytes', async () => {
      for (const [name, text] of [['johnny.vcf', JOHNNY], ['zoe.vcf', ZOE]] as const) {
        const res = await raw(`/alice/contacts/family/${name}`);
        assert.equal(res.status, 200);
        assert.deepEqual(Buffer.from(await res.arrayBuffer()), Buffer.from(text, 'utf8'));
        assert.equal(res.headers.get('etag'), `"${await gitHashObject(Buffer.from(text))}"`);
        assert.match(res.headers.get('content-type') ?? '', /^text\/vcard/);
      }
    });

    it('fetchVCards returns both cards with their ETags (addressbook-query, then multiget)', async () => {
      const cards = await card.fetchVCards({ addressBook: family });
      const byUrl = new Map(cards.map((c) => [c.url, c]));
      assert.deepEqual([...byUrl.keys()].sort(), [`${origin}/alice/contacts/family/johnny.vcf`, `${origin}/alice/contacts/family/zoe.vcf`]);
      // tsdav's XML parser trims text, so compare without the final CRLF.
      assert.equal(byUrl.get(`${origin}/alice/contacts/family/johnny.vcf`)!.data, JOHNNY.trim());
      assert.equal(byUrl.get(`${origin}/alice/contacts/family/zoe.vcf`)!.data, ZOE.trim());
      assert.equal(byUrl.get(`${origin}/alice/contacts/family/zoe.vcf`)!.etag, `"${await gitHashObject(Buffer.from(ZOE))}"`);
      const reports = log.filter((x) => x.method === 'REPORT' && x.url === family.url).map((x) => x.status);
      assert.deepEqual(reports.slice(-2), [207, 207]);
    });

    it('addressBookQuery with EMAIL text-match contains (i;unicode-casemap) finds only the example.com card', async () => {
      const res = await card.addressBookQuery({
        url: family.url,
        props: { 'd:getetag': {} },
        filters: { 'card:prop-filter': { _attributes: { name: 'EMAIL' }, 'card:text-match': { _attributes: { collation: 'i;unicode-casemap', 'match-type': 'contains' }, _text: 'EXAMPLE.COM' } } },
        depth: '1',
      });
      assert.deepEqual(res.map((r) => r.href), ['/alice/contacts/family/johnny.vcf']);
      const none = await card.addressBookQuery({
        url: family.url,
        props: { 'd:getetag': {} },
        filters: { 'card:prop-filter': { _attributes: { name: 'EMAIL' }, 'card:text-match': { _attributes: { 'match-type': 'starts-with' }, _text: 'durand' } } },
        depth: '1',
      });
      assert.deepEqual(none.map((r) => r.href ?? null), []);
    });

    it('address-data with version="4.0" or jCard converts the 3.0 card on the way out; the stored bytes stay 3.0', async () => {
      const multiget = (attrs: Record<string, string>) =>
        card.addressBookMultiGet({ url: family.url, props: { 'd:getetag': {}, 'card:address-data': { _attributes: attrs } }, objectUrls: ['/alice/contacts/family/johnny.vcf'], depth: '1' });
      const v4 = await multiget({ 'content-type': 'text/vcard', version: '4.0' });
      const text = String((v4[0]!.props as { addressData: unknown }).addressData);
      const lines = text.split(/\r?\n/);
      assert.equal(lines[0], 'BEGIN:VCARD');
      assert.ok(lines.includes('VERSION:4.0'), text);
      assert.ok(lines.includes('FN:Johnny Appleseed'), text);
      assert.ok(lines.some((l) => /^(item1\.)?EMAIL[;:].*johnny@example\.com$/.test(l)), text);
      assert.ok(lines.some((l) => l.startsWith('UID:') && l.includes(JOHNNY_UID)), text);
      const jcard = await multiget({ 'content-type': 'application/vcard+json', version: '4.0' });
      const parsed = JSON.parse(String((jcard[0]!.props as { addressData: unknown }).addressData)) as [string, Array<[string, object, string, ...unknown[]]>];
      assert.equal(parsed[0], 'vcard');
      assert.deepEqual(parsed[1].find((p) => p[0] === 'fn'), ['fn', {}, 'text', 'Johnny Appleseed']);
      assert.deepEqual(parsed[1].find((p) => p[0] === 'version'), ['version', {}, 'text', '4.0']);
      const stored = await raw('/alice/contacts/family/johnny.vcf');
      assert.equal(await stored.text(), JOHNNY);
    });

    let token0 = '';
    let baseline: DAVVCard[] = [];
    it('sync-collection: the initial sync lists both cards', async () => {
      const res = await card.syncCollection({ url: family.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: '' });
      assert.deepEqual(syncSummary(res), [['/alice/contacts/family/johnny.vcf', 'present'], ['/alice/contacts/family/zoe.vcf', 'present']]);
      token0 = (res[0]!.raw as { multistatus: { syncToken: string } }).multistatus.syncToken;
      assert.ok(token0);
      baseline = await card.fetchVCards({ addressBook: family });
    });

    let zoe: DAVVCard;
    it('updateVCard with the current ETag → 204; the same stale ETag again → 412', async () => {
      zoe = (await card.fetchVCards({ addressBook: family })).find((c) => c.url.endsWith('/zoe.vcf'))!;
      const changed = ZOE.replace('EMAIL;TYPE=work:zoe.durand@example.org', 'EMAIL;TYPE=work:zoe@example.net');
      const ok = await card.updateVCard({ vCard: { ...zoe, data: changed } });
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get('etag'), `"${await gitHashObject(Buffer.from(changed))}"`);
      const stale = await card.updateVCard({ vCard: { ...zoe, data: ZOE.replace('Zoë Durand', 'Zoé Durand') } });
      assert.equal(stale.status, 412);
      const get = await raw('/alice/contacts/family/zoe.vcf');
      assert.equal(await get.text(), changed);
    });

    it('a second card with an existing UID → 403 CARDDAV:no-uid-conflict naming the holder', async () => {
      const dup = await card.createVCard({ addressBook: family, vCardString: JOHNNY.replace('FN:Johnny Appleseed', 'FN:Johnny Copy'), filename: 'johnny-copy.vcf' });
      assert.equal(dup.status, 403);
      const body = await dup.text();
      assert.match(body, /no-uid-conflict/);
      assert.match(body, /<[A-Za-z]*:?href>\/alice\/contacts\/family\/johnny\.vcf<\/[A-Za-z]*:?href>/);
    });

    it('deleteVCard with the ETag → 204, and a new card', async () => {
      const johnny = (await card.fetchVCards({ addressBook: family })).find((c) => c.url.endsWith('/johnny.vcf'))!;
      const del = await card.deleteVCard({ vCard: johnny });
      assert.equal(del.status, 204);
      const gone = await raw('/alice/contacts/family/johnny.vcf');
      assert.equal(gone.status, 404);
      const newCard = crlf(['BEGIN:VCARD', 'VERSION:4.0', 'UID:urn:uuid:0a7b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', 'FN:Grandma', 'END:VCARD']);
      assert.equal((await card.createVCard({ addressBook: family, vCardString: newCard, filename: 'grandma.vcf' })).status, 201);
    });

    it('sync-collection from the first token reports exactly the delta: added, changed, removed (404)', async () => {
      const res = await card.syncCollection({ url: family.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token0 });
      assert.deepEqual(syncSummary(res), [
        ['/alice/contacts/family/grandma.vcf', 'present'],
        ['/alice/contacts/family/johnny.vcf', 'removed'],
        ['/alice/contacts/family/zoe.vcf', 'present'],
      ]);
    });

    it('smartCollectionSync (webdav method) gives created, updated and deleted objects', async () => {
      const result = await card.smartCollectionSyncDetailed({
        collection: { ...family, syncToken: token0, objects: baseline, objectMultiGet: card.addressBookMultiGet.bind(card) },
        method: 'webdav',
      });
      const objects = result.objects as { created: DAVVCard[]; updated: DAVVCard[]; deleted: DAVVCard[] };
      assert.deepEqual(objects.created.map((o) => o.url), [`${origin}/alice/contacts/family/grandma.vcf`]);
      assert.deepEqual(objects.updated.map((o) => o.url), [`${origin}/alice/contacts/family/zoe.vcf`]);
      assert.deepEqual(objects.deleted.map((o) => o.url), [`${origin}/alice/contacts/family/johnny.vcf`]);
      assert.notEqual(result.syncToken, token0);
      const after = await card.syncCollection({ url: family.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: result.syncToken });
      assert.deepEqual(after.filter((r) => r.href !== undefined).map((r) => r.href), []);
    });
  });

  describe('CalDAV', () => {
    let personal: DAVCalendar;
    let token0 = '';
    it('login() and fetchCalendars find the default calendar', async () => {
      await cal.login();
      assert.equal(cal.account?.homeUrl, `${origin}/alice/calendars/`);
      const cals = await cal.fetchCalendars();
      assert.deepEqual(cals.map((c) => c.url), [`${origin}/alice/calendars/personal/`]);
      personal = cals[0]!;
      assert.deepEqual([...personal.components!].sort(), ['VEVENT', 'VJOURNAL', 'VTODO']);
      const s = await cal.syncCollection({ url: personal.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: '' });
      token0 = (s[0]!.raw as { multistatus: { syncToken: string } }).multistatus.syncToken;
      assert.ok(token0);
    });

    it('createCalendarObject stores the events (201, ETag = git blob id)', async () => {
      for (const [name, text] of [['standup.ics', STANDUP], ['holiday.ics', HOLIDAY]] as const) {
        const res = await cal.createCalendarObject({ calendar: personal, iCalString: text, filename: name });
        assert.equal(res.status, 201);
        assert.equal(res.headers.get('etag'), `"${await gitHashObject(Buffer.from(text))}"`);
      }
    });

    it('fetchCalendarObjects with a timeRange returns only the overlapping event', async () => {
      const may = await cal.fetchCalendarObjects({ calendar: personal, timeRange: { start: '2024-05-01T00:00:00Z', end: '2024-06-01T00:00:00Z' } });
      assert.deepEqual(may.map((o) => o.url), [`${origin}/alice/calendars/personal/standup.ics`]);
      assert.equal(may[0]!.data, STANDUP.trim());
      const june = await cal.fetchCalendarObjects({ calendar: personal, timeRange: { start: '2024-06-15T00:00:00Z', end: '2024-06-25T00:00:00Z' } });
      assert.deepEqual(june.map((o) => o.url), [`${origin}/alice/calendars/personal/holiday.ics`]);
      const april = await cal.fetchCalendarObjects({ calendar: personal, timeRange: { start: '2024-04-01T00:00:00Z', end: '2024-05-01T00:00:00Z' } });
      assert.deepEqual(april.map((o) => o.url), []);
      const all = await cal.fetchCalendarObjects({ calendar: personal });
      assert.deepEqual(all.map((o) => o.url).sort(), [`${origin}/alice/calendars/personal/holiday.ics`, `${origin}/alice/calendars/personal/standup.ics`]);
    });

    it('calendarMultiGet returns data for each href and 404 for a missing one', async () => {
      const res = await cal.calendarMultiGet({
        url: personal.url,
        props: { 'd:getetag': {}, 'c:calendar-data': {} },
        objectUrls: ['/alice/calendars/personal/holiday.ics', '/alice/calendars/personal/nothing.ics'],
        depth: '1',
      }).catch((e: unknown) => e);
      // tsdav's collectionQuery throws on any non-2xx response in the multistatus; ask the raw way too.
      const text = await (
        await raw('/alice/calendars/personal/', {
          method: 'REPORT',
          headers: { Depth: '1', 'Content-Type': 'application/xml' },
          body: '<?xml version="1.0"?><C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>/alice/calendars/personal/holiday.ics</D:href><D:href>/alice/calendars/personal/nothing.ics</D:href></C:calendar-multiget>',
        })
      ).text();
      assert.match(text, /holiday\.ics<\/D:href><D:propstat>/);
      assert.match(text, /SUMMARY:Midsummer/);
      assert.match(text, /nothing\.ics<\/D:href><D:status>HTTP\/1\.1 404 Not Found<\/D:status>/);
      assert.ok(res instanceof Error, 'tsdav reports the 404 member as an error');
      const one = await cal.calendarMultiGet({ url: personal.url, props: { 'd:getetag': {}, 'c:calendar-data': {} }, objectUrls: ['/alice/calendars/personal/holiday.ics'], depth: '1' });
      assert.equal(one.length, 1);
      assert.equal((one[0]!.props as { calendarData: string }).calendarData, HOLIDAY.trim());
    });

    it('updateCalendarObject / deleteCalendarObject and the sync-collection delta', async () => {
      const objs = await cal.fetchCalendarObjects({ calendar: personal });
      const standup = objs.find((o) => o.url.endsWith('/standup.ics'))!;
      const moved = STANDUP.replace('SUMMARY:Stand-up', 'SUMMARY:Stand-up (moved)');
      assert.equal((await cal.updateCalendarObject({ calendarObject: { ...standup, data: moved } })).status, 204);
      assert.equal((await cal.updateCalendarObject({ calendarObject: { ...standup, data: STANDUP } })).status, 412);
      const holiday = objs.find((o) => o.url.endsWith('/holiday.ics'))!;
      // Delete with a stale ETag first: refused, nothing removed.
      assert.equal((await cal.deleteCalendarObject({ calendarObject: { ...holiday, etag: standup.etag! } })).status, 412);
      const mid = await cal.syncCollection({ url: personal.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token0 });
      assert.deepEqual(syncSummary(mid), [['/alice/calendars/personal/holiday.ics', 'present'], ['/alice/calendars/personal/standup.ics', 'present']]);
      const midToken = (mid[0]!.raw as { multistatus: { syncToken: string } }).multistatus.syncToken;
      assert.equal((await cal.deleteCalendarObject({ calendarObject: holiday })).status, 204);
      const delta = await cal.syncCollection({ url: personal.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: midToken });
      assert.deepEqual(syncSummary(delta), [['/alice/calendars/personal/holiday.ics', 'removed']]);
      // The CTag clients without sync-collection poll (isCollectionDirty) moved with the writes.
      assert.ok(personal.ctag, 'fetchCalendars gave a CTag');
      const dirty = await cal.isCollectionDirty({ collection: personal });
      assert.equal(dirty.isDirty, true);
      assert.equal((await cal.isCollectionDirty({ collection: { ...personal, ctag: dirty.newCtag } })).isDirty, false);
    });
  });

  describe('on disk', () => {
    it('every successful PUT: GET-able bytes = git blob of the body = ETag', async () => {
      const puts = log.filter((x) => x.method === 'PUT' && (x.status === 201 || x.status === 204));
      assert.ok(puts.length >= 7, `saw ${puts.length} PUTs`);
      for (const p of puts) assert.equal(p.etag, `"${await gitHashObject(Buffer.from(p.body!, 'utf8'))}"`, p.url);
    });

    it('each write is one commit authored by alice, in order, with the blob that was sent', async () => {
      for (const rel of ['alice/contacts/family', 'alice/calendars/personal']) {
        const prefix = `${origin}/${rel}/`;
        const writes = [];
        for (const x of log) {
          if (!x.url.startsWith(prefix) || x.url === prefix) continue;
          const path = decodeURIComponent(x.url.slice(prefix.length));
          if (x.method === 'PUT' && (x.status === 201 || x.status === 204)) writes.push([{ path, blob: await gitHashObject(Buffer.from(x.body!, 'utf8')) }]);
          if (x.method === 'DELETE' && x.status === 204) writes.push([{ path, blob: null }]);
        }
        const gitDir = join(server.root, rel);
        const history = await gitHistory(gitDir);
        for (const c of history) assert.equal(c.authorName, 'alice', `${rel}: ${c.subject}`);
        const member = history.filter((c) => c.changes.some((ch) => !ch.path.startsWith('.')));
        assert.deepEqual(member.map((c) => c.changes), writes, rel);
        const fsck = await run('git', ['--git-dir', gitDir, 'fsck', '--strict'], { timeoutMs: 30_000 });
        assert.equal(fsck.code, 0, fsck.stderr);
      }
    });
  });
});
