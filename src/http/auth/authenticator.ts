/**
 * Checks user/password pairs against an htpasswd file, with a cache of successful checks.
 *
 * Why a cache: a bcrypt check costs ~95 ms and DAV clients send Basic credentials on every request.
 * The cache key is HMAC-SHA256(process-random key, user ':' password), so neither the password nor
 * an offline-crackable plain hash of it is kept in memory. Entries expire after a TTL, the cache is
 * bounded (LRU), and the whole cache is dropped when the file changes (checked with a stat on every
 * call; files modified within the last seconds are also compared byte-wise, as Git does for "racily
 * clean" index entries, because an edit in the same timestamp tick keeps size and mtime equal).
 * Failures are never cached; each failure from an address delays that address's next answers a bit.
 *
 * A connection that sent credentials which checked out may send the very same Authorization header
 * again (keep-alive clients do, on every request): `connectionUser` then answers from a per-connection
 * record, without the HMAC, as long as the file is unchanged (one stat) and the TTL has not run out.
 * The record holds the header, which the connection's requests carry anyway, and goes with the socket.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseHtpasswd, verifyHash, type HtpasswdEntry } from './htpasswd.js';
import { isValidUserName } from './userName.js';

export type PasswordVerifier = (password: string, hash: string) => Promise<boolean>;

export interface HtpasswdAuthenticatorOptions {
  /** Hash check (injectable for tests that count calls). Default: verifyHash. */
  verify?: PasswordVerifier;
  /** Maximum number of cached successful checks. Default 1024. */
  cacheMaxEntries?: number;
  /** How long a successful check stays cached. Default 15 minutes. */
  cacheTtlMs?: number;
  /** Delay after the first failure from an address; doubles per further failure. Default 200 ms; 0 disables. */
  failureDelayMs?: number;
  /** Upper bound of that delay. Default 5 s. */
  maxFailureDelayMs?: number;
  /** Where problems with the file are reported. Default: stderr. */
  log?: (line: string) => void;
}

interface FileState {
  signature: string;
  content: Buffer;
  entries: Map<string, HtpasswdEntry>;
  /** When the content was read (ms since epoch). */
  readAt: number;
  mtimeMs: number;
}

interface CacheEntry {
  user: string;
  hash: string;
  expires: number;
}

/** Credentials verified on one connection, against one state of the file. */
interface ConnectionRecord {
  header: string;
  user: string;
  state: FileState;
  expires: number;
}

/** The stat signature of the file (number stats: times in ms with a fraction, cheaper than BigInt ones). */
function signatureOf(file: string): { signature: string; mtimeMs: number } {
  const st = statSync(file);
  return { signature: `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`, mtimeMs: st.mtimeMs };
}

interface FailureRecord {
  count: number;
  last: number;
}

/** A file modified this recently may change again without changing its stat signature. */
const RACY_MS = 2000;
/** Failures older than this are forgotten. */
const FAILURE_WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURE_RECORDS = 10_000;
/** Compared against for unknown users, so they cost as much as known ones (no user enumeration by timing). */
const DUMMY_HASH = '$2b$10$ZdKznmGJfueSrC494dymBOASDOaqllDp5cvCFN/EvkIrEsmGrSoG6';

export class HtpasswdAuthenticator {
  readonly file: string;
  private readonly verify: PasswordVerifier;
  private readonly cacheMax: number;
  private readonly cacheTtl: number;
  private readonly failureDelay: number;
  private readonly maxFailureDelay: number;
  private readonly log: (line: string) => void;
  private readonly key = randomBytes(32);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly failures = new Map<string, FailureRecord>();
  private readonly verifying = new Map<string, Promise<boolean>>();
  private readonly connections = new WeakMap<object, ConnectionRecord>();
  private state: FileState | null = null;
  private refreshing: Promise<FileState | null> | null = null;
  private lastError = '';

  constructor(file: string, opts: HtpasswdAuthenticatorOptions = {}) {
    this.file = file;
    this.verify = opts.verify ?? verifyHash;
    this.cacheMax = opts.cacheMaxEntries ?? 1024;
    this.cacheTtl = opts.cacheTtlMs ?? 15 * 60 * 1000;
    this.failureDelay = opts.failureDelayMs ?? 200;
    this.maxFailureDelay = opts.maxFailureDelayMs ?? 5000;
    this.log = opts.log ?? ((line) => process.stderr.write(line + '\n'));
  }

  /** Number of cached successful checks (for tests and diagnostics). */
  get cacheSize(): number {
    return this.cache.size;
  }

  /**
   * True when `password` is `user`'s password in the file as it is now. With `connection` (the
   * socket and the Authorization header the credentials came in), a success is remembered for
   * `connectionUser`.
   */
  async authenticate(user: string, password: string, remote = 'unknown', connection?: { socket: object; header: string }): Promise<boolean> {
    const state = await this.check(user, password);
    if (state) {
      this.failures.delete(remote);
      // Only against the file as it still is: a change during the check needs a new one.
      if (connection && state === this.state) {
        this.connections.set(connection.socket, { header: connection.header, user, state, expires: Date.now() + this.cacheTtl });
      }
      return true;
    }
    await this.penalise(remote);
    return false;
  }

