import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { adler32, storedZlib } from '../../src/store/storedZlib.js';

test('adler32 of "Wikipedia" is 0x11E60398 (the RFC 1950 checksum, worked example)', () => {
  assert.equal(adler32(Buffer.from('Wikipedia', 'ascii')), 0x11e60398);
  assert.equal(adler32(Buffer.alloc(0)), 1);
});

test('adler32 stays exact over long runs of 0xff (sums far above 2^32 between modulos)', () => {
  // a = 1 + 255n, b = n + 255 n(n+1)/2, both mod 65521.
  const n = 3_000_000;
  const a = (1 + 255 * n) % 65521;
  const b = Number((BigInt(n) + (255n * BigInt(n) * BigInt(n + 1)) / 2n) % 65521n);
  assert.equal(adler32(Buffer.alloc(n, 0xff)), ((b << 16) | a) >>> 0);
});

test('stored zlib streams inflate back to their input, at and around the 65535-byte block size', () => {
  for (const n of [0, 1, 65534, 65535, 65536, 131070, 131071, 700_001]) {
    const data = Buffer.alloc(n);
    for (let i = 0; i < n; i++) data[i] = (i * 7919) & 0xff;
    const stream = Buffer.concat(storedZlib(data));
    assert.deepEqual(inflateSync(stream), data, `n=${n}`);
    // Header, 5 bytes per block (at least one), Adler-32: not compressed, and nothing more.
    assert.equal(stream.length, 2 + 5 * Math.max(1, Math.ceil(n / 65535)) + n + 4, `n=${n}`);
  }
});

test('the pieces are views of the input, not copies', () => {
  const data = Buffer.alloc(200_000, 1);
  const pieces = storedZlib(data);
  assert.ok(pieces.some((p) => p.length === 65535 && p.buffer === data.buffer));
});
