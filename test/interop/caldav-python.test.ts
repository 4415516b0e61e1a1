/**
 * python-caldav 0.11 (Debian's python3-caldav) against a real Kalends process: the script
 * test/interop/python/caldav_client.py uses the library as an application does and prints what
 * it saw; here every answer is compared with values worked out by hand, and every write the
 * library made is checked against the repositories with native git.
 *
 * The recurring event (see the script): weekly on Thursdays 10:00 Europe/Paris from
 * 2024-03-14, COUNT=6, so 14, 21, 28 Mar (CET, UTC+1 → 09:00Z) and 4, 11, 18 Apr (CEST after
 * the DST change of Sun 31 Mar, UTC+2 → 08:00Z). EXDATE removes 21 Mar; the 4 Apr instance is
 * moved to Fri 5 Apr 14:00 Paris = 12:00Z. In [2024-03-20, 2024-04-12) the instances are
 * therefore 28 Mar 09:00Z, 5 Apr 12:00Z (RECURRENCE-ID 4 Apr 08:00Z) and 11 Apr 08:00Z.
 * The dentist appointment is Mon 25 Mar 15:00-15:30 Paris (CET) = 14:00-14:30Z.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKalends, type Kalends } from '../helpers/server.js';
import { git, gitHashObject, gitHistory, IN_CI, missingTool, run } from './helpers.js';

// Debian's interpreter (the first python3 on PATH may lack Debian's modules); overridable to check the skip/fail path.
const PYTHON = process.env['KALENDS_TEST_PYTHON'] ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/caldav_client.py', import.meta.url));

const missing = missingTool([
  { what: 'Debian python3', cmd: PYTHON, args: ['--version'] },
  { what: 'python3-caldav', cmd: PYTHON, args: ['-c', 'import caldav, icalendar, vobject'] },
  { what: 'git', cmd: 'git', args: ['--version'] },
]);

interface Exchange {
  method: string;
  path: string;
  status: number;
  etag: string | null;
  body?: string;
  error_body?: string;
  www_authenticate?: string | null;
}
interface Vevent {
  recurrence_id: string | null;
  dtstart: string | null;
  summary: string;
}
interface SearchHit {
  url: string;
  rules: boolean;
  vevents: Vevent[];
}
interface PyOut {
  steps: Record<string, unknown>;
  errors: Record<string, string>;
  requests: Exchange[];
}

const W = '/alice/calendars/work/';
const WEEKLY = `${W}weekly-sync%40kalends.test.ics`;
const DENTIST = `${W}dentist%40kalends.test.ics`;
const LUNCH = `${W}lunch%40kalends.test.ics`;
const ADDED = `${W}added-later%40kalends.test.ics`;

const dentistExpanded: SearchHit = { url: DENTIST, rules: false, vevents: [{ recurrence_id: null, dtstart: '20240325T140000Z', summary: 'Dentist' }] };
const weeklyInstances: Vevent[] = [
  { recurrence_id: '20240328T090000Z', dtstart: '20240328T090000Z', summary: 'Weekly sync' },
  { recurrence_id: '20240404T080000Z', dtstart: '20240405T120000Z', summary: 'Weekly sync (moved)' },
  { recurrence_id: '20240411T080000Z', dtstart: '20240411T080000Z', summary: 'Weekly sync' },
];
// Without expand the stored objects come back as they were sent: master + override.
const unexpanded: SearchHit[] = [
  { url: DENTIST, rules: false, vevents: [{ recurrence_id: null, dtstart: 'TZID=Europe/Paris:20240325T150000', summary: 'Dentist' }] },
  {
    url: WEEKLY,
    rules: true,
    vevents: [
      { recurrence_id: null, dtstart: 'TZID=Europe/Paris:20240314T100000', summary: 'Weekly sync' },
      { recurrence_id: 'TZID=Europe/Paris:20240404T100000', dtstart: 'TZID=Europe/Paris:20240405T140000', summary: 'Weekly sync (moved)' },
    ],
  },
];

describe('python-caldav 0.11 against Kalends', { skip: !IN_CI && missing ? missing : false }, () => {
  let server: Kalends;
  let py: PyOut;
  const step = <T>(name: string): T => {
    assert.equal(py.errors[name], undefined, `step ${name} failed in python:\n${py.errors[name]}`);
    assert.ok(name in py.steps, `step ${name} did not run`);
    return py.steps[name] as T;
  };

  before(async () => {
    if (missing) throw new Error(`CI is set and ${missing}`);
    server = await startKalends();
    const r = await run(PYTHON, [SCRIPT], {
      // DEVELOPMENT turns the library's "deviation from expectations" log lines into errors.
      env: { KALENDS_URL: server.url, KALENDS_USER: 'alice', KALENDS_PASSWORD: 'alice-pw', PYTHON_CALDAV_DEBUGMODE: 'DEVELOPMENT', PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: 180_000,
    });
    assert.equal(r.code, 0, `python exited with ${r.code}:\n${r.stderr}\n${r.stdout}`);
    py = JSON.parse(r.stdout) as PyOut;
  });
  after(async () => {
    await server?.stop();
  });

  it('runs every step without an error', () => {
    assert.deepEqual(py.errors, {}, Object.entries(py.errors).map(([k, v]) => `${k}: ${v}`).join('\n'));
  });

  it('discovers the principal and calendar home from the root URL', () => {
    const d = step<{ principal: string; calendar_home: string; calendars: string[]; dav: string }>('discovery');
    assert.equal(d.principal, '/alice/');
    assert.equal(d.calendar_home, '/alice/calendars/');
    assert.deepEqual(d.calendars, ['/alice/calendars/personal/']);
    assert.match(d.dav, /(^|, )calendar-access(,|$)/);
    // The library first asks without credentials and gets a Basic challenge.
    const first = py.requests[0]!;
    assert.equal(first.status, 401);
    assert.match(first.www_authenticate ?? '', /^Basic realm=/);
  });

  it('creates event, task and journal calendars with MKCALENDAR', () => {
    const m = step<{ calendars: string[]; names: string[]; components: Record<string, string[]> }>('make_calendars');
    assert.deepEqual(m.calendars, ['/alice/calendars/journal/', '/alice/calendars/personal/', '/alice/calendars/tasks/', '/alice/calendars/work/']);
    assert.deepEqual(m.names, ['Journal', 'Personal', 'Tasks', 'Work']);
    assert.deepEqual(m.components, { work: ['VEVENT', 'VJOURNAL', 'VTODO'], tasks: ['VTODO'], journal: ['VJOURNAL'] });
    for (const cal of ['work', 'tasks', 'journal']) {
      assert.ok(py.requests.some((x) => x.method === 'MKCALENDAR' && x.path === `/alice/calendars/${cal}/` && x.status === 201), `MKCALENDAR ${cal} → 201`);
    }
  });

  it('saves events and finds them by UID and in events()', () => {
    assert.deepEqual(step<{ urls: string[] }>('save_events').urls, [WEEKLY, DENTIST, LUNCH]);
    assert.deepEqual(step('event_by_uid'), { url: DENTIST, summary: 'Dentist' });
    assert.deepEqual(step('event_by_uid_missing'), { raised: 'NotFoundError' });
    assert.deepEqual(step('events'), [DENTIST, LUNCH, WEEKLY]);
  });

  it('time-range search without expand returns the stored objects', () => {
    assert.deepEqual(step('date_search'), unexpanded);
    assert.deepEqual(step('search_no_expand'), unexpanded);
  });

  it('expands on the server: instances in UTC, EXDATE removed, override applied, across DST', () => {
    const weekly: SearchHit = { url: WEEKLY, rules: false, vevents: weeklyInstances };
    assert.deepEqual(step('search_expand_raw'), [dentistExpanded, weekly]);
    assert.deepEqual(step('date_search_expand'), [dentistExpanded, weekly]);
    // search(expand=True) splits the server's answer into one object per instance.
    assert.deepEqual(step('search_expand'), [dentistExpanded, ...weeklyInstances.map((v) => ({ url: WEEKLY, rules: false, vevents: [v] }))]);
  });

  it('an override moves an instance out of one range and into another; an EXDATE leaves nothing', () => {
    assert.deepEqual(step('search_moved_out'), []);
    assert.deepEqual(step('search_moved_in'), [{ url: WEEKLY, rules: false, vevents: [weeklyInstances[1]!] }]);
    assert.deepEqual(step('search_exdate'), []);
  });

  it('text search: summary= is a case-sensitive (i;octet) substring match', () => {
    assert.deepEqual(step('search_text'), { Dent: [DENTIST], dent: [], sync: [WEEKLY] });
  });

  it('object_by_uid without a component type still finds the event (the library retries per type)', () => {
    assert.deepEqual(step('object_by_uid_any_type'), { url: LUNCH, class: 'Event' });
  });

  it('renaming a calendar (PROPPATCH displayname) is seen by the next lookup by name', () => {
    assert.deepEqual(step('rename_calendar'), { displayname: 'Work (renamed)', found: W });
  });

  it('calendar-multiget returns the data of each href and nothing for a missing one', () => {
    assert.deepEqual(step('multiget'), [
      { url: `${W}dentist@kalends.test.ics`, summary: 'Dentist' },
      { url: `${W}lunch@kalends.test.ics`, summary: 'Lunch' },
      { url: `${W}missing.ics`, summary: null },
    ]);
  });

  it('free-busy-query reports the busy instances in the range', () => {
    assert.deepEqual(step('freebusy'), [
      '20240325T140000Z/20240325T143000Z',
      '20240328T090000Z/20240328T100000Z',
      '20240405T120000Z/20240405T130000Z',
      '20240411T080000Z/20240411T090000Z',
    ]);
  });

  it('sync tokens: the initial sync lists all, the next only the delta (add, change, delete)', () => {
    const initial = step<{ token: string; urls: string[] }>('sync_initial');
    assert.deepEqual(initial.urls, [DENTIST, LUNCH, WEEKLY]);
    assert.ok(initial.token.length > 0);
    assert.deepEqual(step('edit_event'), { summary: 'Dentist (rescheduled)' });
    assert.deepEqual(step('add_and_delete'), { added: ADDED, lunch_gone: true });
    const delta = step<{ token: string; urls: string[] }>('sync_delta');
    assert.deepEqual(delta.urls, [ADDED, DENTIST, LUNCH]);
    assert.notEqual(delta.token, initial.token);
    assert.deepEqual(step('sync_collection_object'), { updated: [ADDED, DENTIST], deleted: [LUNCH], now: [ADDED, DENTIST, WEEKLY], empty_delta: [] });
  });

  it('If-Match: the current ETag updates (204), a stale one is refused (412), If-None-Match: * on an existing resource → 412', () => {
    const m = step<{ etag_before: string; ok: number; etag_after: string; stale: number; if_none_match_existing: number; summary: string; etag_loaded: string }>('if_match');
    assert.equal(m.ok, 204);
    assert.equal(m.stale, 412);
    assert.equal(m.if_none_match_existing, 412);
    assert.equal(m.summary, 'Dentist (room 2)');
    assert.notEqual(m.etag_after, m.etag_before);
    assert.equal(m.etag_loaded, m.etag_after);
  });

  it('tasks: todos() lists pending ones, complete() removes one from it', () => {
    assert.deepEqual(step('todos'), {
      pending: ['Buy milk', 'File taxes'],
      pending_after_complete: ['File taxes'],
      all: ['Buy milk', 'File taxes'],
      status: 'COMPLETED',
      completed: '20240401T183000Z',
    });
  });

  it('a VEVENT in the VTODO-only calendar is refused with CALDAV:supported-calendar-component', () => {
    assert.deepEqual(step('event_in_tasks_calendar'), { raised: 'AuthorizationError' });
    const put = py.requests.find((x) => x.method === 'PUT' && x.path.startsWith('/alice/calendars/tasks/wrong-calendar'));
    assert.equal(put?.status, 403);
    assert.match(put?.error_body ?? '', /supported-calendar-component/);
  });

  it('journals', () => {
    assert.deepEqual(step('journals'), { summaries: ['Sprint retro notes'], urls: ['/alice/calendars/journal/retro%40kalends.test.ics'] });
  });

  it('deleting a calendar removes it from the calendar home', () => {
    assert.deepEqual(step('delete_calendar'), ['/alice/calendars/journal/', '/alice/calendars/personal/', '/alice/calendars/tasks/', '/alice/calendars/work/']);
  });

  it('every PUT stored the exact bytes sent: ETag = "<git hash-object of the body>"', async () => {
    const puts = py.requests.filter((x) => x.method === 'PUT' && (x.status === 201 || x.status === 204));
    assert.ok(puts.length >= 9, `expected at least 9 successful PUTs, saw ${puts.length}`);
    for (const p of puts) {
      const blob = await gitHashObject(Buffer.from(p.body!, 'utf8'));
      assert.equal(p.etag, `"${blob}"`, `ETag of PUT ${p.path}`);
    }
    // And the bytes in the repository are the bytes sent (one spot check with cat-file).
    const first = puts[0]!;
    const stored = await git(join(server.root, 'alice/calendars/work'), ['cat-file', 'blob', JSON.parse(first.etag!) as string]);
    assert.equal(stored, first.body);
  });

  it('each write is one commit authored by alice, in order, with the blob that was sent', async () => {
    for (const cal of ['work', 'tasks', 'journal']) {
      const prefix = `/alice/calendars/${cal}/`;
      const writes = [];
      for (const x of py.requests) {
        if (!x.path.startsWith(prefix) || x.path === prefix) continue;
        const path = decodeURIComponent(x.path.slice(prefix.length));
        if (x.method === 'PUT' && (x.status === 201 || x.status === 204)) writes.push({ path, blob: await gitHashObject(Buffer.from(x.body!, 'utf8')) });
        if (x.method === 'DELETE' && x.status === 204) writes.push({ path, blob: null });
      }
      const gitDir = join(server.root, 'alice/calendars', cal);
      const history = await gitHistory(gitDir);
      assert.ok(history.length > 0);
      for (const c of history) assert.equal(c.authorName, 'alice', `author of ${c.id} (${c.subject}) in ${cal}`);
      const memberCommits = history.filter((c) => c.changes.some((ch) => !ch.path.startsWith('.')));
      assert.deepEqual(
        memberCommits.map((c) => c.changes),
        writes.map((w) => [w]),
        `commits of ${cal} vs the library's writes`,
      );
      // Metadata commits: the creation, and in "work" the rename (MKCALENDAR's PROPPATCH of the
      // same displayname changes nothing, so it commits nothing).
      const metaCommits = history.filter((c) => c.changes.length > 0 && c.changes.every((ch) => ch.path === '.kalends.json'));
      assert.equal(metaCommits.length, cal === 'work' ? 2 : 1, `metadata commits in ${cal}: ${metaCommits.map((c) => c.subject).join(' | ')}`);
      if (cal === 'work') {
        const meta = await git(gitDir, ['cat-file', 'blob', metaCommits[1]!.changes[0]!.blob!]);
        assert.match(meta, /Work \(renamed\)/);
      }
      const fsck = await run('git', ['--git-dir', gitDir, 'fsck', '--strict'], { timeoutMs: 30_000 });
      assert.equal(fsck.code, 0, `git fsck --strict in ${cal}: ${fsck.stderr}`);
    }
  });
});
