import { DavError } from '../errors.js';

/**
 * The WebDAV If header (RFC 4918 §10.4), parsed and evaluated without I/O:
 *
 *   If = ( 1*No-tag-list | 1*Tagged-list )
 *   No-tag-list = List ; Tagged-list = Resource-Tag 1*List
 *   List = "(" 1*Condition ")" ; Condition = ["Not"] ( State-token | "[" entity-tag "]" )
 *
 * Conditions in a list are AND-ed, lists are OR-ed, and the header holds when any list holds.
 */
export interface IfCondition {
  not: boolean;
  kind: 'token' | 'etag';
  /** The state token URI (without angle brackets) or the entity tag as sent (`"x"`, `W/"x"`). */
  value: string;
}

export interface IfList {
  /** The Resource-Tag (as sent, without angle brackets); null for an untagged list (the Request-URI). */
  resource: string | null;
  conditions: IfCondition[];
}

const bad = (why: string) => new DavError(400, `Malformed If header: ${why}`);

/** Parse an If header value; throws 400 on anything outside the grammar. */
export function parseIfHeader(value: string): IfList[] {
  const s = value;
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\n')) i++;
  };
  const until = (close: string, what: string): string => {
    const end = s.indexOf(close, i);
    if (end < 0) throw bad(`unterminated ${what}`);
    const out = s.slice(i, end);
    i = end + 1;
    return out;
  };
  const lists: IfList[] = [];
  let tag: string | null = null;
  let tagged: boolean | null = null;
  let tagHasList = true;
  ws();
  if (i >= s.length) throw bad('empty');
  while (i < s.length) {
    if (s[i] === '<') {
      if (tagged === false) throw bad('tagged and untagged lists cannot be mixed');
      if (!tagHasList) throw bad('a resource tag must be followed by a list');
      i++;
      tag = until('>', 'resource tag').trim();
      if (tag === '') throw bad('empty resource tag');
      tagged = true;
      tagHasList = false;
    } else if (s[i] === '(') {
      if (tagged === null) tagged = false;
      i++;
      const conditions: IfCondition[] = [];
      for (;;) {
        ws();
        if (i >= s.length) throw bad('unterminated list');
        if (s[i] === ')') {
          i++;
          break;
        }
        let not = false;
        if (s.slice(i, i + 3).toLowerCase() === 'not') {
          not = true;
          i += 3;
          ws();
        }
        if (s[i] === '<') {
          i++;
          const token = until('>', 'state token').trim();
          if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(token)) throw bad(`state token "${token}" is not an absolute URI`);
          conditions.push({ not, kind: 'token', value: token });
        } else if (s[i] === '[') {
          i++;
          const etag = until(']', 'entity tag').trim();
          if (!/^(W\/)?"[^"]*"$/.test(etag)) throw bad(`entity tag ${etag} is not quoted`);
          conditions.push({ not, kind: 'etag', value: etag });
        } else {
          throw bad(`unexpected "${s[i]}"`);
        }
      }
      if (conditions.length === 0) throw bad('empty list');
      lists.push({ resource: tagged ? tag : null, conditions });
      tagHasList = true;
    } else {
      throw bad(`unexpected "${s[i]}"`);
    }
    ws();
  }
  if (!tagHasList) throw bad('a resource tag must be followed by a list');
  return lists;
}

/** Every state token named in the header: submitted lock tokens (RFC 4918 §10.4.1: the form does not matter). */
export function stateTokens(lists: readonly IfList[]): Set<string> {
  const out = new Set<string>();
  for (const l of lists) for (const c of l.conditions) if (c.kind === 'token') out.add(c.value);
  return out;
}

/** What a condition is matched against: the identified resource's ETag and the locks whose scope holds it. */
export interface IfResourceState {
  /** Quoted ETag; undefined for an unmapped URL (no ETag matches it). */
  etag: string | undefined;
  /** True when `token` names a lock whose scope includes the resource. */
  hasToken(token: string): boolean;
}

function opaque(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}

/** Weak comparison (RFC 4918 §10.4.4 allows weak or strong; ours are strong, clients may send W/). */
export function etagMatches(a: string, b: string | undefined): boolean {
  return b !== undefined && opaque(a) === opaque(b);
}

/**
 * Evaluate the header (RFC 4918 §10.4.3). `stateOf(resource)` gives the state of a list's
 * resource (null = the Request-URI).
 */
export function evaluateIf(lists: readonly IfList[], stateOf: (resource: string | null) => IfResourceState): boolean {
  return lists.some((list) => {
    const st = stateOf(list.resource);
    return list.conditions.every((c) => {
      const hit = c.kind === 'etag' ? etagMatches(c.value, st.etag) : st.hasToken(c.value);
      return c.not ? !hit : hit;
    });
  });
}
