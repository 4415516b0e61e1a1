/**
 * vdirsyncer 0.19 (Debian) syncs a calendar and an address book with a real Kalends process
 * both ways, and khal/khard read the vdirs it wrote. The steps run in order and share state:
 *
 * 1. seed over HTTP: MKCALENDAR sync-cal (displayname + color), events (one recurring with an
 *    EXDATE and a moved override, one all-day) and cards (one Apple-style vCard 3.0 with groups
 *    and a photo, one 4.0) in the default address book;
 * 2. `discover` (creation prompts answered "y"), `sync`, `metasync` both ways;
 * 3. edits on every side at once — files written/edited/removed in the vdir; PUT/PUT If-Match/
 *    DELETE over HTTP; a native git clone/commit/push; one event edited on both sides — then
 *    `sync`: both sides hold exactly the expected UIDs and names, vdirsyncer reports exactly the
 *    expected actions and nothing else;
 * 4. a third `sync` does nothing: no action, no local file changed, no repository moved;
 * 5. khal lists the events (recurrence instances in UTC) and khard the contacts.
 *
 * Expected values are in ./vdirsyncer/items.ts, worked out by hand from the seeded texts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKalends, type Kalends } from '../helpers/server.js';
import { textOf, type XmlElement } from '../../src/dav/xml/element.js';
import { parseMultistatus, req } from '../integration/helpers.js';
import { IN_CI, missingTool, run, type RunResult } from './helpers.js';
import {
  CARDS_AFTER_EDITS,
  CARDS_AFTER_FIRST_SYNC,
  EVENTS_AFTER_EDITS,
  EVENTS_AFTER_FIRST_SYNC,
  KHAL_LINES,
  KHARD_EMAILS,
  SEED_CARDS,
  SEED_EVENTS,
  card3,
  card4,
  event,
} from './vdirsyncer/items.js';
import { byUid, classifyOutput, khalConfig, khardConfig, parseItem, readVdir, snapshotTree, vdirsyncerConfig } from './vdirsyncer/tools.js';

const missing = missingTool([
  { what: 'vdirsyncer', cmd: 'vdirsyncer', args: ['--version'] },
  { what: 'khal', cmd: 'khal', args: ['--version'] },
  { what: 'khard', cmd: 'khard', args: ['--version'] },
  { what: 'git', cmd: 'git', args: ['--version'] },
]);

const CAL = '/alice/calendars/sync-cal/';
const BOOK = '/alice/contacts/contacts/';
const CAL_REPO = 'alice/calendars/sync-cal';
const BOOK_REPO = 'alice/contacts/contacts';
const STEP_TIMEOUT = 180_000;

const eventHref = (uid: string): string => `${CAL}${encodeURIComponent(uid)}.ics`;
const cardHref = (uid: string): string => `${BOOK}${encodeURIComponent(uid)}.vcf`;

describe('vdirsyncer 0.19, khal and khard against Kalends', { skip: !IN_CI && missing ? missing : false, timeout: 900_000 }, () => {
  let server: Kalends;
  let tmp: string;
  let env: Record<string, string>;
  let configFile: string;
  let vdirCals: string;
  let vdirBooks: string;

  const vdirsyncer = (args: string[], input?: string): Promise<RunResult> => run('vdirsyncer', ['-c', configFile, ...args], { env, timeoutMs: 60_000, ...(input === undefined ? {} : { input }) });

  /** Run a vdirsyncer command, require success and no unexpected output; its actions, sorted. */
  async function vdirsyncerOk(args: string[], input?: string): Promise<string[]> {
    const r = await vdirsyncer(args, input);
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.code, 0, `vdirsyncer ${args.join(' ')} exited with ${r.code}:\n${out}\n--- server log ---\n${server.log.slice(-40).join('\n')}`);
    const { actions, unexpected } = classifyOutput(out);
    assert.deepEqual(unexpected, [], `vdirsyncer ${args.join(' ')} printed unexpected lines:\n${out}`);
    return actions;
  }

  async function http(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; etag: string | null; text: string }> {
    const r = await req(server, 'alice', method, path, { headers, ...(body === undefined ? {} : { body }) });
    return { status: r.status, etag: r.headers.get('etag'), text: r.text };
  }

  /** UID -> name of every member of a collection, read with PROPFIND Depth 1 and GET. */
  async function serverItems(collection: string): Promise<Record<string, string>> {
    const r = await http('PROPFIND', collection, '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/></D:prop></D:propfind>', { Depth: '1' });
    assert.equal(r.status, 207, r.text);
    const entries: Array<{ where: string; text: string }> = [];
    for (const resp of parseMultistatus(r.text).responses) {
      if (resp.href === collection) continue;
      const got = await http('GET', resp.href);
      assert.equal(got.status, 200, `GET ${resp.href}: ${got.text}`);
      assert.equal(got.etag, text(resp.prop('{DAV:}getetag')) ?? '(none)', `ETag of GET and PROPFIND differ for ${resp.href}`);
      entries.push({ where: resp.href, text: got.text });
    }
    return byUid(entries);
  }

  /** The vdir file holding `uid` (vdirsyncer names files after the UID only when it is href-safe). */
  function localFile(dir: string, ext: string, uid: string): string {
    const hits = readVdir(dir, ext).filter((e) => parseItem(e.text).uid === uid);
    assert.equal(hits.length, 1, `${uid} in ${dir}: ${hits.length} files`);
    return hits[0]!.where;
  }

  function replaceLine(file: string, from: string, to: string): void {
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(from), `${file} has no ${JSON.stringify(from)}`);
    writeFileSync(file, text.replace(from, to));
  }

  async function gitIn(cwd: string, args: string[]): Promise<string> {
    const r = await run('git', ['-C', cwd, ...args], { env, timeoutMs: 30_000 });
    assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  const headOf = (repo: string): Promise<string> => gitIn(join(server.root, repo), ['rev-parse', 'HEAD']).then((s) => s.trim());

  before(async () => {
    if (missing) throw new Error(`CI is set and ${missing}`);
    server = await startKalends();
    tmp = mkdtempSync(join(tmpdir(), 'kalends-vdirsyncer-'));
    const home = join(tmp, 'home');
    for (const d of ['home/.config', 'home/.local/share', 'home/.cache', 'status', 'vdir/calendars', 'vdir/contacts']) mkdirSync(join(tmp, d), { recursive: true });
    vdirCals = join(tmp, 'vdir/calendars');
    vdirBooks = join(tmp, 'vdir/contacts');
    env = {
      // Never a real user's config or data: everything these tools look up lives under tmp.
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'UTC',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Alice Native',
      GIT_AUTHOR_EMAIL: 'alice@example.org',
      GIT_COMMITTER_NAME: 'Alice Native',
      GIT_COMMITTER_EMAIL: 'alice@example.org',
    };
    configFile = join(tmp, 'vdirsyncer.conf');
    // Calendars are discovered from the server root, contacts from the principal URL.
    writeFileSync(configFile, vdirsyncerConfig({ status: join(tmp, 'status'), calendars: vdirCals, contacts: vdirBooks }, { calUrl: server.url, cardUrl: `${server.url}alice/`, user: 'alice', password: 'alice-pw' }));
  });

  after(async () => {
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('seeds a calendar and the default address book over HTTP', { timeout: STEP_TIMEOUT }, async () => {
    const mk = await http(
      'MKCALENDAR',
      CAL,
      `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><D:displayname>Sync Cal</D:displayname><A:calendar-color>#3366CC</A:calendar-color></D:prop></D:set></C:mkcalendar>`,
    );
    assert.equal(mk.status, 201, mk.text);
    for (const [uid, text] of Object.entries(SEED_EVENTS)) {
      const r = await http('PUT', eventHref(uid), text, { 'Content-Type': 'text/calendar; charset=utf-8', 'If-None-Match': '*' });
      assert.equal(r.status, 201, `PUT ${uid}: ${r.text}`);
    }
    for (const [uid, text] of Object.entries(SEED_CARDS)) {
      const r = await http('PUT', cardHref(uid), text, { 'Content-Type': 'text/vcard; charset=utf-8', 'If-None-Match': '*' });
      assert.equal(r.status, 201, `PUT ${uid}: ${r.text}`);
    }
  });

  it('discovers the collections and creates the local ones without prompting', { timeout: STEP_TIMEOUT }, async () => {
    // Each "Should vdirsyncer attempt to create it?" gets a "y"; extra answers are never read.
    await vdirsyncerOk(['discover'], 'y\n'.repeat(20));
    assert.deepEqual(readdirNames(vdirCals), ['personal', 'sync-cal']);
    assert.deepEqual(readdirNames(vdirBooks), ['contacts']);
  });

  it('first sync copies every item to the vdir, changing nothing on the server', { timeout: STEP_TIMEOUT }, async () => {
    const heads = [await headOf(CAL_REPO), await headOf(BOOK_REPO)];
    const actions = await vdirsyncerOk(['sync']);
    const expected = [
      ...Object.keys(SEED_EVENTS).map((uid) => `Copying (uploading) item ${uid} to calendars_local/sync-cal`),
      ...Object.keys(SEED_CARDS).map((uid) => `Copying (uploading) item ${uid} to contacts_local/contacts`),
    ].sort();
    assert.deepEqual(actions, expected);
    assert.deepEqual(byUid(readVdir(join(vdirCals, 'sync-cal'), '.ics')), EVENTS_AFTER_FIRST_SYNC);
    assert.deepEqual(byUid(readVdir(join(vdirBooks, 'contacts'), '.vcf')), CARDS_AFTER_FIRST_SYNC);
    assert.deepEqual(readVdir(join(vdirCals, 'personal'), '.ics'), []);
    // The bytes arrive as they were sent (Kalends never re-serialises).
    for (const [uid, text] of Object.entries(SEED_EVENTS)) assert.equal(readFileSync(localFile(join(vdirCals, 'sync-cal'), '.ics', uid), 'utf8'), text, uid);
    for (const [uid, text] of Object.entries(SEED_CARDS)) assert.equal(readFileSync(localFile(join(vdirBooks, 'contacts'), '.vcf', uid), 'utf8'), text, uid);
    assert.deepEqual([await headOf(CAL_REPO), await headOf(BOOK_REPO)], heads, 'a first sync from the server must not write to it');
  });

  it('metasync copies displayname and color both ways', { timeout: STEP_TIMEOUT }, async () => {
    let actions = await vdirsyncerOk(['metasync']);
    assert.deepEqual(actions, [
      'Copying color to calendars_local/sync-cal',
      'Copying displayname to calendars_local/personal',
      'Copying displayname to calendars_local/sync-cal',
      'Copying displayname to contacts_local/contacts',
    ]);
    assert.equal(readFileSync(join(vdirCals, 'sync-cal/displayname'), 'utf8'), 'Sync Cal');
    assert.equal(readFileSync(join(vdirCals, 'sync-cal/color'), 'utf8'), '#3366CC');
    assert.equal(readFileSync(join(vdirBooks, 'contacts/displayname'), 'utf8'), 'Contacts');

    writeFileSync(join(vdirCals, 'sync-cal/color'), '#FF8800');
    writeFileSync(join(vdirBooks, 'contacts/displayname'), 'Kontakte – Privat');
    actions = await vdirsyncerOk(['metasync']);
    assert.deepEqual(actions, ['Copying color to calendars_remote/sync-cal', 'Copying displayname to contacts_remote/contacts']);
    const props = async (path: string): Promise<[string | undefined, string | undefined]> => {
      const r = await http('PROPFIND', path, '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/"><D:prop><D:displayname/><A:calendar-color/></D:prop></D:propfind>', { Depth: '0' });
      assert.equal(r.status, 207, r.text);
      const resp = parseMultistatus(r.text).responses[0]!;
      return [text(resp.prop('{DAV:}displayname')), text(resp.prop('{http://apple.com/ns/ical/}calendar-color'))];
    };
    assert.deepEqual(await props(CAL), ['Sync Cal', '#FF8800']);
    assert.deepEqual((await props(BOOK))[0], 'Kontakte – Privat');
    assert.deepEqual(await vdirsyncerOk(['metasync']), [], 'a second metasync has nothing to copy');
  });

  it('edits on both sides (vdir, HTTP, native git, one conflict) sync without loss or duplicate', { timeout: STEP_TIMEOUT }, async () => {
    const calDir = join(vdirCals, 'sync-cal');
    const bookDir = join(vdirBooks, 'contacts');

    // Local side: create, edit, delete in the vdir, as a person or khal/khard would.
    writeFileSync(join(calDir, 'local-new.ics'), event('local-new@kalends.test', 'Café with Zoë', '20240322T120000'));
    replaceLine(localFile(calDir, '.ics', 'edit-local@kalends.test'), 'SUMMARY:Review\r\n', 'SUMMARY:Review (edited locally)\r\n');
    unlinkSync(localFile(calDir, '.ics', 'delete-local@kalends.test'));
    replaceLine(localFile(calDir, '.ics', 'conflict@kalends.test'), 'SUMMARY:Budget\r\n', 'SUMMARY:Budget (local)\r\n');
    writeFileSync(join(bookDir, 'local-new-card.vcf'), card3('local-new-card', 'Łukasz Nowak', 'Nowak', 'Łukasz', 'lukasz@example.pl'));
    replaceLine(localFile(bookDir, '.vcf', 'edit-local-card'), 'FN:Chloé Dubois\r\n', 'FN:Chloé Dubois-Martin\r\n');
    unlinkSync(localFile(bookDir, '.vcf', 'delete-local-card'));

    // Server side over HTTP: create, conditional edit, conditional delete.
    const put = async (href: string, text: string, type: string, expect: number, ifMatch?: string): Promise<void> => {
      const r = await http('PUT', href, text, { 'Content-Type': type, ...(ifMatch ? { 'If-Match': ifMatch } : { 'If-None-Match': '*' }) });
      assert.equal(r.status, expect, `PUT ${href}: ${r.text}`);
    };
    const etagOf = async (href: string): Promise<string> => {
      const r = await http('GET', href);
      assert.equal(r.status, 200, `GET ${href}`);
      assert.ok(r.etag, `GET ${href} has no ETag`);
      return r.etag;
    };
    const ics = 'text/calendar; charset=utf-8';
    const vcf = 'text/vcard; charset=utf-8';
    await put(eventHref('server-new@kalends.test'), event('server-new@kalends.test', 'Created on the server', '20240327T100000'), ics, 201);
    await put(eventHref('edit-server@kalends.test'), event('edit-server@kalends.test', 'Planning (room B)', '20240312T100000'), ics, 204, await etagOf(eventHref('edit-server@kalends.test')));
    await put(eventHref('conflict@kalends.test'), event('conflict@kalends.test', 'Budget (server)', '20240321T100000'), ics, 204, await etagOf(eventHref('conflict@kalends.test')));
    const del = await http('DELETE', eventHref('delete-server@kalends.test'), undefined, { 'If-Match': await etagOf(eventHref('delete-server@kalends.test')) });
    assert.equal(del.status, 204, del.text);
    await put(cardHref('server-new-card'), card4('server-new-card', 'Søren Kierkegaard', 'Kierkegaard', 'Søren', 'soren@example.dk'), vcf, 201);
    await put(cardHref('edit-server-card'), card3('edit-server-card', 'Ana García López', 'García López', 'Ana', 'ana@example.es'), vcf, 204, await etagOf(cardHref('edit-server-card')));
    const delCard = await http('DELETE', cardHref('delete-server-card'), undefined, { 'If-Match': await etagOf(cardHref('delete-server-card')) });
    assert.equal(delCard.status, 204, delCard.text);

    // Server side with native git: clone the bare repositories, commit, push.
    const calClone = join(tmp, 'clone-cal');
    await run('git', ['clone', '-q', join(server.root, CAL_REPO), calClone], { env, timeoutMs: 30_000 });
    replaceLine(join(calClone, 'git-edit@kalends.test.ics'), 'SUMMARY:Retro\r\n', 'SUMMARY:Retro (edited with git)\r\n');
    writeFileSync(join(calClone, 'git-new@kalends.test.ics'), event('git-new@kalends.test', 'Created with git', '20240328T100000'));
    await gitIn(calClone, ['add', '-A']);
    await gitIn(calClone, ['commit', '-q', '-m', 'Edit the retro, add an event']);
    await gitIn(calClone, ['push', '-q', 'origin', 'HEAD']);
    const bookClone = join(tmp, 'clone-book');
    await run('git', ['clone', '-q', join(server.root, BOOK_REPO), bookClone], { env, timeoutMs: 30_000 });
    await gitIn(bookClone, ['rm', '-q', 'git-delete-card.vcf']);
    await gitIn(bookClone, ['commit', '-q', '-m', 'Remove Erin']);
    await gitIn(bookClone, ['push', '-q', 'origin', 'HEAD']);

    const actions = await vdirsyncerOk(['sync']);
    assert.deepEqual(
      actions,
      [
        'Copying (uploading) item local-new@kalends.test to calendars_remote/sync-cal',
        'Copying (updating) item edit-local@kalends.test to calendars_remote/sync-cal',
        'Deleting item delete-local@kalends.test from calendars_remote/sync-cal',
        'Copying (uploading) item server-new@kalends.test to calendars_local/sync-cal',
        'Copying (updating) item edit-server@kalends.test to calendars_local/sync-cal',
        'Deleting item delete-server@kalends.test from calendars_local/sync-cal',
        'Copying (updating) item git-edit@kalends.test to calendars_local/sync-cal',
        'Copying (uploading) item git-new@kalends.test to calendars_local/sync-cal',
        'Doing conflict resolution for item conflict@kalends.test...',
        'Copying (updating) item conflict@kalends.test to calendars_local/sync-cal',
        'Copying (uploading) item local-new-card to contacts_remote/contacts',
        'Copying (updating) item edit-local-card to contacts_remote/contacts',
        'Deleting item delete-local-card from contacts_remote/contacts',
        'Copying (uploading) item server-new-card to contacts_local/contacts',
        'Copying (updating) item edit-server-card to contacts_local/contacts',
        'Deleting item delete-server-card from contacts_local/contacts',
        'Deleting item git-delete-card from contacts_local/contacts',
      ].sort(),
    );
    assert.deepEqual(byUid(readVdir(calDir, '.ics')), EVENTS_AFTER_EDITS, 'local calendar');
    assert.deepEqual(await serverItems(CAL), EVENTS_AFTER_EDITS, 'server calendar');
    assert.deepEqual(byUid(readVdir(bookDir, '.vcf')), CARDS_AFTER_EDITS, 'local address book');
    assert.deepEqual(await serverItems(BOOK), CARDS_AFTER_EDITS, 'server address book');
  });

  it('a third sync changes nothing on either side', { timeout: STEP_TIMEOUT }, async () => {
    const local = snapshotTree(join(tmp, 'vdir'));
    const heads = [await headOf(CAL_REPO), await headOf(BOOK_REPO), await headOf('alice/calendars/personal')];
    assert.deepEqual(await vdirsyncerOk(['sync']), []);
    assert.deepEqual(snapshotTree(join(tmp, 'vdir')), local);
    assert.deepEqual([await headOf(CAL_REPO), await headOf(BOOK_REPO), await headOf('alice/calendars/personal')], heads);
    assert.deepEqual(await vdirsyncerOk(['metasync']), []);
  });

  it('khal lists the synced events, recurrence instances included', { timeout: STEP_TIMEOUT }, async () => {
    const conf = join(tmp, 'khal.conf');
    writeFileSync(conf, khalConfig({ 'sync-cal': join(vdirCals, 'sync-cal'), personal: join(vdirCals, 'personal') }, join(tmp, 'khal.db')));
    const list = await run('khal', ['-c', conf, 'list', '--format', '{start} {title}', '--day-format', '', '2024-03-01', '2024-04-30'], { env, timeoutMs: 60_000 });
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stderr.trim(), '', 'khal printed warnings');
    const lines = list.stdout.split('\n').map((l) => l.trimEnd()).filter(Boolean).sort();
    assert.deepEqual(lines, [...KHAL_LINES].sort());
    const cals = await run('khal', ['-c', conf, 'printcalendars'], { env, timeoutMs: 60_000 });
    assert.equal(cals.code, 0, cals.stderr);
    assert.deepEqual(cals.stdout.split('\n').filter(Boolean).sort(), ['personal', 'sync-cal']);
  });

  it('khard lists the synced contacts and their addresses', { timeout: STEP_TIMEOUT }, async () => {
    const conf = join(tmp, 'khard.conf');
    writeFileSync(conf, khardConfig({ contacts: join(vdirBooks, 'contacts') }));
    const list = await run('khard', ['-c', conf, 'list', '--parsable'], { env, timeoutMs: 60_000 });
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    assert.deepEqual(
      rows.map((r) => `${r[0]} ${r[1]} ${r[2]}`).sort(),
      Object.entries(CARDS_AFTER_EDITS).map(([uid, fn]) => `${uid} ${fn} contacts`).sort(),
    );
    const email = await run('khard', ['-c', conf, 'email', '--parsable'], { env, timeoutMs: 60_000 });
    assert.equal(email.code, 0, email.stderr);
    const pairs = email.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t').slice(0, 2).join(' '));
    assert.deepEqual(pairs.sort(), KHARD_EMAILS.map(([a, n]) => `${a} ${n}`).sort());
  });
});

function text(el: XmlElement | undefined): string | undefined {
  return el === undefined ? undefined : textOf(el).trim();
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir).sort();
}
