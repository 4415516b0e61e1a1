// Shared by the query-index tests: the .ics files of the fixtures and the demo data, and a
// VCALENDAR wrapper for inline components.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCalendarObject, type ParsedCalendarObject } from '../../src/caldav/parse.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function icsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...icsFiles(p));
    else if (name.endsWith('.ics')) out.push(p);
  }
  return out;
}

export const wrap = (body: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kalends//tests//EN\r\n${body.trim().replace(/\r?\n/g, '\r\n')}\r\nEND:VCALENDAR\r\n`;

/** Every parsable .ics under test/fixtures/ical and sample-repos, by path. */
export function fixtureObjects(): Array<{ name: string; obj: ParsedCalendarObject }> {
  const files = [...icsFiles(join(repoRoot, 'test/fixtures/ical')), ...icsFiles(join(repoRoot, 'sample-repos'))];
  return files.flatMap((f) => {
    try {
      return [{ name: f, obj: parseCalendarObject(readFileSync(f)) }];
    } catch {
      return [];
    }
  });
}
