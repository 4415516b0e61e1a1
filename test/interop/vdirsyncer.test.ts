/**
 * vdirsyncer 0.19 (Debian) syncs calendars and address books with a real Kalends process both
 * ways, and khal/khard read and write the vdirs. The steps run in order and share state:
 *
 * 1. seed over HTTP: MKCALENDAR sync-cal (displayname + color), events (one recurring with an
 *    EXDATE and a moved override, one all-day) and cards (an Apple-style vCard 3.0 with groups
 *    and a photo, a 4.0 one, one at an href with spaces and non-ASCII) in the default address
 *    book; a calendar and an address book exist only in the vdir;
 * 2. `discover` (prompts answered "y"): the local-only collections are created on the server
 *    (extended MKCOL); `sync`; `metasync` both ways;
 * 3. edits on every side at once — vdir files written/edited/removed; PUT/PUT If-Match/DELETE
 *    over HTTP; a native git clone/commit/push; an edit on both sides (conflict), edit-vs-delete
 *    both ways; UIDs that cannot be hrefs; 30 new items on each side — then `sync`: both sides
 *    hold exactly the expected UIDs and names, and vdirsyncer reports exactly the expected
 *    actions and nothing else;
 * 4. another `sync` does nothing: no action, no local file changed, no repository moved;
 * 5. `khal new` and `khard new` write to the vdirs, `sync` uploads what they wrote;
 * 6. khal lists the events (recurrence instances in UTC) and khard the contacts;
 * 7. caldav storages with start_date/end_date make vdirsyncer list with calendar-query
 *    time-ranges: each window gets exactly the events with an instance in it;
 * 8. a collection URL without slash (collections = null) and /.well-known/carddav discovery;
 *    the server's access log holds no 4xx/5xx for the whole run;
 * 9. a README committed with git does not reach the vdir (calendars list only *.ics members).
 *
 * Expected values are in ./vdirsyncer/items.ts, worked out by hand from the seeded texts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IN_CI, missingTool } from './helpers.js';
import { Harness, replaceIn, rewrite } from './vdirsyncer/harness.js';
import {
  BULK_RANGE,
  CARD_NAMES,
  CARDS_AFTER_EDITS,
  CARDS_AFTER_FIRST_SYNC,
  EVENTS_AFTER_EDITS,
  EVENTS_AFTER_FIRST_SYNC,
  KHAL_LINES,
  KHAL_NEW,
  KHARD_EMAILS,
  KHARD_NEW_YAML,
  LAPTOP_EVENT,
  ODD_EVENT,
  ODD_UID,
  SEED_CARDS,
  SEED_EVENTS,
  URN_CARD,
  URN_UID,
  WINDOWS,
  WORK_CARD,
  bulkEvent,
  bulkGit,
  bulkLocal,
  card3,
  card4,
  event,
} from './vdirsyncer/items.js';
import { accessLog, byUid, khalConfig, khardConfig, mirrorsConfig, parseItem, readVdir, snapshotTree, vdirsyncerConfig, windowsConfig } from './vdirsyncer/tools.js';

const missing = missingTool([
  { what: 'vdirsyncer', cmd: 'vdirsyncer', args: ['--version'] },
  { what: 'khal', cmd: 'khal', args: ['--version'] },
  { what: 'khard', cmd: 'khard', args: ['--version'] },
  { what: 'git', cmd: 'git', args: ['--version'] },
]);

const CAL = '/alice/calendars/sync-cal/';
const BOOK = '/alice/contacts/contacts/';
const REPOS = ['alice/calendars/sync-cal', 'alice/contacts/contacts', 'alice/calendars/personal', 'alice/calendars/laptop', 'alice/contacts/work'];
const STEP = { timeout: 180_000 };
/** More "y" than there are creation prompts; unread answers are harmless. */
const YES = 'y\n'.repeat(30);

const eventHref = (uid: string): string => `${CAL}${encodeURIComponent(uid)}.ics`;
const cardHref = (uid: string): string => `${BOOK}${encodeURIComponent(CARD_NAMES[uid] ?? `${uid}.vcf`)}`;
const sorted = (a: string[]): string[] => [...a].sort();

