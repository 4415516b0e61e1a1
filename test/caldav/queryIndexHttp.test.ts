import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKalends } from '../helpers/server.js';
import { parseMultistatus, req } from '../integration/helpers.js';
import { parseXml } from '../../src/dav/xml/parse.js';
import { parseCalendarObject, type ParsedCalendarObject } from '../../src/caldav/parse.js';
import { matchesFilter, parseCalendarFilter } from '../../src/caldav/filter.js';
import { generateDataset } from '../../bench/data/dataset.js';

// Through the server (index path) the answers equal a full scan done here with matchesFilter,
// before and after a restart that reads the persisted index; and the index file is outside the tree.
const CAL = 'urn:ietf:params:xml:ns:caldav';
const root = fileURLToPath(new URL('../../', import.meta.url));
const demo = join(root, 'sample-repos/demo/calendars/work');

test('calendar-query through the index answers like a full scan, also after a restart', async () => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'kalends-qih-')); // our own: the helper removes roots it made
  let k = await startKalends({ root: dataRoot });
  const objects = new Map<string, ParsedCalendarObject>();
  try {
    assert.equal((await req(k, 'alice', 'MKCALENDAR', '/alice/calendars/qi/')).status, 201);
    const items = [
      ...generateDataset(80, 5).eventItems.map((e) => ({ name: e.name, body: e.body })),
      ...readdirSync(demo).filter((f) => f.endsWith('.ics')).map((f) => ({ name: f, body: readFileSync(join(demo, f)) })),
    ];
    for (const it of items) {
      const r = await req(k, 'alice', 'PUT', `/alice/calendars/qi/${it.name}`, { body: it.body, headers: { 'Content-Type': 'text/calendar' } });
      if (r.status === 201 || r.status === 204) objects.set(it.name, parseCalendarObject(it.body));
    }
    assert.ok(objects.size > 60);
    const fmt = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const cases: Array<[string, number | null, number | null]> = [['VEVENT', null, Date.UTC(2025, 0, 10)], ['VEVENT', Date.UTC(2026, 11, 1), null], ['VTODO', Date.UTC(2026, 0, 1), null]];
    for (let t = Date.UTC(2024, 11, 1); t < Date.UTC(2027, 2, 1); t += 41 * 86_400_000) cases.push(['VEVENT', t, t + 7 * 86_400_000]);
    const check = async () => {
      for (const [comp, s, e] of cases) {
        const attrs = `${s === null ? '' : ` start="${fmt(s)}"`}${e === null ? '' : ` end="${fmt(e)}"`}`;
        const filterXml = `<C:filter xmlns:C="${CAL}"><C:comp-filter name="VCALENDAR"><C:comp-filter name="${comp}"><C:time-range${attrs}/></C:comp-filter></C:comp-filter></C:filter>`;
        const body = `<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" xmlns:C="${CAL}"><D:prop><D:getetag/></D:prop>${filterXml}</C:calendar-query>`;
        const r = await req(k, 'alice', 'REPORT', '/alice/calendars/qi/', { headers: { Depth: '1' }, body });
        assert.equal(r.status, 207, r.text);
        const got = parseMultistatus(r.text).responses.map((x) => decodeURIComponent(x.href.split('/').pop()!)).sort();
        const filter = parseCalendarFilter(parseXml(filterXml));
        const want = [...objects].filter(([, o]) => matchesFilter(o, filter)).map(([n]) => n).sort();
        assert.deepEqual(got, want, `${comp}${attrs}`);
      }
    };
    await check();
    await new Promise((r) => setTimeout(r, 1500)); // the index is written a moment after it changed
    const gitDir = join(dataRoot, 'alice/calendars/qi');
    assert.ok(existsSync(join(gitDir, 'kalends', 'caldav-query-v1.json')), 'index persisted in the git dir');
    await k.stop();
    k = await startKalends({ root: dataRoot });
    await check();
  } finally {
    await k.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  }
});
