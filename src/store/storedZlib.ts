/**
 * A zlib stream of stored (uncompressed) blocks (RFC 1950/1951), as pieces that point into the
 * input instead of a copy of it. deflateSync at level 0 makes the same bytes but allocates an
 * output buffer the size of the input: for the 440-640 KB root tree of a 10k collection, on every
 * commit, that churn of large malloc'd buffers was half of what kept the server's RSS ~100 MB
 * above its live memory after a run of PUTs (glibc keeps the freed heap).
 */

const MAX_BLOCK = 65535;
const ADLER_MOD = 65521;
/** Bytes summed between two modulos: the sums stay exact doubles (below 2^53). */
const ADLER_RUN = 1 << 20;

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(data.length, i + ADLER_RUN);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** The pieces of the stream, in order: header, per block a 5-byte block header and a view of the input, Adler-32. */
export function storedZlib(data: Buffer): Buffer[] {
  const out: Buffer[] = [Buffer.from([0x78, 0x01])];
  let p = 0;
  do {
    const len = Math.min(MAX_BLOCK, data.length - p);
    const last = p + len >= data.length;
    const h = Buffer.allocUnsafe(5);
    h[0] = last ? 1 : 0; // BFINAL, BTYPE 00 (stored)
    h.writeUInt16LE(len, 1);
    h.writeUInt16LE(~len & 0xffff, 3);
    out.push(h, data.subarray(p, p + len));
    p += len;
  } while (p < data.length);
  const tail = Buffer.allocUnsafe(4);
  tail.writeUInt32BE(adler32(data), 0);
  out.push(tail);
  return out;
}
