import type { Author, GitCollection, ObjectId, Snapshot, Store } from '../store/types.js';
import type { Meta } from './meta.js';
import type { XmlElement } from './xml/element.js';
import type { Clark } from './xml/names.js';
import type { XmlWriter } from './xml/writer.js';

/** A request as the DAV core sees it: no Koa, no sockets. */
export interface DavRequest {
  method: string;
  /** Decoded path segments of the request URL (no empty segments). */
  segments: string[];
  /** True when the URL ended in '/'. */
  trailingSlash: boolean;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array | undefined;
  /** The authenticated user. */
  user: string;
  /** Scheme + host the client used (for Destination headers and absolute URLs). */
  origin: string;
}

export interface DavResponse {
  status: number;
  headers: Record<string, string>;
  /** A string, bytes, or a streamed body produced by `stream`. */
  body?: string | Uint8Array;
  stream?: (write: (chunk: string) => void) => Promise<void>;
}

/** An open collection (repository) as of one snapshot. */
export interface CollectionView {
  /** Repository id relative to the data root: `alice/calendars/work`. */
  rel: string;
  repo: GitCollection;
  snapshot: Snapshot;
  /** Metadata of the repository root. */
  meta: Meta;
  type: CollectionType;
  /** Href of the repository root, ending in '/'. */
  href: string;
  owner: string;
}

export type Resource =
  | { kind: 'root'; href: '/' }
  | { kind: 'principal'; href: string; user: string }
  | { kind: 'home'; href: string; user: string; home: HomeType }
  /** A repository root (`dir` = '') or a folder inside a plain repository. */
  | { kind: 'collection'; href: string; user: string; coll: CollectionView; dir: string; meta: Meta }
  | { kind: 'file'; href: string; user: string; coll: CollectionView; path: string; blob: ObjectId }
  /** Nothing at this URL. `coll` is set when the URL falls inside an existing repository. */
  | { kind: 'missing'; href: string; user: string; target: MissingTarget };

export type MissingTarget =
  /** A new repository could be created here (MKCOL/MKCALENDAR), under a home or the principal. */
  | { type: 'repository'; rel: string; home: HomeType | null }
  /** A path inside an existing repository; `parentExists` tells if its folder exists. */
  | { type: 'member'; coll: CollectionView; path: string; parentExists: boolean; isCollectionUrl: boolean }
  /** A URL that can never hold anything (outside the URL space). */
  | { type: 'none' };

export type PropValue = string | XmlElement | ReadonlyArray<XmlElement | string>;

/** Everything a handler may use. */
export interface DavEnv {
  store: Store;
  registry: Registry;
  user: string;
  maxBodyBytes: number;
  /** Resolve a URL path (already split into decoded segments) to a resource. */
  resolve(segments: string[], trailingSlash: boolean): Promise<Resource>;
  readBlob(coll: CollectionView, blob: ObjectId): Promise<Uint8Array>;
  locks: LockManager;
  /** Commit author for this user. */
  author: Author;
}

/** What a write touches, for lock checks (RFC 4918 §7, §10.4). */
export interface WriteTarget {
  href: string;
  /** Quoted ETag when the resource exists. */
  etag?: string;
  /** A collection: locks on members (depth infinity) count too. */
  collection?: boolean;
  /**
   * The write adds or removes the resource at `href` (PUT of a new file, MKCOL, DELETE, a MOVE
   * source, a new COPY/MOVE destination): a depth-0 lock on the parent collection counts too.
   */
  membership?: boolean;
}

/**
 * Write locks and the If header. `checkWrite` throws 423 (DAV:lock-token-submitted) when a
 * target is locked and the request's If header does not carry the token, and 412 when the If
 * header's conditions do not hold (it may be async: callers await it). `forget` drops the locks
 * of a removed resource (and below).
 */
