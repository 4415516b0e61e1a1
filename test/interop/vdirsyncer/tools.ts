/**
 * Helpers for the vdirsyncer/khal/khard interop test: their config files, reading a vdir and
 * a collection on the server as UID -> name, and sorting vdirsyncer's log lines into the
 * actions it took and anything unexpected.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Item {
  uid: string;
  /** SUMMARY of the master VEVENT (no RECURRENCE-ID), or FN of a vCard. */
  name: string;
}

/** Undo RFC 5545 §3.1 / RFC 6350 §3.2 line folding. */
function unfold(text: string): string[] {
  return text.replace(/\r\n/g, '\n').replace(/\n[ \t]/g, '').split('\n');
}

function unescapeText(v: string): string {
  return v.replace(/\\([\\,;nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Property name without group and parameters, and its raw value. */
function splitLine(line: string): { name: string; value: string } | undefined {
  // The value starts at the first colon outside a quoted parameter value.
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) {
      const head = line.slice(0, i).split(';')[0]!;
      return { name: head.slice(head.lastIndexOf('.') + 1).toUpperCase(), value: line.slice(i + 1) };
    }
  }
  return undefined;
}

/** UID and display name of one calendar object or vCard; throws when either is missing. */
export function parseItem(text: string): Item {
  let uid: string | undefined;
  let name: string | undefined;
  let depth: string[] = [];
  let inOverride = false;
  let summary: string | undefined;
  for (const line of unfold(text)) {
    const p = splitLine(line);
    if (!p) continue;
    if (p.name === 'BEGIN') {
      depth = [...depth, p.value.toUpperCase()];
      if (p.value.toUpperCase() === 'VEVENT') {
        inOverride = false;
        summary = undefined;
      }
      continue;
    }
    if (p.name === 'END') {
      if (p.value.toUpperCase() === 'VEVENT' && !inOverride && summary !== undefined) name ??= summary;
      depth = depth.slice(0, -1);
      continue;
    }
    const where = depth[depth.length - 1];
    if (where === 'VCARD') {
      if (p.name === 'UID') uid ??= p.value;
      if (p.name === 'FN') name ??= unescapeText(p.value);
    } else if (where === 'VEVENT') {
      if (p.name === 'UID') uid ??= p.value;
      if (p.name === 'RECURRENCE-ID') inOverride = true;
      if (p.name === 'SUMMARY') summary = unescapeText(p.value);
    }
  }
  if (uid === undefined || name === undefined) throw new Error(`no UID or name in:\n${text}`);
  return { uid, name };
}

/**
 * UID -> name over a list of (where, text) pairs; throws naming both places when a UID occurs
 * twice (a duplicate is exactly what a broken sync produces).
 */
export function byUid(entries: Array<{ where: string; text: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const e of entries) {
    const it = parseItem(e.text);
    const prev = seen.get(it.uid);
    if (prev !== undefined) throw new Error(`UID ${it.uid} twice: ${prev} and ${e.where}`);
    seen.set(it.uid, e.where);
    out[it.uid] = it.name;
  }
  return out;
}

/** The items of a vdir collection (files ending in `ext`; metadata files are skipped). */
export function readVdir(dir: string, ext: string): Array<{ where: string; text: string }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => ({ where: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

/** Every file of a vdir tree with its content, for "nothing changed" comparisons. */
export function snapshotTree(dir: string, out: Record<string, string> = {}): Record<string, string> {
  // A plain walk: recursive readdir's `parentPath` needs Node 20.12.
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) snapshotTree(p, out);
    else if (entry.isFile()) out[p] = readFileSync(p, 'utf8');
  }
  return out;
}

// --- configs ---------------------------------------------------------------------------------

export interface VdirsyncerPaths {
  status: string;
  calendars: string;
  contacts: string;
}

/** vdirsyncer's config: values are JSON, so `JSON.stringify` quotes them correctly. */
export function vdirsyncerConfig(p: VdirsyncerPaths, server: { calUrl: string; cardUrl: string; user: string; password: string }): string {
  const q = JSON.stringify;
  return `[general]
status_path = ${q(p.status + '/')}

[pair calendars]
a = "calendars_local"
b = "calendars_remote"
collections = ["from a", "from b"]
conflict_resolution = "b wins"
metadata = ["displayname", "color"]

[storage calendars_local]
type = "filesystem"
path = ${q(p.calendars + '/')}
fileext = ".ics"

[storage calendars_remote]
type = "caldav"
url = ${q(server.calUrl)}
username = ${q(server.user)}
password = ${q(server.password)}

[pair contacts]
a = "contacts_local"
b = "contacts_remote"
collections = ["from a", "from b"]
conflict_resolution = "b wins"
metadata = ["displayname"]

[storage contacts_local]
type = "filesystem"
path = ${q(p.contacts + '/')}
fileext = ".vcf"

[storage contacts_remote]
type = "carddav"
url = ${q(server.cardUrl)}
username = ${q(server.user)}
password = ${q(server.password)}
`;
}

/**
 * One pair per time window: a vdir and the server's sync-cal through a caldav storage with
 * start_date/end_date, which makes vdirsyncer list with calendar-query time-range REPORTs.
 */
export function windowsConfig(statusDir: string, vdirRoot: string, windows: Array<{ name: string; start: [number, number, number]; end: [number, number, number] }>, server: { url: string; user: string; password: string }): string {
  const q = JSON.stringify;
  const pairs = windows.map(
    (w) => `[pair window_${w.name}]
a = "window_${w.name}_local"
b = "window_${w.name}_remote"
collections = ["sync-cal"]
conflict_resolution = "b wins"

[storage window_${w.name}_local]
type = "filesystem"
path = ${q(`${vdirRoot}/${w.name}/`)}
fileext = ".ics"

[storage window_${w.name}_remote]
type = "caldav"
url = ${q(server.url)}
username = ${q(server.user)}
password = ${q(server.password)}
start_date = "datetime(${w.start.join(', ')})"
end_date = "datetime(${w.end.join(', ')})"
`,
  );
  return `[general]\nstatus_path = ${q(statusDir + '/')}\n\n${pairs.join('\n')}`;
}

/**
 * Two more ways people configure vdirsyncer: `collections = null` on one collection's URL
 * (given without its trailing slash), and discovery from `/.well-known/carddav`.
 */
export function mirrorsConfig(statusDir: string, vdirRoot: string, s: { calendar: string; wellKnown: string; user: string; password: string }): string {
  const q = JSON.stringify;
  const account = `username = ${q(s.user)}\npassword = ${q(s.password)}`;
  return `[general]
status_path = ${q(statusDir + '/')}

[pair direct]
a = "direct_local"
b = "direct_remote"
collections = null
conflict_resolution = "b wins"

[storage direct_local]
type = "filesystem"
path = ${q(`${vdirRoot}/direct/`)}
fileext = ".ics"

[storage direct_remote]
type = "caldav"
url = ${q(s.calendar)}
${account}

[pair wellknown]
a = "wellknown_local"
b = "wellknown_remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage wellknown_local]
type = "filesystem"
path = ${q(`${vdirRoot}/wellknown/`)}
fileext = ".vcf"

[storage wellknown_remote]
type = "carddav"
url = ${q(s.wellKnown)}
${account}
`;
}

/** khal reads the calendars as they are on disk; times are shown in UTC so DST is visible. */
export function khalConfig(calendars: Record<string, string>, dbPath: string): string {
  const cals = Object.entries(calendars)
    .map(([name, path]) => `[[${name}]]\npath = ${path}\ntype = calendar\n`)
    .join('');
  return `[calendars]
${cals}
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = UTC
default_timezone = UTC

[sqlite]
path = ${dbPath}
`;
}

export function khardConfig(books: Record<string, string>): string {
  const list = Object.entries(books)
    .map(([name, path]) => `[[${name}]]\npath = ${path}\n`)
    .join('');
  return `[addressbooks]
${list}
[general]
debug = no
default_action = list
editor = /bin/false
merge_editor = /bin/false

[contact table]
display = formatted_name
group_by_addressbook = no
reverse = no
show_nicknames = no
show_uids = yes
sort = last_name
localize_dates = no
preferred_phone_number_type = pref, cell, home
preferred_email_address_type = pref, work, home

[vcard]
preferred_version = 3.0
search_in_source_files = no
skip_unparsable = no
`;
}

/** Method, path and status of each access log line Kalends printed (`<time> <METHOD> <path> <status> ...`). */
export function accessLog(lines: string[]): Array<{ method: string; path: string; status: number }> {
  const out: Array<{ method: string; path: string; status: number }> = [];
  for (const l of lines) {
    const m = /^\S+ ([A-Z]+) (\S+) (\d{3}) /.exec(l);
    if (m) out.push({ method: m[1]!, path: m[2]!, status: Number(m[3]) });
  }
  return out;
}

// --- vdirsyncer's output ---------------------------------------------------------------------

/**
 * Lines vdirsyncer prints at the default verbosity that report progress (not actions).
 * "Deleting an item with no etag." is vdirsyncer 0.19's own slip: dav.py logs it under
 * `if etag:`, i.e. exactly when it does send If-Match, so it accompanies every remote delete.
 */
const PROGRESS = [
  /^(Syncing|Metasyncing) [\w-]+(\/[\w-]+)?$/,
  /^Discovering collections for pair [\w-]+$/,
  /^Saved for [\w-]+: collections = (\[.*\]|null)$/,
  /^Should vdirsyncer attempt to create it\? \[y\/N\]: /,
  /^warning: No collection "[\w-]+" found for storage [\w-]+\.$/,
  /^warning: Deleting an item with no etag\.$/,
  /^[\w-]+:$/,
  /^ {2}- "[\w-]+"( \(".*"\))?$/,
];

/** What a sync or metasync did, one line per action, sorted. */
const ACTION = [
  /^Copying \((uploading|updating)\) item .+ to [\w-]+(\/[\w-]+)?$/,
  /^Deleting item .+ from [\w-]+(\/[\w-]+)?$/,
  /^Doing conflict resolution for item .+\.\.\.$/,
  /^Copying (displayname|color) to [\w-]+(\/[\w-]+)?$/,
];

export function classifyOutput(text: string): { actions: string[]; unexpected: string[] } {
  const actions: string[] = [];
  const unexpected: string[] = [];
  for (const raw of text.split('\n')) {
    // The prompt has no newline: the next message follows it on the same line.
    const line = raw.replace(/^(Should vdirsyncer attempt to create it\? \[y\/N\]: )+/, '').trimEnd();
    if (line === '') continue;
    if (ACTION.some((r) => r.test(line))) actions.push(line);
    else if (!PROGRESS.some((r) => r.test(line))) unexpected.push(line);
  }
  return { actions: actions.sort(), unexpected };
}
