/**
 * vCard content lines (RFC 6350 §3.2–3.4, RFC 2425 §5.8 for 3.0): unfolding, the
 * `[group.]NAME;param=value:value` split, parameter values (quoted, comma lists, RFC 6868 carets),
 * text escapes and folding for output. Kept apart from the vCard model so that partial retrieval
 * can re-emit a client's lines byte for byte.
 */

/** The text is not well-formed vCard. `line` is the 1-based physical line when known. */
export class VCardSyntaxError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `${message} (line ${line})`);
    this.name = 'VCardSyntaxError';
    this.line = line;
  }
}

export interface ContentLine {
  /** Group prefix as written (`item1` of `item1.EMAIL`), undefined when none. */
  readonly group: string | undefined;
  /** Upper-case property name. */
  readonly name: string;
  /** The property name as the client spelled it (`X-ABLabel`). */
  readonly spelledName: string;
  /** Upper-case parameter names → decoded values, in order of appearance; repeats are merged. */
  readonly params: Readonly<Record<string, readonly string[]>>;
  /** The value as written (unfolded, escapes intact). */
  readonly rawValue: string;
  /** The original text of the line including its folds (fold breaks normalised to CRLF), without the final line break. */
  readonly raw: string;
  /** 1-based physical line number where the content line starts. */
  readonly lineNo: number;
}

interface PhysicalLine {
  unfolded: string;
  raw: string;
  lineNo: number;
}

const NAME_RE = /^[A-Za-z0-9-]+$/;

/** Splits text into logical lines: CRLF, LF or CR end a line; a line starting with space/tab continues the previous one. */
export function unfoldLines(text: string): PhysicalLine[] {
  const physical = text.split(/\r\n|\n|\r/);
  const out: PhysicalLine[] = [];
  let current: PhysicalLine | undefined;
  physical.forEach((line, i) => {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current.unfolded += line.slice(1);
      current.raw += '\r\n' + line;
      return;
    }
    if (current) out.push(current);
    current = line === '' ? undefined : { unfolded: line, raw: line, lineNo: i + 1 };
  });
  if (current) out.push(current);
  return out;
}

/** Parses one unfolded content line. Throws VCardSyntaxError. */
export function parseContentLine(unfolded: string, raw: string, lineNo: number): ContentLine {
  // Name (with optional group) runs to the first ';' or ':'.
  let i = 0;
  while (i < unfolded.length && unfolded[i] !== ';' && unfolded[i] !== ':') i++;
  if (i >= unfolded.length) throw new VCardSyntaxError(`content line without ":"`, lineNo);
  const fullName = unfolded.slice(0, i);
  const dot = fullName.lastIndexOf('.');
  const group = dot >= 0 ? fullName.slice(0, dot) : undefined;
  const name = dot >= 0 ? fullName.slice(dot + 1) : fullName;
  if (!NAME_RE.test(name) || (group !== undefined && !NAME_RE.test(group))) {
    throw new VCardSyntaxError(`invalid property name "${fullName}"`, lineNo);
  }
  const params: Record<string, string[]> = {};
  while (unfolded[i] === ';') {
    i++;
    const start = i;
    while (i < unfolded.length && unfolded[i] !== '=' && unfolded[i] !== ';' && unfolded[i] !== ':') i++;
    const pname = unfolded.slice(start, i).toUpperCase();
    if (!NAME_RE.test(pname)) throw new VCardSyntaxError(`invalid parameter name "${pname}"`, lineNo);
    if (unfolded[i] !== '=') {
      // vCard 2.1 style bare parameter (`TEL;CELL:`): a TYPE value.
      (params['TYPE'] ??= []).push(pname);
      continue;
    }
    i++;
    const values = (params[pname] ??= []);
    for (;;) {
      if (unfolded[i] === '"') {
        const close = unfolded.indexOf('"', i + 1);
        if (close < 0) throw new VCardSyntaxError('unterminated quoted parameter value', lineNo);
        const v = unfolded.slice(i + 1, close);
        i = close + 1;
        // TYPE="work,voice" (RFC 6350 §5.6 example) is a list even though quoted.
        if (pname === 'TYPE') values.push(...v.split(',').map(decodeCaret).filter((x) => x !== ''));
        else values.push(decodeCaret(v));
      } else {
        const start2 = i;
        while (i < unfolded.length && !',;:'.includes(unfolded[i]!) && unfolded[i] !== '"') i++;
        if (unfolded[i] === '"') throw new VCardSyntaxError('stray quote in parameter value', lineNo);
        values.push(decodeCaret(unfolded.slice(start2, i)));
      }
      if (unfolded[i] !== ',') break;
      i++;
    }
  }
  if (unfolded[i] !== ':') throw new VCardSyntaxError(`malformed parameters in "${fullName}"`, lineNo);
  return { group, name: name.toUpperCase(), spelledName: name, params, rawValue: unfolded.slice(i + 1), raw, lineNo };
}

/** RFC 6868: ^n → newline, ^^ → ^, ^' → ". Any other ^ stays literal. */
export function decodeCaret(s: string): string {
  if (!s.includes('^')) return s;
  return s.replace(/\^([n^'])/g, (_m, c: string) => (c === 'n' ? '\n' : c === '^' ? '^' : '"'));
}

/** Parameter value for output: RFC 6868 carets, quoted when it holds `,;:` (or is empty). */
export function formatParamValue(v: string): string {
  const enc = v.replace(/\^/g, '^^').replace(/\r\n|\n|\r/g, '^n').replace(/"/g, "^'");
  return /[,;:]/.test(enc) ? `"${enc}"` : enc;
}

/**
 * Decodes a TEXT value: `\\`, `\,`, `\;`, `\n`/`\N`. Other backslash pairs lose the backslash
 * (some producers write `\:`), a lone trailing backslash stays.
 */
export function unescapeText(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i === s.length - 1) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    out += n === 'n' || n === 'N' ? '\n' : n;
  }
  return out;
}

/** Splits on `sep` where it is not escaped by a backslash; the parts keep their escapes. */
export function splitEscaped(s: string, sep: ';' | ','): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === sep) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Encodes a TEXT value (or one component of a structured value). */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\n|\r/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * Folds a content line at 75 octets (RFC 6350 §3.2) with CRLF + space, never inside a UTF-8
 * sequence or a surrogate pair. Returns the line without a final CRLF.
 */
export function foldLine(line: string): string {
  if (line.length <= 75 && encoder.encode(line).length <= 75) return line;
  const chunks: string[] = [];
  let cur = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (octets + n > limit) {
      chunks.push(cur);
      cur = '';
      octets = 0;
      limit = 74; // continuation lines start with the folding space
    }
    cur += ch;
    octets += n;
  }
  chunks.push(cur);
  return chunks.join('\r\n ');
}

function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}
