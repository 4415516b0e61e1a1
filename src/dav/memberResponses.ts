/**
 * `<D:response>` elements for many resources asked the same properties (PROPFIND Depth 1,
 * sync-collection). Listings of 10,000 members spent most of their time in the generic path:
 * a property array, async getters and grouping maps per member, and an element-by-element
 * writer. Here the request is planned once per collection type, and a file member whose
 * properties come out as plain text (getetag, getcontenttype, resourcetype...) is rendered as
 * one string, synchronously. Anything else (dead properties, element values, errors, other
 * namespaces, allprop/propname) takes the generic path, which writes the same XML.
 */
import { DavError } from './errors.js';
import { statusLine, writePropResponse } from './multistatus.js';
import { memberLiveProperties, propertiesOf, type PropRequest } from './propEval.js';
import type { CollectionType, DavEnv, LiveProperty, PropValue, Resource } from './types.js';
import type { XmlElement } from './xml/element.js';
import { dav, type Clark } from './xml/names.js';
import { escapeXml, type XmlWriter } from './xml/writer.js';

type FileResource = Extract<Resource, { kind: 'file' }>;

interface PlannedProp {
  name: Clark;
  request: XmlElement;
  /** `<D:getetag>`, `</D:getetag>`, `<D:getetag/>`: every planned name is in a namespace declared on the root. */
  start: string;
  end: string;
  empty: string;
  live: LiveProperty | undefined;
}

/** Not renderable as text: take the generic path for this member. */
const GENERIC = Symbol('generic');

function isPromise<T>(v: unknown): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export class MemberResponses {
  private planned: { type: CollectionType; props: PlannedProp[] | null } | undefined;
  /** The constant pieces of a response, when the writer has the DAV: prefix on its root. */
  private readonly parts: { head: string; hrefEnd: string; ok: string; okEnd: string; okEmpty: string; missing: string; missingEnd: string; end: string } | undefined;

  /** `w` must be inside its root element (the multistatus), whose declarations the fast path uses. */
  constructor(
    private readonly env: DavEnv,
    private readonly w: XmlWriter,
    private readonly req: PropRequest,
  ) {
    const t = (local: string): string | undefined => w.tagOf(dav(local));
    const [response, href, propstat, prop, status] = [t('response'), t('href'), t('propstat'), t('prop'), t('status')];
    if (!response || !href || !propstat || !prop || !status) return;
    const tail = (code: number): string => `<${status}>${escapeXml(statusLine(code))}</${status}></${propstat}>`;
    this.parts = {
      head: `<${response}><${href}>`,
      hrefEnd: `</${href}>`,
      ok: `<${propstat}><${prop}>`,
      okEnd: `</${prop}>${tail(200)}`,
      // No property at all: an empty 200 propstat, as writePropstats writes it.
      okEmpty: `<${propstat}><${prop}/>${tail(200)}`,
      missing: `<${propstat}><${prop}>`,
      missingEnd: `</${prop}>${tail(404)}`,
      end: `</${response}>`,
    };
  }

  /** Write the response for `r`; a promise only when it has to wait (async properties, generic path). */
  write(r: Resource): void | Promise<void> {
    const plan = r.kind === 'file' && !r.path.includes('/') ? this.planFor(r.coll.type, r) : null;
    if (plan && r.kind === 'file') {
      const values = this.values(r, plan);
      if (values !== GENERIC) {
        if (values.some(isPromise)) return this.settle(r, plan, values);
        if (this.render(r, plan, values) !== GENERIC) return;
      }
    }
    return this.generic(r);
  }

  private async generic(r: Resource): Promise<void> {
    writePropResponse(this.w, r.href, await propertiesOf(this.env, r, this.req));
  }

  /** The request planned for file members of a collection type, or null if only the generic path can answer it. */
  private planFor(type: CollectionType, sample: FileResource): PlannedProp[] | null {
    if (this.planned?.type === type) return this.planned.props;
    let props: PlannedProp[] | null = null;
    if (this.req.mode === 'prop' && this.parts) {
      const lives = memberLiveProperties(this.env, sample.coll);
      props = [];
      for (const e of this.req.props) {
        const tag = this.w.tagOf(e.name);
        if (tag === undefined) {
          props = null;
          break;
        }
        props.push({ name: e.name, request: e, start: `<${tag}>`, end: `</${tag}>`, empty: `<${tag}/>`, live: lives.find((l) => l.name === e.name) });
      }
    }
    this.planned = { type, props };
    return props;
  }

  /** Each planned property's value (undefined: not defined here), possibly pending; GENERIC when a dead property or an error is involved. */
  private values(r: FileResource, plan: PlannedProp[]): Array<PropValue | undefined | Promise<PropValue | undefined>> | typeof GENERIC {
    const dead = r.coll.meta.members[r.path];
    const out: Array<PropValue | undefined | Promise<PropValue | undefined>> = [];
    for (const p of plan) {
      // A dead property answers when the live one is undefined: rare on members, left to the generic path.
      if (dead?.[p.name] !== undefined) return GENERIC;
      if (!p.live) {
        out.push(undefined);
        continue;
      }
      try {
        out.push(p.live.get({ env: this.env, resource: r, request: p.request }));
      } catch (err) {
        if (err instanceof DavError) return GENERIC;
        throw err;
      }
    }
    return out;
  }

  private async settle(r: FileResource, plan: PlannedProp[], pending: Array<PropValue | undefined | Promise<PropValue | undefined>>): Promise<void> {
    const values: Array<PropValue | undefined> = [];
    let failed = false;
    for (const v of pending) {
      try {
        values.push(await v);
      } catch (err) {
        // Keep awaiting the rest so no rejection goes unhandled; the generic path reports the error.
        if (!(err instanceof DavError)) throw err;
        failed = true;
      }
    }
    if (failed || this.render(r, plan, values) === GENERIC) await this.generic(r);
  }

  /** Write the response as one string, the way writePropResponse would; GENERIC (nothing written) if a value is not text. */
  private render(r: FileResource, plan: PlannedProp[], values: ReadonlyArray<PropValue | undefined | Promise<PropValue | undefined>>): true | typeof GENERIC {
    const o = this.parts!;
    let ok = '';
    let missing = '';
    for (let i = 0; i < plan.length; i++) {
      const v = values[i];
      const p = plan[i]!;
      if (v === undefined) missing += p.empty;
      else if (v === '' || (Array.isArray(v) && v.length === 0)) ok += p.empty;
      else if (typeof v === 'string') ok += p.start + escapeXml(v) + p.end;
      else return GENERIC;
    }
    // Grouped by status, 200 first.
    // File hrefs are built from percent-encoded segments (hrefOf, memberHref): nothing in them to escape.
    let s = o.head + r.href + o.hrefEnd;
    if (ok) s += o.ok + ok + o.okEnd;
    else if (!missing) s += o.okEmpty;
    if (missing) s += o.missing + missing + o.missingEnd;
    this.w.raw(s + o.end);
    return true;
  }
}
