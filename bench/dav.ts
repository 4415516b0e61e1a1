/**
 * Request bodies (as clients send them) and a tolerant multistatus reader. The reader ignores
 * namespace prefixes (servers use D:, ns0: or a default namespace) and keeps, per response, the
 * href, the response-level status, the propstat statuses, the getetag and any calendar/address data.
 */
import type { TimeRange } from './data/dataset.js';
import { fmtUtc } from './data/time.js';

const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';
const escXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const PROPFIND_ETAG = `${XML_HEAD}<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>`;

export function calendarMultiget(hrefs: readonly string[]): string {
  return (
    `${XML_HEAD}<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">` +
    `<d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((h) => `<d:href>${escXml(h)}</d:href>`).join('')}</c:calendar-multiget>`
  );
}

export function addressbookMultiget(hrefs: readonly string[]): string {
  return (
    `${XML_HEAD}<card:addressbook-multiget xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">` +
    `<d:prop><d:getetag/><card:address-data/></d:prop>${hrefs.map((h) => `<d:href>${escXml(h)}</d:href>`).join('')}</card:addressbook-multiget>`
  );
}

/** What Thunderbird/DAVx⁵ send to list a window: etags only, data fetched later by multiget. */
export function calendarQuery(range: TimeRange): string {
  return (
    `${XML_HEAD}<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>` +
    `<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">` +
    `<c:time-range start="${fmtUtc(range.start)}" end="${fmtUtc(range.end)}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`
  );
}

/** EMAIL contains `text`, default collation (i;unicode-casemap, RFC 6352 §10.5.4). */
export function emailQuery(text: string): string {
  return (
    `${XML_HEAD}<card:addressbook-query xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/></d:prop>` +
    `<card:filter><card:prop-filter name="EMAIL"><card:text-match match-type="contains">${escXml(text)}</card:text-match></card:prop-filter></card:filter>` +
    `</card:addressbook-query>`
  );
}

export function syncCollection(token: string): string {
  return (
    `${XML_HEAD}<d:sync-collection xmlns:d="DAV:"><d:sync-token>${escXml(token)}</d:sync-token>` +
    `<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`
  );
}

export const MKCALENDAR_BODY =
  `${XML_HEAD}<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>` +
  `<d:displayname>Bench</d:displayname><c:supported-calendar-component-set><c:comp name="VEVENT"/></c:supported-calendar-component-set>` +
  `</d:prop></d:set></c:mkcalendar>`;

export const MKADDRESSBOOK_BODY =
  `${XML_HEAD}<d:mkcol xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>` +
  `<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><d:displayname>Bench</d:displayname>` +
  `</d:prop></d:set></d:mkcol>`;

export interface MsResponse {
  href: string;
  /** The last path segment, percent-decoded ('' for a collection's own href). */
  name: string;
  /** Response-level status code (sync-collection removals), if any. */
  status?: number;
  /** Status of the propstat that carries getetag, if any. */
  propStatus?: number;
  etag?: string;
  data?: string;
}

export interface Multistatus {
  responses: MsResponse[];
  syncToken?: string;
}

const P = '(?:[A-Za-z_][\\w.-]*:)?';
const RESPONSE_RE = new RegExp(`<${P}response\\b[^>]*>([\\s\\S]*?)</${P}response>`, 'g');
const HREF_RE = new RegExp(`<${P}href\\b[^>]*>([^<]*)</${P}href>`);
const PROPSTAT_RE = new RegExp(`<${P}propstat\\b[^>]*>([\\s\\S]*?)</${P}propstat>`, 'g');
const STATUS_RE = new RegExp(`<${P}status\\b[^>]*>([^<]*)</${P}status>`);
const ETAG_RE = new RegExp(`<${P}getetag\\b[^>]*>([^<]*)</${P}getetag>`);
const DATA_RE = new RegExp(`<${P}(?:calendar|address)-data\\b[^>]*>([\\s\\S]*?)</${P}(?:calendar|address)-data>`);
const TOKEN_RE = new RegExp(`<${P}sync-token\\b[^>]*>([^<]*)</${P}sync-token>`);

export function unescXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

function statusCode(line: string | undefined): number | undefined {
  const m = line ? /HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(line) : null;
  return m ? Number(m[1]) : undefined;
}

export function hrefName(href: string): string {
  const path = href.replace(/^[a-z]+:\/\/[^/]+/i, '');
  if (path.endsWith('/')) return '';
  const seg = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

export function parseMultistatus(xml: string): Multistatus {
  const responses: MsResponse[] = [];
  for (const m of xml.matchAll(RESPONSE_RE)) {
    const inner = m[1]!;
    const href = unescXml(HREF_RE.exec(inner)?.[1]?.trim() ?? '');
    const r: MsResponse = { href, name: hrefName(href) };
    // Response-level status: what is left once the propstats are cut out.
    const outside = inner.replace(PROPSTAT_RE, '');
    const top = statusCode(STATUS_RE.exec(outside)?.[1]);
    if (top !== undefined) r.status = top;
    for (const ps of inner.matchAll(PROPSTAT_RE)) {
      const body = ps[1]!;
      const etag = ETAG_RE.exec(body);
      const code = statusCode(STATUS_RE.exec(body)?.[1]);
      if (etag && code === 200) {
        r.propStatus = code;
        r.etag = unescXml(etag[1]!.trim());
        const data = DATA_RE.exec(body);
        if (data) {
          const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(data[1]!);
          r.data = cdata ? cdata[1]! : unescXml(data[1]!);
        }
      } else if (etag && r.propStatus === undefined && code !== undefined) {
        r.propStatus = code;
      }
    }
    responses.push(r);
  }
  const token = TOKEN_RE.exec(xml.replace(RESPONSE_RE, ''));
  const ms: Multistatus = { responses };
  if (token) ms.syncToken = unescXml(token[1]!.trim());
  return ms;
}
