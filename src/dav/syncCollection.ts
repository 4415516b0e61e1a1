import type { ObjectId, Snapshot } from '../store/types.js';
import { DavError } from './errors.js';
import { memberHref } from './href.js';
import { MemberResponses } from './memberResponses.js';
import { statusLine, writeStatusResponse, xmlResponse } from './multistatus.js';
import { EMPTY_SYNC_COMMIT, SYNC_TOKEN_PREFIX, syncTokenFor } from './properties.js';
import type { PropRequest } from './propEval.js';
import { parseDepth } from './propfind.js';
import { isMemberName, readMetaShared } from './resolve.js';
import type { CollectionView, DavResponse, ReportContext, Resource } from './types.js';
import { child, elements, textOf } from './xml/element.js';
import { dav } from './xml/names.js';

/**
 * What a sync token says the client holds. A plain token is one commit. After a truncated
 * answer (DAV:limit) the client holds, for every path up to the last one reported (in path
 * order), its state at a later commit: that is a layer. State of a path = the state in the
 * last layer whose cutoff is >= the path, else in the base commit. Layers only pile up when a
 * client continues a truncated sync while many low-sorting paths change; each new layer drops
 * those it covers entirely, so cutoffs strictly decrease.
 */
export interface SyncPosition {
  base: ObjectId;
  layers: Array<{ commit: ObjectId; cutoff: string }>;
}

export function formatToken(pos: SyncPosition): string {
  const layers = pos.layers.map((l) => `;${l.commit}.${Buffer.from(l.cutoff, 'utf8').toString('base64url')}`).join('');
  return syncTokenFor(pos.base) + layers;
}

export function parseToken(token: string): SyncPosition | null {
  if (!token.startsWith(SYNC_TOKEN_PREFIX)) return null;
  const [base, ...rest] = token.slice(SYNC_TOKEN_PREFIX.length).split(';');
  const hex = /^[0-9a-f]{40}$/;
  if (!hex.test(base!) || rest.length > 64) return null;
  const layers: SyncPosition['layers'] = [];
  for (const l of rest) {
    const m = /^([0-9a-f]{40})\.([A-Za-z0-9_-]*)$/.exec(l);
    if (!m) return null;
    layers.push({ commit: m[1]!, cutoff: Buffer.from(m[2]!, 'base64url').toString('utf8') });
  }
  return { base: base!, layers };
}

const EMPTY: Snapshot = { commit: null, time: null, files: new Map(), dirs: new Set() };

/** Is `path` a member reported at this sync level below `dir`? */
function inScope(coll: CollectionView, dir: string, path: string, infinite: boolean): boolean {
  const prefix = dir === '' ? '' : `${dir}/`;
  if (!path.startsWith(prefix)) return false;
  const rest = path.slice(prefix.length);
  if (!coll.type.allowsFolders && rest.includes('/')) return false;
  if (!infinite && rest.includes('/')) return false;
  // Folders (of plain collections) are members whatever their name; files when their type says so.
  return coll.snapshot.dirs.has(path) || isMemberName(coll.type, rest.slice(rest.lastIndexOf('/') + 1));
}

async function snapshotOf(coll: CollectionView, commit: ObjectId): Promise<Snapshot> {
  if (commit === EMPTY_SYNC_COMMIT) return EMPTY;
  const snap = await coll.repo.snapshotAt(commit);
  if (!snap) throw new DavError(403, 'The sync token is not known to this collection (its history may have been rewritten); sync again from scratch', { condition: dav('valid-sync-token') });
  return snap;
}

/**
 * What a path holds in a snapshot: a blob id, FOLDER for a folder of a plain collection (child
 * collections are members too, RFC 6578 §3.3; a folder "changes" only when it appears or goes,
 * its content is reported at sync-level infinite), or null.
 */
const FOLDER = 'folder';
type State = ObjectId | typeof FOLDER | null;

function stateOf(snap: Snapshot, path: string, folders: boolean): State {
  const blob = snap.files.get(path);
  if (blob !== undefined) return blob;
  return folders && snap.dirs.has(path) ? FOLDER : null;
}

/** Add `path` and, for collections with folders, every folder above it (a folder comes and goes with its files). */
function addCandidate(set: Set<string>, path: string, folders: boolean): void {
  set.add(path);
  if (!folders) return;
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) set.add(path.slice(0, i));
}

