/** Small LRU maps: by entry count, or by a byte budget. */

export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Insert; returns what was evicted to make room. */
  set(key: K, value: V): [K, V][] {
    this.map.delete(key);
    this.map.set(key, value);
    const evicted: [K, V][] = [];
    while (this.map.size > this.max) {
      const first = this.map.entries().next().value as [K, V];
      this.map.delete(first[0]);
      evicted.push(first);
    }
    return evicted;
  }

  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * Byte-bounded cache of immutable values (content-addressed, so never stale). Recency is kept
 * approximately: a hit moves its entry to the young end only when it has drifted into the older
 * half. Moving on every hit (a Map delete and insert) costs more than the lookup itself on a busy
 * GET path, and leaves holes the Map must keep compacting.
 */
export class ByteLru<K, V = Uint8Array> {
  private readonly map = new Map<K, { value: V; seq: number }>();
  private bytes = 0;
  /** Incremented on every insert and move; an entry's seq says how young it is. */
  private seq = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly maxItemBytes: number,
    private readonly sizeOf: (v: V) => number = (v) => (v as unknown as Uint8Array).byteLength,
  ) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (this.seq - e.seq > this.map.size >>> 1) {
      this.map.delete(key);
      e.seq = ++this.seq;
      this.map.set(key, e);
    }
    return e.value;
  }

  /** Bytes held (as counted by sizeOf). */
  get size(): number {
    return this.bytes;
  }

  set(key: K, value: V): void {
    const size = this.sizeOf(value);
    if (size > this.maxItemBytes || this.map.has(key)) return;
    this.map.set(key, { value, seq: ++this.seq });
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const first = this.map.entries().next().value as [K, { value: V }];
      this.map.delete(first[0]);
      this.bytes -= this.sizeOf(first[1].value);
    }
  }
}