describe('vdirsyncer 0.19, khal and khard against Kalends', { skip: !IN_CI && missing ? missing : false, timeout: 900_000 }, () => {
  let h: Harness;
  let config: string;
  let cals: string;
  let books: string;
  const sync = (...args: string[]): Promise<string[]> => h.vdirsyncer(config, ['sync', ...args]);

  /** The vdir file holding `uid` (vdirsyncer names files after the UID only when it is href-safe). */
  function localFile(dir: string, uid: string): string {
    const hits = readVdir(dir, dir.startsWith(cals) ? '.ics' : '.vcf').filter((e) => parseItem(e.text).uid === uid);
    assert.equal(hits.length, 1, `${uid} in ${dir}: ${hits.length} files`);
    return hits[0]!.where;
  }
  const heads = (): Promise<string[]> => Promise.all(REPOS.map((r) => h.headOf(r)));

  before(async () => {
    if (missing) throw new Error(`CI is set and ${missing}`);
    h = await Harness.start();
    cals = h.path('vdir/calendars');
    books = h.path('vdir/contacts');
    // Collections that exist only locally: "from a" makes discover create them on the server.
    mkdirSync(join(cals, 'laptop'), { recursive: true });
    writeFileSync(join(cals, 'laptop/laptop-1.ics'), LAPTOP_EVENT);
    mkdirSync(join(books, 'work'), { recursive: true });
    writeFileSync(join(books, 'work/work-1.vcf'), WORK_CARD);
    config = h.path('vdirsyncer.conf');
    // Calendars are discovered from the server root, contacts from the principal URL.
    const account = { user: 'alice', password: 'alice-pw' };
    writeFileSync(config, vdirsyncerConfig({ status: h.path('status'), calendars: cals, contacts: books }, { calUrl: h.server.url, cardUrl: `${h.server.url}alice/`, ...account }));
  });

  after(async () => {
    await h?.stop();
  });

  it('seeds a calendar and the default address book over HTTP', STEP, async () => {
    const mk = await h.http(
      'MKCALENDAR',
      CAL,
      `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><D:displayname>Sync Cal</D:displayname><A:calendar-color>#3366CC</A:calendar-color></D:prop></D:set></C:mkcalendar>`,
    );
    assert.equal(mk.status, 201, mk.text);
    for (const [uid, text] of Object.entries(SEED_EVENTS)) await h.put(eventHref(uid), text);
    for (const [uid, text] of Object.entries(SEED_CARDS)) await h.put(cardHref(uid), text);
  });

  it('discovers both sides and creates the missing collections on each', STEP, async () => {
    assert.deepEqual(await h.vdirsyncer(config, ['discover'], YES), []);
    assert.deepEqual(readdirSync(cals).sort(), ['laptop', 'personal', 'sync-cal']);
    assert.deepEqual(readdirSync(books).sort(), ['contacts', 'work']);
    // vdirsyncer's MKCOL (RFC 5689, resourcetype calendar/addressbook) made real collections.
    const rt = async (path: string): Promise<string[]> => {
      const r = (await h.propfind(path, '<D:resourcetype/>', '0')).responses[0]!.prop('{DAV:}resourcetype');
      return (r?.children ?? []).flatMap((c) => (typeof c === 'string' ? [] : [c.name])).sort();
    };
    assert.deepEqual(await rt('/alice/calendars/laptop/'), ['{DAV:}collection', '{urn:ietf:params:xml:ns:caldav}calendar']);
    assert.deepEqual(await rt('/alice/contacts/work/'), ['{DAV:}collection', '{urn:ietf:params:xml:ns:carddav}addressbook']);
  });

  it('first sync copies every item to the other side, changing nothing else', STEP, async () => {
    const before = await heads();
    assert.deepEqual(
      await sync(),
      sorted([
        ...Object.keys(SEED_EVENTS).map((uid) => `Copying (uploading) item ${uid} to calendars_local/sync-cal`),
        ...Object.keys(SEED_CARDS).map((uid) => `Copying (uploading) item ${uid} to contacts_local/contacts`),
        'Copying (uploading) item laptop-1@kalends.test to calendars_remote/laptop',
        'Copying (uploading) item work-1 to contacts_remote/work',
      ]),
    );
    assert.deepEqual(byUid(readVdir(join(cals, 'sync-cal'), '.ics')), EVENTS_AFTER_FIRST_SYNC);
    assert.deepEqual(byUid(readVdir(join(books, 'contacts'), '.vcf')), CARDS_AFTER_FIRST_SYNC);
    assert.deepEqual(readVdir(join(cals, 'personal'), '.ics'), []);
    // The bytes arrive as they were sent (Kalends never re-serialises), and the other way too.
    for (const [uid, text] of Object.entries(SEED_EVENTS)) assert.equal(readFileSync(localFile(join(cals, 'sync-cal'), uid), 'utf8'), text, uid);
    for (const [uid, text] of Object.entries(SEED_CARDS)) assert.equal(readFileSync(localFile(join(books, 'contacts'), uid), 'utf8'), text, uid);
    assert.deepEqual(await h.items('/alice/calendars/laptop/'), { 'laptop-1@kalends.test': 'Written on the laptop' });
    assert.deepEqual(await h.items('/alice/contacts/work/'), { 'work-1': 'Wendy Work' });
    const after = await heads();
    assert.deepEqual(after.slice(0, 3), before.slice(0, 3), 'a sync that only downloads must not write to the server');
  });

  it('metasync copies displayname and color both ways', STEP, async () => {
    assert.deepEqual(await h.vdirsyncer(config, ['metasync']), [
      'Copying color to calendars_local/sync-cal',
      'Copying displayname to calendars_local/personal',
      'Copying displayname to calendars_local/sync-cal',
      'Copying displayname to contacts_local/contacts',
    ]);
    assert.equal(readFileSync(join(cals, 'sync-cal/displayname'), 'utf8'), 'Sync Cal');
    assert.equal(readFileSync(join(cals, 'sync-cal/color'), 'utf8'), '#3366CC');
    assert.equal(readFileSync(join(books, 'contacts/displayname'), 'utf8'), 'Contacts');

    writeFileSync(join(cals, 'sync-cal/color'), '#FF8800');
    writeFileSync(join(cals, 'laptop/displayname'), 'R&D <Entwürfe> – "Laptop"');
    writeFileSync(join(books, 'contacts/displayname'), 'Kontakte – Privat');
    assert.deepEqual(await h.vdirsyncer(config, ['metasync']), [
      'Copying color to calendars_remote/sync-cal',
      'Copying displayname to calendars_remote/laptop',
      'Copying displayname to contacts_remote/contacts',
    ]);
    const color = '<A:calendar-color/>';
    assert.equal(await h.prop(CAL, '{http://apple.com/ns/ical/}calendar-color', color), '#FF8800');
    assert.equal(await h.prop(CAL, '{DAV:}displayname', '<D:displayname/>'), 'Sync Cal');
    assert.equal(await h.prop('/alice/calendars/laptop/', '{DAV:}displayname', '<D:displayname/>'), 'R&D <Entwürfe> – "Laptop"');
    assert.equal(await h.prop(BOOK, '{DAV:}displayname', '<D:displayname/>'), 'Kontakte – Privat');
    assert.deepEqual(await h.vdirsyncer(config, ['metasync']), [], 'a second metasync has nothing to copy');
  });

  it('edits on both sides (vdir, HTTP, native git, conflicts, bulk) sync without loss or duplicate', STEP, async () => {
    const calDir = join(cals, 'sync-cal');
    const bookDir = join(books, 'contacts');

    // Local side: create, edit, delete in the vdir, as a person or an editor would.
    writeFileSync(join(calDir, 'local-new.ics'), event('local-new@kalends.test', 'Café with Zoë', '20240322T120000'));
    replaceIn(localFile(calDir, 'edit-local@kalends.test'), 'SUMMARY:Review\r\n', 'SUMMARY:Review (edited locally)\r\n');
    unlinkSync(localFile(calDir, 'delete-local@kalends.test'));
    replaceIn(localFile(calDir, 'conflict@kalends.test'), 'SUMMARY:Budget\r\n', 'SUMMARY:Budget (local)\r\n');
    replaceIn(localFile(calDir, 'edit-local-delete-server@kalends.test'), 'SUMMARY:Kept A\r\n', 'SUMMARY:Kept A (edited locally)\r\n');
    unlinkSync(localFile(calDir, 'delete-local-edit-server@kalends.test'));
    writeFileSync(join(calDir, 'odd.ics'), ODD_EVENT);
    for (const i of BULK_RANGE) writeFileSync(join(calDir, `bulk-${i}.ics`), bulkEvent(bulkLocal(i), i));
    writeFileSync(join(bookDir, 'local-new-card.vcf'), card3('local-new-card', 'Łukasz Nowak', 'Nowak', 'Łukasz', 'lukasz@example.pl'));
    writeFileSync(join(bookDir, 'urn.vcf'), URN_CARD);
    replaceIn(localFile(bookDir, 'edit-local-card'), 'FN:Chloé Dubois\r\n', 'FN:Chloé Dubois-Martin\r\n');
    replaceIn(localFile(bookDir, 'odd-href-card'), 'FN:Über Uns\r\n', 'FN:Über Uns (edited locally)\r\n');
    unlinkSync(localFile(bookDir, 'delete-local-card'));

    // Server side over HTTP: create, conditional edit, conditional delete.
    await h.put(eventHref('server-new@kalends.test'), event('server-new@kalends.test', 'Created on the server', '20240327T100000'));
    await h.put(eventHref('edit-server@kalends.test'), event('edit-server@kalends.test', 'Planning (room B)', '20240312T100000'), { replace: true });
    await h.put(eventHref('conflict@kalends.test'), event('conflict@kalends.test', 'Budget (server)', '20240321T100000'), { replace: true });
    await h.put(eventHref('delete-local-edit-server@kalends.test'), event('delete-local-edit-server@kalends.test', 'Kept B (edited on the server)', '20240313T160000'), { replace: true });
    await h.delete(eventHref('delete-server@kalends.test'));
    await h.delete(eventHref('edit-local-delete-server@kalends.test'));
    await h.put(cardHref('server-new-card'), card4('server-new-card', 'Søren Kierkegaard', 'Kierkegaard', 'Søren', 'soren@example.dk'));
    await h.put(cardHref('edit-server-card'), card3('edit-server-card', 'Ana García López', 'García López', 'Ana', 'ana@example.es'), { replace: true });
    await h.delete(cardHref('delete-server-card'));

    // Server side with native git: clone the bare repositories, commit, push.
    await h.nativeCommit(
      'alice/calendars/sync-cal',
      {
        'git-edit@kalends.test.ics': rewrite('SUMMARY:Retro\r\n', 'SUMMARY:Retro (edited with git)\r\n'),
        'git-new@kalends.test.ics': event('git-new@kalends.test', 'Created with git', '20240328T100000'),
        ...Object.fromEntries(BULK_RANGE.map((i) => [`bulk-git-${i}.ics`, bulkEvent(bulkGit(i), i)])),
      },
      'Edit the retro, add events',
    );
    await h.nativeCommit('alice/contacts/contacts', { 'git-delete-card.vcf': null }, 'Remove Erin');

    const toRemote = (uid: string): string => `Copying (uploading) item ${uid} to calendars_remote/sync-cal`;
    const toLocal = (uid: string): string => `Copying (uploading) item ${uid} to calendars_local/sync-cal`;
    assert.deepEqual(
      await sync(),
      sorted([
        toRemote('local-new@kalends.test'),
        'Copying (updating) item edit-local@kalends.test to calendars_remote/sync-cal',
        'Deleting item delete-local@kalends.test from calendars_remote/sync-cal',
        toRemote('edit-local-delete-server@kalends.test'),
        toRemote(ODD_UID),
        ...BULK_RANGE.map((i) => toRemote(bulkLocal(i)[0])),
        toLocal('server-new@kalends.test'),
        'Copying (updating) item edit-server@kalends.test to calendars_local/sync-cal',
        'Deleting item delete-server@kalends.test from calendars_local/sync-cal',
        toLocal('delete-local-edit-server@kalends.test'),
        'Copying (updating) item git-edit@kalends.test to calendars_local/sync-cal',
        toLocal('git-new@kalends.test'),
        ...BULK_RANGE.map((i) => toLocal(bulkGit(i)[0])),
        'Doing conflict resolution for item conflict@kalends.test...',
        'Copying (updating) item conflict@kalends.test to calendars_local/sync-cal',
        'Copying (uploading) item local-new-card to contacts_remote/contacts',
        `Copying (uploading) item ${URN_UID} to contacts_remote/contacts`,
        'Copying (updating) item edit-local-card to contacts_remote/contacts',
        'Copying (updating) item odd-href-card to contacts_remote/contacts',
        'Deleting item delete-local-card from contacts_remote/contacts',
        'Copying (uploading) item server-new-card to contacts_local/contacts',
        'Copying (updating) item edit-server-card to contacts_local/contacts',
        'Deleting item delete-server-card from contacts_local/contacts',
        'Deleting item git-delete-card from contacts_local/contacts',
      ]),
    );
    assert.deepEqual(byUid(readVdir(calDir, '.ics')), EVENTS_AFTER_EDITS, 'local calendar');
    assert.deepEqual(await h.items(CAL), EVENTS_AFTER_EDITS, 'server calendar');
    assert.deepEqual(byUid(readVdir(bookDir, '.vcf')), CARDS_AFTER_EDITS, 'local address book');
    assert.deepEqual(await h.items(BOOK), CARDS_AFTER_EDITS, 'server address book');
    // vdirsyncer addressed the card at the odd href as listed: it is still there, edited.
    assert.equal(parseItem((await h.http('GET', cardHref('odd-href-card'))).text).name, 'Über Uns (edited locally)');
  });

  it('a sync after that changes nothing on either side', STEP, async () => {
    const local = snapshotTree(h.path('vdir'));
    const before = await heads();
    assert.deepEqual(await sync(), []);
    assert.deepEqual(await h.vdirsyncer(config, ['metasync']), []);
    assert.deepEqual(snapshotTree(h.path('vdir')), local);
    assert.deepEqual(await heads(), before);
  });

  it('events made with khal new and a contact made with khard new reach the server', STEP, async () => {
    writeFileSync(h.path('khal.conf'), khalConfig({ 'sync-cal': join(cals, 'sync-cal'), personal: join(cals, 'personal'), laptop: join(cals, 'laptop') }, h.path('khal.db')));
    writeFileSync(h.path('khard.conf'), khardConfig({ contacts: join(books, 'contacts'), work: join(books, 'work') }));
    const calBefore = new Set(readVdir(join(cals, 'sync-cal'), '.ics').map((e) => e.where));
    const bookBefore = new Set(readVdir(join(books, 'contacts'), '.vcf').map((e) => e.where));
    for (const args of [KHAL_NEW.single, KHAL_NEW.weekly]) {
      const r = await h.tool('khal', ['-c', h.path('khal.conf'), 'new', '-a', 'sync-cal', ...args]);
      assert.equal(r.code, 0, `khal new ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
    }
    const k = await h.tool('khard', ['-c', h.path('khard.conf'), 'new', '-a', 'contacts', '--vcard-version', '4.0'], KHARD_NEW_YAML);
    assert.equal(k.code, 0, `khard new:\n${k.stdout}\n${k.stderr}`);
    const made = [...readVdir(join(cals, 'sync-cal'), '.ics').filter((e) => !calBefore.has(e.where)), ...readVdir(join(books, 'contacts'), '.vcf').filter((e) => !bookBefore.has(e.where))].map((e) => parseItem(e.text));
    assert.deepEqual(made.map((m) => m.name).sort(), ['Chor', 'Karfreitag – Brunch', 'Åsa Öberg']);

    const uploaded = made.map((m) => `Copying (uploading) item ${m.uid} to ${m.name === 'Åsa Öberg' ? 'contacts_remote/contacts' : 'calendars_remote/sync-cal'}`);
    assert.deepEqual(await sync(), sorted(uploaded));
    const serverCal = await h.items(CAL);
    const serverBook = await h.items(BOOK);
    for (const m of made) assert.equal(serverCal[m.uid] ?? serverBook[m.uid], m.name, `${m.name} on the server`);
    assert.deepEqual(await sync(), [], 'nothing left to do after the upload');
  });

  it('khal lists the synced events, recurrence instances included', STEP, async () => {
    const list = await h.tool('khal', ['-c', h.path('khal.conf'), 'list', '--format', '{start} {title}', '--day-format', '', '2024-03-01', '2024-04-30']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stderr.trim(), '', 'khal printed warnings');
    assert.deepEqual(sorted(list.stdout.split('\n').map((l) => l.trimEnd()).filter(Boolean)), sorted(KHAL_LINES));
    const printed = await h.tool('khal', ['-c', h.path('khal.conf'), 'printcalendars']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.deepEqual(sorted(printed.stdout.split('\n').filter(Boolean)), ['laptop', 'personal', 'sync-cal']);
  });

  it('khard lists the synced contacts and their addresses', STEP, async () => {
    const list = await h.tool('khard', ['-c', h.path('khard.conf'), 'list', '--parsable']);
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    const expected = [...Object.values(CARDS_AFTER_EDITS).map((fn) => `${fn} contacts`), 'Åsa Öberg contacts', 'Wendy Work work'];
    assert.deepEqual(sorted(rows.map((r) => `${r[1]} ${r[2]}`)), sorted(expected));
    const email = await h.tool('khard', ['-c', h.path('khard.conf'), 'email', '--parsable']);
    assert.equal(email.code, 0, email.stderr);
    const pairs = email.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t').slice(0, 2).join(' '));
    assert.deepEqual(sorted(pairs), sorted(KHARD_EMAILS.map(([a, n]) => `${a} ${n}`)));
  });

  it('time-windowed caldav storages (calendar-query) get exactly the events with an instance in range', STEP, async () => {
    const conf = h.path('windows.conf');
    writeFileSync(conf, windowsConfig(h.path('status-windows'), h.path('windows'), WINDOWS, { url: h.server.url, user: 'alice', password: 'alice-pw' }));
    await h.vdirsyncer(conf, ['discover'], YES);
    await h.vdirsyncer(conf, ['sync']);
    const got = Object.fromEntries(WINDOWS.map((w) => [w.name, sorted(Object.values(byUid(readVdir(h.path('windows', w.name, 'sync-cal'), '.ics'))))]));
    assert.deepEqual(got, Object.fromEntries(WINDOWS.map((w) => [w.name, sorted(w.names)])));
  });

  it('other ways to point vdirsyncer at Kalends: a collection URL without slash, /.well-known/carddav', STEP, async () => {
    const conf = h.path('mirrors.conf');
    writeFileSync(conf, mirrorsConfig(h.path('status-mirrors'), h.path('mirrors'), { calendar: `${h.server.url}alice/calendars/sync-cal`, wellKnown: `${h.server.origin}/.well-known/carddav`, user: 'alice', password: 'alice-pw' }));
    mkdirSync(h.path('mirrors/direct'), { recursive: true });
    await h.vdirsyncer(conf, ['discover'], YES);
    await h.vdirsyncer(conf, ['sync']);
    assert.deepEqual(byUid(readVdir(h.path('mirrors/direct'), '.ics')), await h.items(CAL));
    assert.deepEqual(readdirSync(h.path('mirrors/wellknown')).sort(), ['contacts', 'work']);
    assert.deepEqual(byUid(readVdir(h.path('mirrors/wellknown/contacts'), '.vcf')), await h.items(BOOK));
    assert.deepEqual(await h.vdirsyncer(conf, ['sync']), []);
  });

  it('the server answered no request of the run with an error', () => {
    const entries = accessLog(h.server.log);
    assert.ok(entries.length > 100, `only ${entries.length} access log lines recognised:\n${h.server.log.slice(0, 5).join('\n')}`);
    assert.deepEqual(entries.filter((e) => e.status >= 400), []);
    // The only redirects: /.well-known/carddav to the principal (RFC 6764), kept as PROPFIND.
    assert.deepEqual([...new Set(entries.filter((e) => e.status >= 300).map((e) => `${e.method} ${e.path} ${e.status}`))], ['PROPFIND /.well-known/carddav/ 307']);
  });

  // Known gap, kept executable: a person may commit any file to a calendar repository, and
  // Kalends lists every file of a calendar collection as text/calendar, so vdirsyncer copies a
  // README into the vdir as an .ics (khal then prints a traceback on every run), and deleting
  // that bogus file locally makes vdirsyncer DELETE the README from the repository.
  it('a non-calendar file committed with git stays out of the vdir', STEP, async () => {
    await h.nativeCommit('alice/calendars/laptop', { 'README.md': '# Laptop calendar\n\nNotes about this calendar, not an event.\n' }, 'Add a README');
    await sync('calendars/laptop');
    assert.deepEqual(readdirSync(join(cals, 'laptop')).filter((f) => f.endsWith('.ics')), ['laptop-1.ics']);
  });
});
