/**
 * Apache's `$apr1$` password hash: the FreeBSD MD5-crypt algorithm (Poul-Henning Kamp) with the
 * magic string "$apr1$" instead of "$1$". This is what `htpasswd -m` writes.
 */
import { createHash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const MAGIC = '$apr1$';

function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

function to64(value: number, n: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < n; i++) {
    out += ITOA64[v & 0x3f];
    v >>>= 6;
  }
  return out;
}

/** The salt as stored in a `$apr1$salt$hash` string (at most 8 characters, up to the next '$'). */
export function apr1Salt(hash: string): string | null {
  if (!hash.startsWith(MAGIC)) return null;
  const rest = hash.slice(MAGIC.length);
  const end = rest.indexOf('$');
  return (end < 0 ? rest : rest.slice(0, end)).slice(0, 8);
}

/** Computes the full `$apr1$<salt>$<22 chars>` string for a password and salt. */
export function apr1Hash(password: string, salt: string): string {
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const magic = Buffer.from(MAGIC, 'utf8');

  let fin = md5(pw, s, pw);
  const parts: Uint8Array[] = [pw, magic, s];
  for (let pl = pw.length; pl > 0; pl -= 16) parts.push(fin.subarray(0, Math.min(pl, 16)));
  // "Then something really weird": one byte per bit of the length, NUL or the first password byte.
  const zero = Buffer.from([0]);
  const first = pw.subarray(0, 1);
  for (let i = pw.length; i !== 0; i >>>= 1) parts.push(i & 1 ? zero : first);
  fin = md5(...parts);

  // 1000 rounds, to slow down brute force (by 1990s standards).
  for (let i = 0; i < 1000; i++) {
    const round: Uint8Array[] = [];
    round.push(i & 1 ? pw : fin);
    if (i % 3) round.push(s);
    if (i % 7) round.push(pw);
    round.push(i & 1 ? fin : pw);
    fin = md5(...round);
  }

  const b = fin;
  const encoded =
    to64((b[0]! << 16) | (b[6]! << 8) | b[12]!, 4) +
    to64((b[1]! << 16) | (b[7]! << 8) | b[13]!, 4) +
    to64((b[2]! << 16) | (b[8]! << 8) | b[14]!, 4) +
    to64((b[3]! << 16) | (b[9]! << 8) | b[15]!, 4) +
    to64((b[4]! << 16) | (b[10]! << 8) | b[5]!, 4) +
    to64(b[11]!, 2);
  return `${MAGIC}${salt.slice(0, 8)}$${encoded}`;
}