/** An initial sync: every path at `head` is new (what the general case gives against the empty tree, without a diff). */
function everything(head: Snapshot, folders: boolean): Array<{ path: string; from: State; to: State }> {
  const out: Array<{ path: string; from: State; to: State }> = [];
  const dirs = new Set<string>();
  for (const [path, blob] of head.files) {
    out.push({ path, from: null, to: blob });
    if (folders && path.includes('/')) addCandidate(dirs, path, true);
  }
  for (const d of dirs) if (head.dirs.has(d)) out.push({ path: d, from: null, to: FOLDER });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Paths (sorted) whose state at `head` differs from what the client holds. */
async function changedPaths(coll: CollectionView, pos: SyncPosition, head: Snapshot): Promise<Array<{ path: string; from: State; to: State }>> {
  const folders = coll.type.allowsFolders;
  if (pos.base === EMPTY_SYNC_COMMIT && pos.layers.length === 0) return everything(head, folders);
  const base = await snapshotOf(coll, pos.base);
  const layers = await Promise.all(pos.layers.map(async (l) => ({ snap: await snapshotOf(coll, l.commit), cutoff: l.cutoff })));
  // A path can differ between what the client holds and HEAD only if it differs between base and
  // HEAD, or between base and a layer that covers it. Tree diffs compare blob ids: no blob is read.
  const candidates = new Set<string>();
  for (const c of coll.repo.diff(base, head)) addCandidate(candidates, c.path, folders);
  for (const l of layers) {
    for (const c of coll.repo.diff(base, l.snap)) if (c.path <= l.cutoff) addCandidate(candidates, c.path, folders);
  }
  const out: Array<{ path: string; from: State; to: State }> = [];
  for (const path of [...candidates].sort()) {
    let held = stateOf(base, path, folders);
    for (const l of layers) if (path <= l.cutoff) held = stateOf(l.snap, path, folders);
    const now = stateOf(head, path, folders);
    if (held !== now) out.push({ path, from: held, to: now });
  }
  return out;
}

/** The sync-collection REPORT (RFC 6578), answered from a tree diff between two commits. */
export async function syncCollection(ctx: ReportContext): Promise<DavResponse> {
  const r = ctx.resource;
  if (r.kind !== 'collection') throw new DavError(403, 'sync-collection is only supported on collections', { condition: dav('supported-report') });
  // RFC 6578 §3.2 asks for Depth: 0, but python-caldav (0.11, Debian) sends Depth: 1 and
  // sync-level already says which members are reported, so only infinity is refused.
  const depth = parseDepth(ctx.req.headers['depth'], '0');
  if (depth === 'infinity') throw new DavError(400, 'sync-collection takes Depth: 0 (the scope is given by DAV:sync-level)');
  const body = ctx.body;
  const levelText = textOf(child(body, dav('sync-level')) ?? { name: '', attrs: {}, children: ['1'] }).trim();
  if (levelText !== '1' && levelText !== 'infinite') throw new DavError(400, 'sync-level must be 1 or infinite');
  const infinite = levelText === 'infinite';
  const tokenText = textOf(child(body, dav('sync-token')) ?? { name: '', attrs: {}, children: [] }).trim();
  const limitEl = child(body, dav('limit'));
  let limit: number | undefined;
  if (limitEl) {
    const n = Number(textOf(child(limitEl, dav('nresults')) ?? limitEl).trim());
    if (!Number.isInteger(n) || n < 0) throw new DavError(400, 'Bad DAV:limit');
    limit = n;
  }
  const propEl = child(body, dav('prop'));
  const request: PropRequest = { mode: 'prop', props: propEl ? elements(propEl) : [] };

  const coll = r.coll;
  const head = coll.snapshot;
  const headId = head.commit ?? EMPTY_SYNC_COMMIT;
  let pos: SyncPosition;
  if (tokenText === '') pos = { base: EMPTY_SYNC_COMMIT, layers: [] };
  else {
    const parsed = parseToken(tokenText);
    if (!parsed) throw new DavError(403, 'The sync token is not one this server issued', { condition: dav('valid-sync-token') });
    pos = parsed;
  }
  let changes = (await changedPaths(coll, pos, head)).filter((c) => inScope(coll, r.dir, c.path, infinite));

  // Truncated answers (RFC 6578 §3.6) carry a token that says exactly what was reported, so
  // continuing never skips a change.
  let next: SyncPosition = { base: headId, layers: [] };
  const truncated = limit !== undefined && changes.length > limit;
  if (truncated) {
    changes = changes.slice(0, limit);
    if (changes.length === 0) next = pos;
    else {
      const cutoff = changes[changes.length - 1]!.path;
      next = { base: pos.base, layers: [...pos.layers.filter((l) => l.cutoff > cutoff), { commit: headId, cutoff }] };
    }
  }

  return xmlResponse(207, dav('multistatus'), async (w) => {
    const out = new MemberResponses(ctx.env, w, request);
    for (const c of changes) {
      const href = memberHref(coll.href, c.path);
      if (c.to === null) {
        writeStatusResponse(w, c.from === FOLDER ? `${href}/` : href, 404);
        continue;
      }
      const member: Resource =
        c.to === FOLDER
          ? { kind: 'collection', href: `${href}/`, user: r.user, coll, dir: c.path, meta: await readMetaShared(coll, head, c.path) }
          : { kind: 'file', href, user: r.user, coll, path: c.path, blob: c.to };
      const pending = out.write(member);
      if (pending) await pending;
    }
    if (truncated) {
      w.open(dav('response')).leaf(dav('href'), r.href).leaf(dav('status'), statusLine(507));
      w.open(dav('error')).leaf(dav('number-of-matches-within-limits')).close();
      w.close();
    }
  }, (w) => {
    w.leaf(dav('sync-token'), formatToken(next));
  });
}
