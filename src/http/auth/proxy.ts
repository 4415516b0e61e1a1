/** Which socket addresses count as the trusted reverse proxy (exact addresses or CIDR ranges). */
import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
export function normaliseAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * Builds a matcher from entries like `127.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/8`, `localhost`.
 * Throws with a readable message on an entry that is none of these.
 */
export function createTrustedMatcher(entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === 'localhost') {
      list.addAddress('127.0.0.1', 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const slash = entry.indexOf('/');
    const addr = slash < 0 ? entry : entry.slice(0, slash);
    const family = isIP(addr);
    if (family === 0) throw new Error(`trusted proxy ${JSON.stringify(raw)} is not an IP address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash < 0) {
      list.addAddress(addr, type);
    } else {
      const bits = Number(entry.slice(slash + 1));
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
        throw new Error(`trusted proxy ${JSON.stringify(raw)} has an invalid prefix length`);
      }
      list.addSubnet(addr, bits, type);
    }
  }
  return (address) => {
    if (!address) return false;
    const a = normaliseAddress(address);
    const family = isIP(a);
    if (family === 0) return false;
    return list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  };
}
