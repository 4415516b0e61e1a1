/** The byte-bounded cache keeps what is read often and lets go of what is not (approximate LRU). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteLru } from '../../src/store/lru.js';

const bytes = (n: number) => new Uint8Array(n);

test('ByteLru: bounded by bytes, oldest unread entries go first', () => {
  const c = new ByteLru<string>(100, 50);
  for (let i = 0; i < 10; i++) c.set(`k${i}`, bytes(10));
  assert.equal(c.size, 100);
  c.set('big', bytes(51));
  assert.equal(c.get('big'), undefined, 'an item over the per-item bound is not kept');
  // k0 is the oldest: reading it makes it young, so k1 and k2 go when two more arrive.
  assert.ok(c.get('k0'));
  c.set('n1', bytes(10));
  c.set('n2', bytes(10));
  assert.equal(c.size, 100);
  assert.ok(c.get('k0'), 'read entry kept');
  assert.equal(c.get('k1'), undefined);
  assert.equal(c.get('k2'), undefined);
  assert.ok(c.get('k3'));
});

test('ByteLru: an entry read all the time survives any number of one-off inserts', () => {
  const c = new ByteLru<string>(1000, 100);
  c.set('hot', bytes(10));
  for (let i = 0; i < 10_000; i++) {
    c.set(`cold${i}`, bytes(10));
    assert.ok(c.get('hot'), `after ${i} inserts`);
  }
  assert.ok(c.size <= 1000);
  assert.equal(c.get('cold0'), undefined);
});
