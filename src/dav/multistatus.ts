import { PassThrough } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { DavError } from './errors.js';
import type { DavResponse, PropValue } from './types.js';
import { XmlWriter } from './xml/writer.js';
import { dav, type Clark } from './xml/names.js';

export function statusLine(code: number): string {
  return `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}`.trimEnd();
}

export interface PropResult {
  name: Clark;
  status: number;
  value?: PropValue;
  /** A precondition element for failures (PROPPATCH). */
  error?: DavError;
}

export function writePropValue(w: XmlWriter, name: Clark, value: PropValue | undefined): void {
  // A stored dead property is kept as its whole element (attributes such as xml:lang included).
  if (value && typeof value === 'object' && !Array.isArray(value) && 'name' in value && value.name === name) {
    w.node(value);
    return;
  }
  w.open(name);
  if (typeof value === 'string') w.text(value);
  else if (Array.isArray(value)) for (const c of value) w.node(c);
  else if (value && typeof value === 'object' && 'name' in value) w.node(value);
  w.close();
}

/** Propstat elements for a set of results, grouped by status. */
export function writePropstats(w: XmlWriter, results: readonly PropResult[]): void {
  const byStatus = new Map<number, PropResult[]>();
  for (const r of results) {
    const list = byStatus.get(r.status) ?? [];
    list.push(r);
    byStatus.set(r.status, list);
  }
  if (byStatus.size === 0) byStatus.set(200, []);
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    w.open(dav('propstat')).open(dav('prop'));
    for (const r of list) writePropValue(w, r.name, status === 200 ? r.value : undefined);
    w.close().leaf(dav('status'), statusLine(status));
    const err = list.find((r) => r.error?.condition)?.error;
    if (err?.condition) {
      w.open(dav('error')).open(err.condition);
      for (const c of err.conditionContent) w.node(c);
      w.close().close();
    }
    const msg = list.find((r) => r.error)?.error?.message;
    if (msg) w.leaf(dav('responsedescription'), msg);
    w.close();
  }
}

/** One `<D:response>` with propstats grouped by status. */
export function writePropResponse(w: XmlWriter, href: string, results: readonly PropResult[]): void {
  w.open(dav('response')).leaf(dav('href'), href);
  writePropstats(w, results);
  w.close();
}

/** One `<D:response>` with only a status (a removed member in sync-collection, a failed multiget href). */
export function writeStatusResponse(w: XmlWriter, href: string, status: number, error?: DavError): void {
  w.open(dav('response')).leaf(dav('href'), href).leaf(dav('status'), statusLine(status));
  if (error?.condition) {
    w.open(dav('error')).open(error.condition);
    for (const c of error.conditionContent) w.node(c);
    w.close().close();
  }
  if (error?.message) w.leaf(dav('responsedescription'), error.message);
  w.close();
}

/**
 * A 207 response streamed as it is produced. `body` writes the `<D:response>` elements; the
 * multistatus element around them is opened and closed here.
 */
export function multistatus(body: (w: XmlWriter) => Promise<void>, after?: (w: XmlWriter) => void): DavResponse {
  return xmlResponse(207, dav('multistatus'), body, after);
}

/** An XML response with root element `root`, streamed. */
export function xmlResponse(status: number, root: Clark, body: (w: XmlWriter) => Promise<void> | void, after?: (w: XmlWriter) => void): DavResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
    stream: async (write) => {
      const w = new XmlWriter(write);
      w.open(root);
      await body(w);
      after?.(w);
      w.end();
    },
  };
}

/** Turn a DavResponse's stream into a Node stream (for Koa). */
export function toNodeStream(res: DavResponse): PassThrough {
  const out = new PassThrough();
  const stream = res.stream;
  if (!stream) {
    out.end(res.body ?? '');
    return out;
  }
  stream((chunk) => {
    out.write(chunk);
  }).then(
    () => out.end(),
    (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
  );
  return out;
}
