import { DavError } from './errors.js';
import { hrefOf, segmentsOfHref } from './href.js';
import { multistatus, statusLine, writePropResponse, writeStatusResponse } from './multistatus.js';
import { parsePropfind, propertiesOf, type PropRequest } from './propfind.js';
import { childrenOf, resolveInCollection } from './resolve.js';
import type { CollectionView, DavResponse, ReportContext, Resource } from './types.js';
import { elements, textOf, type XmlElement } from './xml/element.js';
import { dav } from './xml/names.js';

/** The prop/allprop/propname part of a REPORT body (same grammar as PROPFIND). */
export function reportPropRequest(body: XmlElement): PropRequest {
  const kids = elements(body).filter((k) => k.name === dav('prop') || k.name === dav('allprop') || k.name === dav('propname') || k.name === dav('include'));
  if (kids.length === 0) return { mode: 'allprop', include: [] };
  return parsePropfind({ name: dav('propfind'), attrs: {}, children: kids });
}

/**
 * A multiget REPORT (calendar-multiget, addressbook-multiget): the properties of each href in
 * the body, 404 for hrefs that name nothing, 403 for hrefs outside the request's collection.
 */
export async function multigetReport(ctx: ReportContext): Promise<DavResponse> {
  const props = reportPropRequest(ctx.body);
  const hrefs = elements(ctx.body, dav('href')).map((h) => textOf(h).trim());
  if (hrefs.length === 0) throw new DavError(400, 'A multiget needs at least one DAV:href');
  const scope = ctx.resource.href;
  // Members of the report's own repository are looked up in the snapshot it was resolved at
  // (one map lookup each, one consistent view); anything else goes through the full resolver.
  const here = ctx.resource.kind === 'collection' ? ctx.resource.coll : undefined;
  const base = here ? here.rel.split('/') : [];
  const resolveHref = (segments: string[], trailingSlash: boolean): Promise<Resource> =>
    here && segments.length > base.length && base.every((s, i) => segments[i] === s)
      ? resolveInCollection(here, ctx.env.user, segments, base.length, trailingSlash)
      : ctx.env.resolve(segments, trailingSlash);
  return multistatus(async (w) => {
    for (const href of hrefs) {
      let target: Resource;
      try {
        const { segments, trailingSlash } = segmentsOfHref(href, ctx.req.origin);
        target = await resolveHref(segments, trailingSlash);
      } catch (err) {
        if (err instanceof DavError) {
          writeStatusResponse(w, href, err.status === 400 ? 400 : 403, err);
          continue;
        }
        throw err;
      }
      if (!target.href.startsWith(scope)) {
        writeStatusResponse(w, href, 403, new DavError(403, 'Not a member of this collection'));
        continue;
      }
      if (target.kind === 'missing') writeStatusResponse(w, target.href, 404);
      else writePropResponse(w, target.href, await propertiesOf(ctx.env, target, props));
    }
  });
}

/** The member resources a Depth 1 query over a collection looks at (or the one resource at Depth 0). */
export function queryTargets(ctx: ReportContext): Array<Extract<Resource, { kind: 'file' }>> {
  const r = ctx.resource;
  if (r.kind === 'file') return [r];
  if (r.kind !== 'collection') throw new DavError(403, 'This report needs a collection or one of its members', { condition: dav('supported-report') });
  if (ctx.depth === '0') return [];
  const { files } = childrenOf(r.coll, r.dir);
  return files.map(([path, blob]) => ({ kind: 'file', href: memberHref(r.coll, path), user: r.user, coll: r.coll, path, blob }));
}

export function memberHref(coll: CollectionView, path: string): string {
  return hrefOf([...coll.rel.split('/'), ...path.split('/')], false);
}

/**
 * Answer a query REPORT: the properties of every target that `matches`, stopping after
 * `limit` matches with a 507 for the collection (RFC 5323 limit semantics as CardDAV uses them).
 */
export function queryReport(
  ctx: ReportContext,
  targets: ReadonlyArray<Extract<Resource, { kind: 'file' }>>,
  matches: (t: Extract<Resource, { kind: 'file' }>) => Promise<boolean>,
  opts: { limit?: number } = {},
): DavResponse {
  const props = reportPropRequest(ctx.body);
  return multistatus(async (w) => {
    let n = 0;
    for (const t of targets) {
      if (!(await matches(t))) continue;
      if (opts.limit !== undefined && n >= opts.limit) {
        w.open(dav('response')).leaf(dav('href'), ctx.resource.href).leaf(dav('status'), statusLine(507));
        w.open(dav('error')).leaf(dav('number-of-matches-within-limits')).close();
        w.leaf(dav('responsedescription'), `Only ${opts.limit} matches were returned`).close();
        return;
      }
      n++;
      writePropResponse(w, t.href, await propertiesOf(ctx.env, t, props));
    }
  });
}
