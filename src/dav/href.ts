import { DavError } from './errors.js';

/** Percent-encode one path segment the way Apple clients do (`@` becomes `%40`). */
export function encodeSegment(s: string): string {
  // Member names are mostly UID-like: nothing to encode (listings encode 10,000s of them).
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/** Href of the member at `path` (slash-separated, relative) of the collection whose href is `collHref` (ending in '/'). */
export function memberHref(collHref: string, path: string): string {
  return collHref + (path.includes('/') ? path.split('/').map(encodeSegment).join('/') : encodeSegment(path));
}

export function hrefOf(segments: readonly string[], collection: boolean): string {
  if (segments.length === 0) return '/';
  return '/' + segments.map(encodeSegment).join('/') + (collection ? '/' : '');
}

/**
 * Split a request path (or the path of an absolute URL) into decoded segments. Dot segments,
 * NUL and path separators inside a segment are refused: segments become file and directory names.
 */
export function splitPath(path: string): { segments: string[]; trailingSlash: boolean } {
  let raw = path;
  const q = raw.indexOf('?');
  if (q >= 0) raw = raw.slice(0, q);
  const h = raw.indexOf('#');
  if (h >= 0) raw = raw.slice(0, h);
  const trailingSlash = raw.endsWith('/');
  // Every GET and PROPFIND passes here: most paths have nothing to decode and no dot segment.
  if (!NEEDS_CHECKS.test(raw)) {
    const segments = raw.split('/').filter((p) => p !== '');
    return { segments, trailingSlash: trailingSlash || segments.length === 0 };
  }
  const segments: string[] = [];
  for (const p of raw.split('/')) {
    if (p === '') continue;
    let s: string;
    try {
      s = decodeURIComponent(p);
    } catch {
      throw new DavError(400, `Bad percent-encoding in URL segment "${p}"`);
    }
    if (s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0')) {
      throw new DavError(400, `URL segment "${p}" is not allowed`);
    }
    segments.push(s);
  }
  return { segments, trailingSlash: trailingSlash || segments.length === 0 };
}
/** A percent sign, backslash or NUL anywhere, or a `.`/`..` segment. */
const NEEDS_CHECKS = /[%\\\0]|(?:^|\/)\.\.?(?:\/|$)/;

/** Path segments of an href or absolute URL given in a Destination header or a multiget body. */
export function segmentsOfHref(href: string, origin: string): { segments: string[]; trailingSlash: boolean } {
  let path = href.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    let u: URL;
    try {
      u = new URL(path);
    } catch {
      throw new DavError(400, `Bad URL "${href}"`);
    }
    const o = new URL(origin);
    // The host decides; the scheme may differ from the one we see behind a TLS-terminating
    // proxy (clients say https://, we are spoken to in http://), but it must be HTTP.
    if (u.host !== o.host || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new DavError(502, `URL "${href}" is on another server`);
    path = u.pathname;
  }
  return splitPath(path);
}