  /**
   * The user whose credentials came in exactly `header` on this connection before and checked out,
   * while the file has not changed since; undefined when a full check is needed. Synchronous.
   */
  connectionUser(socket: object, header: string): string | undefined {
    const rec = this.connections.get(socket);
    if (!rec || rec.header !== header || rec.state !== this.state) return undefined;
    if (rec.expires <= Date.now()) {
      this.connections.delete(socket);
      return undefined;
    }
    // A file changed within RACY_MS of its read may change again without a new signature.
    if (rec.state.readAt - rec.state.mtimeMs < RACY_MS) return undefined;
    try {
      if (signatureOf(this.file).signature !== rec.state.signature) return undefined;
    } catch {
      return undefined;
    }
    return rec.user;
  }

  /** The state of the file the check succeeded against, or null when it failed. */
  private async check(user: string, password: string): Promise<FileState | null> {
    if (!isValidUserName(user)) return null;
    const state = await this.current();
    const entry = state?.entries.get(user);
    const now = Date.now();
    const key = createHmac('sha256', this.key).update(`${user}:${password}`, 'utf8').digest('base64');
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      if (entry && hit.user === user && hit.hash === entry.hash && hit.expires > now) {
        this.cache.set(key, hit); // re-insert: most recently used last
        return state;
      }
    }
    if (!state || !entry) {
      await this.verify(password, DUMMY_HASH);
      return null;
    }
    if (!(await this.verifyShared(key, password, entry.hash))) return null;
    // Only cache if the file did not change while we were verifying.
    if (this.state === state) {
      this.cache.set(key, { user, hash: entry.hash, expires: now + this.cacheTtl });
      while (this.cache.size > this.cacheMax) {
        const oldest = this.cache.keys().next().value;
        if (oldest === undefined) break;
        this.cache.delete(oldest);
      }
    }
    return state;
  }

  /**
   * One hash check per key and hash at a time: a client opening 8 connections at once sends the
   * same credentials 8 times before the first check is cached, and each bcrypt check costs ~95 ms of CPU.
   */
  private verifyShared(key: string, password: string, hash: string): Promise<boolean> {
    const k = `${key} ${hash}`;
    let p = this.verifying.get(k);
    if (!p) {
      p = this.verify(password, hash).finally(() => this.verifying.delete(k));
      this.verifying.set(k, p);
    }
    return p;
  }

  private async penalise(remote: string): Promise<void> {
    if (this.failureDelay <= 0) return;
    const now = Date.now();
    let rec = this.failures.get(remote);
    if (!rec || now - rec.last > FAILURE_WINDOW_MS) rec = { count: 0, last: now };
    rec.count++;
    rec.last = now;
    this.failures.delete(remote);
    this.failures.set(remote, rec);
    while (this.failures.size > MAX_FAILURE_RECORDS) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
    const delay = Math.min(this.failureDelay * 2 ** Math.min(rec.count - 1, 20), this.maxFailureDelay);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /** The file's parsed state, re-read when it changed. One refresh at a time. */
  private current(): Promise<FileState | null> {
    if (!this.refreshing) {
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async refresh(): Promise<FileState | null> {
    let signature: string;
    let mtimeMs: number;
    try {
      // Synchronous: one cheap syscall per request, where a thread-pool round trip costs more.
      ({ signature, mtimeMs } = signatureOf(this.file));
    } catch (err) {
      return this.fail(`cannot read htpasswd file ${this.file}: ${(err as Error).message}; every login is refused`);
    }
    const old = this.state;
    const racy = old !== null && old.readAt - old.mtimeMs < RACY_MS;
    if (old && old.signature === signature && !racy) return old;

    let content: Buffer;
    try {
      content = await readFile(this.file);
    } catch (err) {
      return this.fail(`cannot read htpasswd file ${this.file}: ${(err as Error).message}; every login is refused`);
    }
    const now = Date.now();
    if (old && old.content.equals(content)) {
      // Same bytes (a touch, or a racy re-check): keep the cache. Once the read happens well after
      // the last modification, a later edit must change the stat signature, so re-reading stops.
      old.signature = signature;
      old.mtimeMs = mtimeMs;
      old.readAt = now;
      return old;
    }
    const parsed = parseHtpasswd(content.toString('utf8'));
    for (const p of parsed.problems) this.log(`htpasswd ${this.file}: ${p}`);
    if (parsed.entries.size === 0) this.log(`htpasswd ${this.file}: no usable entries; every login is refused`);
    this.lastError = '';
    this.cache.clear();
    this.state = { signature, content, entries: parsed.entries, readAt: now, mtimeMs };
    return this.state;
  }

  private fail(message: string): null {
    if (message !== this.lastError) this.log(message);
    this.lastError = message;
    this.cache.clear();
    this.state = null;
    return null;
  }
}
