/**
 * The UID of a stored calendar object read off its content lines, without building the whole
 * ical.js tree: the UID index needs only this, and building it on a 10k collection by full parses
 * cost seconds on the first write after a start. Same answer as `parseCalendarObject(text).uid`
 * for text that parses: the UID of the first component below VCALENDAR that is not a VTIMEZONE
 * (its own property, not one of a nested VALARM), TEXT-unescaped as ical.js does.
 */
export function scanCalendarUid(text: string): string | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  let depth = 0;
  let inFirst = false; // inside the first non-VTIMEZONE component (depth 2)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line === '' || line[0] === ' ' || line[0] === '\t') continue;
    while (i + 1 < lines.length && (lines[i + 1]![0] === ' ' || lines[i + 1]![0] === '\t')) line += lines[++i]!.slice(1);
    const nameEnd = nameLength(line);
    const name = line.slice(0, nameEnd).toUpperCase();
    if (name === 'BEGIN') {
      depth++;
      if (depth === 2) {
        const comp = valueOf(line, nameEnd).trim().toUpperCase();
        if (comp !== 'VTIMEZONE') inFirst = true;
      }
    } else if (name === 'END') {
      if (depth === 2 && inFirst) return undefined; // the first component has no UID
      depth--;
    } else if (name === 'UID' && depth === 2 && inFirst) {
      const v = valueOf(line, nameEnd).replace(/\\\\|\\;|\\,|\\[Nn]/g, (m) => (m === '\\n' || m === '\\N' ? '\n' : m[1]!));
      return v === '' ? undefined : v;
    }
  }
  return undefined;
}

function nameLength(line: string): number {
  let i = 0;
  while (i < line.length && line[i] !== ';' && line[i] !== ':') i++;
  return i;
}

/** The value after the first ':' that is not inside a quoted parameter value. */
function valueOf(line: string, from: number): string {
  let quoted = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return line.slice(i + 1);
  }
  return '';
}
