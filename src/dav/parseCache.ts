/**
 * Bounded LRU of parsed resources keyed by Git blob id: content-addressed, so an entry is never
 * stale. Concurrent `get`s of one blob share one load and parse. Parse failures are cached too
 * (the same bytes fail the same way), so a broken file pushed with git is not re-parsed on every
 * query; a failed load (I/O) is forgotten so that a retry can succeed.
 */
export class ParseCache<T> {
  private readonly entries = new Map<string, Promise<T>>();
  readonly maxEntries: number;

  constructor(
    private readonly parse: (bytes: Uint8Array) => T,
    maxEntries = 10_000,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError('a parse cache needs room for at least one entry');
    this.maxEntries = Math.floor(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  has(blobId: string): boolean {
    return this.entries.has(blobId);
  }

  get(blobId: string, load: () => Promise<Uint8Array>): Promise<T> {
    const hit = this.entries.get(blobId);
    if (hit) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(blobId);
      this.entries.set(blobId, hit);
      return hit;
    }
    const p = load().then(
      (bytes) => this.parse(bytes),
      (e: unknown) => {
        if (this.entries.get(blobId) === p) this.entries.delete(blobId);
        throw e;
      },
    );
    this.entries.set(blobId, p);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return p;
  }

  delete(blobId: string): void {
    this.entries.delete(blobId);
  }

  clear(): void {
    this.entries.clear();
  }
}
