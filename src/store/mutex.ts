/** A FIFO async mutex, and a registry of them keyed by repository so eviction never splits a queue. */

export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Run `fn` once every earlier holder is done. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => this.release(),
      () => this.release(),
    );
    return result;
  }

  private release(): void {
    this.waiting--;
  }

  /** True while a holder runs or waits. */
  get busy(): boolean {
    return this.waiting > 0;
  }
}

/** One mutex per key, dropped when idle. */
export class MutexRegistry {
  private readonly locks = new Map<string, Mutex>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let m = this.locks.get(key);
    if (!m) {
      m = new Mutex();
      this.locks.set(key, m);
    }
    const mutex = m;
    return mutex.run(fn).finally(() => {
      // Another caller may have queued meanwhile; only drop a mutex nobody uses.
      queueMicrotask(() => {
        if (!mutex.busy && this.locks.get(key) === mutex) this.locks.delete(key);
      });
    });
  }

  isBusy(key: string): boolean {
    return this.locks.get(key)?.busy ?? false;
  }
}
