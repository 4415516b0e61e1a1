/**
 * CALDAV:comp / CALDAV:prop selection (RFC 4791 §9.6.1–9.6.4) applied to iCalendar *text*: kept
 * content lines are copied byte for byte (folding, escaping and property order intact), so partial
 * retrieval never re-serialises what the client stored.
 */

export interface PropSelection {
  /** Upper-case property name. */
  name: string;
  /** novalue="yes": return the name and parameters followed by ":" only. */
  novalue: boolean;
}

export interface CompSelection {
  /** Upper-case component name. */
  name: string;
  allProps: boolean;
  props: PropSelection[];
  allComps: boolean;
  comps: CompSelection[];
}

/** Everything below a component (what an empty CALDAV:comp means in RFC 4791 §7.8.1's VTIMEZONE). */
export const SELECT_ALL = (name: string): CompSelection => ({ name, allProps: true, props: [], allComps: true, comps: [] });

interface Frame {
  /** null: this component and everything in it is left out. */
  sel: CompSelection | null;
}

/** Apply a selection rooted at VCALENDAR to iCalendar text; returns the selected text. */
export function selectCalendarText(text: string, select: CompSelection): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const physical = text.split(/\r\n|\n|\r/);
  if (physical.length && physical[physical.length - 1] === '') physical.pop();
  const out: string[] = [];
  const stack: Frame[] = [];

  let i = 0;
  while (i < physical.length) {
    // One logical content line = a line plus its folded continuations (leading space or tab).
    let j = i + 1;
    while (j < physical.length && (physical[j]!.startsWith(' ') || physical[j]!.startsWith('\t'))) j++;
    const lines = physical.slice(i, j);
    i = j;
    const first = lines[0]!;
    if (first === '') continue;
    const name = propertyName(first);

    if (name === 'BEGIN' || name === 'END') {
      const comp = unfold(lines).slice(name.length + 1).trim().toUpperCase();
      if (name === 'BEGIN') {
        const parent = stack[stack.length - 1];
        let sel: CompSelection | null;
        if (!parent) sel = comp === select.name ? select : null;
        else if (!parent.sel) sel = null;
        else if (parent.sel.allComps) sel = SELECT_ALL(comp);
        else sel = parent.sel.comps.find((c) => c.name === comp) ?? null;
        stack.push({ sel });
        if (sel) out.push(...lines);
      } else {
        const frame = stack.pop();
        if (frame?.sel) out.push(...lines);
      }
      continue;
    }

    const sel = stack[stack.length - 1]?.sel;
    if (!sel) continue;
    if (sel.allProps) {
      out.push(...lines);
      continue;
    }
    const p = sel.props.find((x) => x.name === name);
    if (!p) continue;
    if (p.novalue) out.push(...fold(withoutValue(unfold(lines))));
    else out.push(...lines);
  }
  return out.length ? out.join(nl) + nl : '';
}

/** Upper-case name of a content line: everything before the first ";" or ":". */
function propertyName(line: string): string {
  const m = /^[^;:]*/.exec(line)!;
  return m[0].trim().toUpperCase();
}

function unfold(lines: string[]): string {
  return lines.map((l, k) => (k === 0 ? l : l.slice(1))).join('');
}

/** "NAME;PARAM=...:value" → "NAME;PARAM=...:" (colons inside quoted parameter values are skipped). */
export function withoutValue(line: string): string {
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return line.slice(0, k + 1);
  }
  return line.endsWith(':') ? line : line + ':';
}

/** Fold a logical line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 sequence. */
export function fold(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74; // continuation lines carry a leading space
    if (octets + n > limit) {
      out.push(out.length === 0 ? cur : ' ' + cur);
      cur = '';
      octets = 0;
    }
    cur += ch;
    octets += n;
  }
  out.push(out.length === 0 ? cur : ' ' + cur);
  return out;
}
