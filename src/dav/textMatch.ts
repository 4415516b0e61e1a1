/**
 * Generic text matching with the collations CalDAV (RFC 4791 §7.5) and CardDAV (RFC 6352 §8.3)
 * require: `i;octet` and `i;ascii-casemap` (RFC 4790 §9.3, §9.2) and `i;unicode-casemap`
 * (RFC 5051). No iCalendar or vCard knowledge here; negate-condition is the caller's business.
 */

export type Collation = 'i;octet' | 'i;ascii-casemap' | 'i;unicode-casemap';
export type MatchType = 'equals' | 'contains' | 'starts-with' | 'ends-with';

export const SUPPORTED_COLLATIONS: readonly Collation[] = Object.freeze(['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'] as const);
export const MATCH_TYPES: readonly MatchType[] = Object.freeze(['equals', 'contains', 'starts-with', 'ends-with'] as const);

export function isCollation(s: string): s is Collation {
  return (SUPPORTED_COLLATIONS as readonly string[]).includes(s);
}

export function isMatchType(s: string): s is MatchType {
  return (MATCH_TYPES as readonly string[]).includes(s);
}

/** Does `value` match `pattern` under the collation and match type? */
export function textMatches(value: string, pattern: string, collation: Collation, matchType: MatchType): boolean {
  const key = collationKey(collation);
  return keysMatch(key(value), key(pattern), matchType);
}

/** The match type applied to a value and a pattern already mapped by the same collation key. */
export function keysMatch(v: string, p: string, matchType: MatchType): boolean {
  switch (matchType) {
    case 'equals':
      return v === p;
    case 'contains':
      return v.includes(p);
    case 'starts-with':
      return v.startsWith(p);
    case 'ends-with':
      return v.endsWith(p);
  }
}

/** The string each collation compares: matching is then plain code-unit comparison. */
export function collationKey(collation: Collation): (s: string) => string {
  switch (collation) {
    case 'i;octet':
      // Comparing UTF-16 strings of well-formed text is the same as comparing their UTF-8 octets
      // for equality and substring purposes.
      return (s) => s;
    case 'i;ascii-casemap':
      return asciiCasemap;
    case 'i;unicode-casemap':
      return unicodeCasemap;
  }
}

/** RFC 4790 §9.2: only a-z are mapped (to A-Z); every other octet is compared as is. */
export function asciiCasemap(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/**
 * RFC 5051 §2: each character is replaced by its (simple) titlecase mapping from UnicodeData.txt,
 * then by its decomposition (canonical or compatibility), repeating until nothing changes.
 * JavaScript has no titlecase API; the simple titlecase equals the simple uppercase except for the
 * few characters handled in `titlecaseOf`. Characters whose full uppercase is several characters
 * (ß → SS) have no simple mapping and stay as they are: under RFC 5051 "ß" does not equal "SS".
 * Hangul syllables are not decomposed (UnicodeData.txt lists no decomposition for them).
 */
export function unicodeCasemap(s: string): string {
  // Fast path: printable ASCII only needs upper-casing.
  if (/^[\x20-\x7e]*$/.test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) out += canonicalChar(ch.codePointAt(0)!, 0);
  return out;
}

const cache = new Map<number, string>();

function canonicalChar(cp: number, depth: number): string {
  const cached = cache.get(cp);
  if (cached !== undefined) return cached;
  const t = titlecaseOf(cp);
  let result: string;
  const ts = String.fromCodePoint(t);
  if (t >= 0xac00 && t <= 0xd7a3) {
    result = ts;
  } else {
    const d = ts.normalize('NFKD');
    if (d === ts || depth > 4) {
      result = ts;
    } else {
      // The decomposition may contain characters with their own titlecase (ﬁ → f i → F I).
      result = '';
      for (const c of d) result += canonicalChar(c.codePointAt(0)!, depth + 1);
    }
  }
  if (cache.size < 8192) cache.set(cp, result);
  return result;
}

function titlecaseOf(cp: number): number {
  // Latin digraphs DŽ/Dž/dž, LJ/Lj/lj, NJ/Nj/nj, DZ/Dz/dz: the titlecase is the mixed form.
  if (cp >= 0x01c4 && cp <= 0x01cc) return 0x01c5 + 3 * Math.floor((cp - 0x01c4) / 3);
  if (cp >= 0x01f1 && cp <= 0x01f3) return 0x01f2;
  // Greek with ypogegrammeni: the titlecase is the prosgegrammeni letter (Lt), not the full
  // uppercase pair that toUpperCase() returns.
  if ((cp >= 0x1f80 && cp <= 0x1faf)) return (cp & 0xf) < 8 ? cp + 8 : cp;
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return cp + 9;
  if (cp === 0x1fbc || cp === 0x1fcc || cp === 0x1ffc) return cp;
  // Georgian Mkhedruli letters are their own titlecase (Unicode 11 added uppercase Mtavruli).
  if ((cp >= 0x10d0 && cp <= 0x10fa) || (cp >= 0x10fd && cp <= 0x10ff)) return cp;
  const up = String.fromCodePoint(cp).toUpperCase();
  const first = up.codePointAt(0)!;
  // A multi-character full mapping means there is no simple mapping: keep the character.
  return up.length === String.fromCodePoint(first).length ? first : cp;
}
