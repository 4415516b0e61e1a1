import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { validateCalendarObject } from '../../src/caldav/validate.js';

// Every demo calendar object must be what a client could have PUT: valid, CRLF, named <uid>.ics.
const root = new URL('../../sample-repos/demo/calendars/', import.meta.url);

test('demo calendars: every object passes validation, is named after its UID and uses CRLF', () => {
  const calendars = readdirSync(root).sort();
  assert.deepEqual(calendars, ['personal', 'tasks', 'work']);
  let count = 0;
  for (const cal of calendars) {
    const dir = new URL(`${cal}/`, root);
    const meta = JSON.parse(readFileSync(new URL('.kalends.json', dir), 'utf8')) as { type: string; properties: Record<string, string> };
    assert.equal(meta.type, 'calendar');
    assert.ok(meta.properties['{DAV:}displayname']);
    assert.match(meta.properties['{http://apple.com/ns/ical/}calendar-color'] ?? '', /^#[0-9A-F]{8}$/);
    const supported = (meta.properties['{urn:ietf:params:xml:ns:caldav}supported-calendar-component-set'] ?? '').split(/[,\s]+/);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ics'))) {
      const bytes = readFileSync(new URL(file, dir));
      const text = bytes.toString('utf8');
      assert.doesNotMatch(text, /[^\r]\n/, `${cal}/${file}: bare LF`);
      assert.ok(text.endsWith('\r\n'));
      for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `${cal}/${file}: line over 75 octets`);
      const v = validateCalendarObject(bytes, { contentType: 'text/calendar; charset=utf-8', supportedComponents: supported, maxResourceSize: 100_000 });
      assert.equal(`${v.uid}.ics`, file);
      assert.match(text, /^PRODID:/m);
      assert.match(text, /^DTSTAMP:\d{8}T\d{6}Z\r$/m);
      count++;
    }
  }
  assert.ok(count >= 18, `only ${count} demo objects`);
});
