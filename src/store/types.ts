/**
 * The storage contract. Everything above `store/` reaches Git only through these types.
 * The store knows nothing of HTTP, XML, iCalendar or vCard: it holds files in Git trees.
 */

/** A 40-hex SHA-1 Git object id. */
export type ObjectId = string;

export interface Author {
  name: string;
  email: string;
}

/**
 * What a commit's tree holds, flattened. Paths are relative to the repository root and use
 * '/' (e.g. `work.ics`, `notes/2026/a.txt`); they never start or end with '/'.
 */
export interface Snapshot {
  /** Commit id, or null for a repository without commits. */
  readonly commit: ObjectId | null;
  /** Committer time of `commit` (null without commits). */
  readonly time: Date | null;
  /** Every file (blob) path → blob id. Symlinks and submodules are not listed. */
  readonly files: ReadonlyMap<string, ObjectId>;
  /** Every directory path that has at least one entry below it. */
  readonly dirs: ReadonlySet<string>;
}

export type WriteOp =
  /** Create or replace a file with these bytes. Parent directories are created as needed. */
  | { op: 'put'; path: string; data: Uint8Array }
  /** Create or replace a file with a blob that already exists in this repository (copy/move inside a repo). */
  | { op: 'link'; path: string; blob: ObjectId }
  /** Remove a file, or a directory and everything below it. Removing a missing path is an error. */
  | { op: 'delete'; path: string };

export interface Change {
  path: string;
  /** Blob id before, null when added. */
  from: ObjectId | null;
  /** Blob id after, null when removed. */
  to: ObjectId | null;
}

export interface CommitPlan {
  ops: WriteOp[];
  /** The commit message: what happened, in words. */
  message: string;
}

export interface CommitRequest {
  author: Author;
  /**
   * Called under the repository's lock with the HEAD the new commit will build on. It checks
   * preconditions (If-Match, UID conflicts, ...) and throws to abort, or returns what to write.
   * Returning null (or no ops) writes nothing. It may be called again if the ref moved under us
   * (a native `git commit` between our read and our ref update), so it must be free of side effects.
   */
  plan(head: Snapshot): CommitPlan | null | Promise<CommitPlan | null>;
}

export interface CommitResult {
  /** HEAD after the write (the new commit, or the unchanged HEAD when nothing was written). */
  snapshot: Snapshot;
  /** True when a new commit was made. */
  committed: boolean;
  /** Whatever `plan` returned (so callers get the ops it decided on against the real HEAD). */
  plan: CommitPlan | null;
}

/** One Git repository = one DAV collection (calendar, address book or plain folder tree). */
export interface GitCollection {
  /** Path of the repository directory relative to the data root, '/'-separated (`alice/calendars/work`). */
  readonly id: string;
  /** Absolute path of the bare repository (the Git directory). */
  readonly gitDir: string;
  /**
   * The snapshot of the branch HEAD points to. Checks the ref on disk on every call (a stat and a
   * small read), so commits made outside the server are seen on the very next request.
   */
  head(): Promise<Snapshot>;
  /** Snapshot of any commit in this repository; null when the object is missing or not a commit. */
  snapshotAt(commit: ObjectId): Promise<Snapshot | null>;
  readBlob(id: ObjectId): Promise<Uint8Array>;
  /** Changes from `from` to `to` (files only; paths sorted). */
  diff(from: Snapshot, to: Snapshot): Change[];
  /**
   * Make one commit on the branch HEAD points to, serialised with every other writer of this
   * repository (in this process by a mutex, across processes by Git's `<ref>.lock` protocol and a
   * compare-and-swap of the old value). Resolves only once objects and ref are durable on disk.
   */
  commit(req: CommitRequest): Promise<CommitResult>;
}

export type EntryKind = 'repository' | 'directory' | 'missing' | 'file';

export interface Store {
  /** Absolute data root. */
  readonly root: string;
  /** What is at `rel` under the root: a Git repository (bare), a plain directory, a file, or nothing. */
  kind(rel: string): Promise<EntryKind>;
  /** Open the repository at `rel`; null when there is none. Opened collections are cached (LRU). */
  open(rel: string): Promise<GitCollection | null>;
  /**
   * Create a new bare repository at `rel` (parent directories created) and make its first commit
   * from `init` (planned against an empty snapshot). Fails with StoreError('exists') if anything
   * is there. The repository appears atomically: it is built aside and renamed into place.
   */
  create(rel: string, init: CommitRequest): Promise<GitCollection>;
  /** Names of the entries (repositories and directories) directly inside directory `rel`, sorted. */
  list(rel: string): Promise<string[]>;
  /** Create a plain directory (e.g. a user's home). No-op if it exists. */
  ensureDir(rel: string): Promise<void>;
  /**
   * Remove the repository at `rel` from the served tree. Its history is kept: the repository is
   * moved to `<root>/.trash/` (a person can restore it with `mv`).
   */
  remove(rel: string): Promise<void>;
  /** Rename a whole repository (MOVE of a collection). Fails with StoreError('exists') if `to` exists. */
  rename(from: string, to: string): Promise<void>;
  /** Stop watchers and background maintenance (for shutdown and tests). */
  close(): Promise<void>;
}

export type StoreErrorCode = 'exists' | 'missing' | 'conflict' | 'busy' | 'invalid-path' | 'corrupt';

/** Errors the store raises; the DAV layer maps them to HTTP statuses. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
