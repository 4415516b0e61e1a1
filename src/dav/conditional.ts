import { DavError } from './errors.js';
import type { DavRequest } from './types.js';

/** The state of the target as of the snapshot a request is evaluated against. */
export interface TargetState {
  exists: boolean;
  /** Quoted strong ETag. */
  etag?: string;
  lastModified?: Date | null;
}

function etagList(value: string): string[] {
  const out: string[] = [];
  const re = /\s*(W\/)?("[^"]*"|\*)\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null && m[0] !== '') out.push(m[2]!);
  return out;
}

/**
 * RFC 7232 preconditions for a state-changing request, evaluated against the same HEAD the
 * commit builds on: If-Match, If-None-Match (`*` = must not exist), If-Unmodified-Since.
 */
export function checkWritePreconditions(req: DavRequest, state: TargetState): void {
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    const ok = state.exists && (tags.includes('*') || (state.etag !== undefined && tags.includes(state.etag)));
    if (!ok) throw new DavError(412, state.exists ? 'If-Match: the resource has changed' : 'If-Match: the resource does not exist');
  } else {
    const ius = req.headers['if-unmodified-since'];
    if (ius !== undefined && state.exists && state.lastModified) {
      const t = Date.parse(ius);
      if (!Number.isNaN(t) && Math.floor(state.lastModified.getTime() / 1000) > Math.floor(t / 1000)) {
        throw new DavError(412, 'If-Unmodified-Since: the resource was modified since');
      }
    }
  }
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && state.exists) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*')) throw new DavError(412, 'If-None-Match: * but the resource exists');
    if (state.etag !== undefined && tags.includes(state.etag)) throw new DavError(412, 'If-None-Match: the resource matches');
  }
}

/** Preconditions for GET/HEAD: returns 304 when the client's copy is current, throws 412 on If-Match failure. */
export function checkReadPreconditions(req: DavRequest, state: TargetState): 304 | null {
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    if (!state.exists || !(tags.includes('*') || (state.etag !== undefined && tags.includes(state.etag)))) throw new DavError(412, 'If-Match failed');
  }
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (state.exists && (tags.includes('*') || (state.etag !== undefined && tags.includes(state.etag)))) return 304;
    return null;
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined && state.exists && state.lastModified) {
    const t = Date.parse(ims);
    if (!Number.isNaN(t) && Math.floor(state.lastModified.getTime() / 1000) <= Math.floor(t / 1000)) return 304;
  }
  return null;
}
