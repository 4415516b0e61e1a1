import type { Clark } from './xml/names.js';
import type { XmlElement } from './xml/element.js';

/**
 * The one error type of the DAV layers. It carries the HTTP status and, where an RFC defines
 * one, the precondition/postcondition element that goes into the `<D:error>` body
 * (RFC 4918 §16). `http/` turns it into a response in one place.
 */
export class DavError extends Error {
  readonly status: number;
  /** Clark name of the condition element, e.g. `{urn:ietf:params:xml:ns:caldav}valid-calendar-data`. */
  readonly condition: Clark | undefined;
  /** Children of the condition element (e.g. the `<D:href>` of a conflicting resource). */
  readonly conditionContent: ReadonlyArray<XmlElement | string>;
  /** Extra response headers (e.g. `Allow` on 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    opts: { condition?: Clark; content?: ReadonlyArray<XmlElement | string>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DavError';
    this.status = status;
    this.condition = opts.condition;
    this.conditionContent = opts.content ?? [];
    this.headers = opts.headers ?? {};
  }
}

export const badRequest = (msg: string, condition?: Clark) => new DavError(400, msg, condition ? { condition } : {});
export const forbidden = (msg: string, condition?: Clark, content?: ReadonlyArray<XmlElement | string>) =>
  new DavError(403, msg, { ...(condition ? { condition } : {}), ...(content ? { content } : {}) });
export const notFound = (msg = 'Not Found') => new DavError(404, msg);
export const conflict = (msg: string, condition?: Clark) => new DavError(409, msg, condition ? { condition } : {});
export const preconditionFailed = (msg = 'Precondition Failed') => new DavError(412, msg);
export const methodNotAllowed = (msg: string, allow: string) => new DavError(405, msg, { headers: { Allow: allow } });