export interface LockManager {
  /** True when LOCK/UNLOCK are implemented (DAV compliance class 2). */
  readonly class2: boolean;
  checkWrite(req: DavRequest, targets: WriteTarget[]): void | Promise<void>;
  forget(href: string): void;
  lock?(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse>;
  unlock?(env: DavEnv, req: DavRequest, r: Resource): Promise<DavResponse>;
}

export interface PropertyContext {
  env: DavEnv;
  resource: Resource;
  /** The element the client asked with (e.g. `<C:calendar-data>` with a `<C:comp>` selection). */
  request?: XmlElement;
}

/** A property computed by the server. Absent from `set` = protected. */
export interface LiveProperty {
  name: Clark;
  /** Returns undefined when the property is not defined on this resource. */
  get(ctx: PropertyContext): PropValue | undefined | Promise<PropValue | undefined>;
  /** Included in `allprop` responses (RFC 4918 §9.1: some live properties are expensive and left out). */
  allprop: boolean;
}

export interface PutCheck {
  /** Unique key within the collection (iCalendar/vCard UID), checked by the core under the write lock. */
  uid?: string;
  /** Words for the commit message: `event "Team meeting"`. */
  describe: string;
}

export interface UidConflictError {
  (href: string): Error;
}

/** A collection type (calendar, address book, plain folder) plugged into the core. */
export interface CollectionType {
  id: string;
  /** Resourcetype children besides DAV:collection. */
  resourceType: Clark[];
  /** Plain folders nest; calendars and address books hold only member files. */
  allowsFolders: boolean;
  /** Words for commit messages: 'calendar', 'address book', 'folder'. */
  noun: string;
  memberContentType(name: string): string;
  /**
   * Which top-level file names are members (listed, synced, queried, served). Absent = every
   * name. Anything else a person commits (a README in a calendar) stays in Git, unseen by clients.
   */
  isMemberName?(name: string): boolean;
  /** Validate a PUT body (throw DavError). Plain folders take any bytes. */
  checkPut?(input: { name: string; body: Uint8Array; contentType: string | undefined; coll: CollectionView }): PutCheck | Promise<PutCheck>;
  /** Which member holds `uid` in `snapshot` (name), if any. */
  findUid?(coll: CollectionView, snapshot: Snapshot, uid: string): Promise<string | undefined>;
  /** The RFC's no-uid-conflict error for a UID held by the resource at `href`. */
  uidConflict?: UidConflictError;
  /** Live properties on the collection and on its members. */
  collectionProperties: LiveProperty[];
  memberProperties: LiveProperty[];
  /**
   * Check a property a client sets (PROPPATCH, MKCALENDAR, extended MKCOL). Throw a DavError to
   * refuse. `creating` is true during collection creation (some properties are settable only then).
   */
  checkProperty?(name: Clark, value: XmlElement, creating: boolean): void;
  /** Computed properties no client may set or remove. */
  protectedProperties?: Clark[];
  /** Properties a client may set only when creating the collection (supported-calendar-component-set). */
  createOnlyProperties?: Clark[];
  /** REPORTs this type answers, by report element name. */
  reports: Map<Clark, ReportHandler>;
  /** Extra `DAV:` header compliance classes (e.g. `calendar-access`). */
  davClasses: string[];
  /** Extra methods in Allow on this collection type (MKCALENDAR on a calendar home, etc. are listed by the home). */
  methods?: string[];
}

/** A home container below the principal: `/<user>/calendars/`. */
export interface HomeType {
  segment: string;
  collectionType: string;
  /** Principal property that points here: `{caldav}calendar-home-set`. */
  homeSetProperty: Clark;
  /** Collection created on a user's first login, if configured. */
  defaultCollection?: { name: string; displayname: string; properties?: Record<Clark, string> };
  /** Method names that create collections here besides MKCOL (MKCALENDAR). */
  createMethods: string[];
  /** Extra DAV: classes advertised on this home. */
  davClasses: string[];
}

export interface ReportContext {
  env: DavEnv;
  req: DavRequest;
  resource: Resource;
  body: XmlElement;
  depth: Depth;
}

export type ReportHandler = (ctx: ReportContext) => Promise<DavResponse>;

export type Depth = '0' | '1' | 'infinity';

export interface Registry {
  types: Map<string, CollectionType>;
  homes: HomeType[];
  principalProperties: LiveProperty[];
  /** Live properties on every resource besides the core ones (lockdiscovery, supportedlock ...). */
  properties: LiveProperty[];
  /** Reports answered on any resource (sync-collection, expand-property ...). */
  reports: Map<Clark, ReportHandler>;
  /** Methods that create a collection of a fixed type with an extended-MKCOL-like body (MKCALENDAR). */
  creationMethods: Map<string, { bodyRoot: Clark; responseRoot: Clark; type: string }>;
}

export type { XmlWriter };
