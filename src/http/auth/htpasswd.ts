/**
 * htpasswd files: parsing (pure), hash verification and bcrypt hashing for `kalends user add`.
 * Supported hashes: bcrypt (`$2y$`, `$2b$`, `$2a$`), Apache MD5 (`$apr1$`), `{SHA}` (base64 SHA-1).
 * Plain-text and crypt() entries are refused: they are either unsafe or platform-dependent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { apr1Hash, apr1Salt } from './apr1.js';
import { isValidUserName } from './userName.js';

export type HashScheme = 'bcrypt' | 'apr1' | 'sha1' | 'unsupported';

export interface HtpasswdEntry {
  user: string;
  hash: string;
  scheme: HashScheme;
}

export interface ParsedHtpasswd {
  /** Usable entries by user name (the first line for a user wins, as in Apache). */
  entries: Map<string, HtpasswdEntry>;
  /** One human-readable line per ignored or refused entry (for the log). */
  problems: string[];
}

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const APR1 = /^\$apr1\$[^$]{0,8}\$[./A-Za-z0-9]{22}$/;
const SHA1 = /^\{SHA\}[A-Za-z0-9+/]{27}=$/;

export function hashScheme(hash: string): HashScheme {
  if (BCRYPT.test(hash)) return 'bcrypt';
  if (APR1.test(hash)) return 'apr1';
  if (SHA1.test(hash)) return 'sha1';
  return 'unsupported';
}

/** Parses htpasswd text: `user:hash` lines; blank lines and `#` comments are skipped. */
export function parseHtpasswd(text: string): ParsedHtpasswd {
  const entries = new Map<string, HtpasswdEntry>();
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${i + 1}: not "user:hash", ignored`);
      continue;
    }
    const user = line.slice(0, colon);
    // Apache allows extra ":field" after the hash (htdigest-like files); the hash ends there.
    const hash = line.slice(colon + 1).split(':')[0]!;
    if (!isValidUserName(user)) {
      problems.push(`line ${i + 1}: user name ${JSON.stringify(user)} is not allowed, ignored`);
      continue;
    }
    const scheme = hashScheme(hash);
    if (scheme === 'unsupported') {
      problems.push(
        `line ${i + 1}: user ${user}: unsupported password hash (plain text, crypt() or unknown); ` +
          `refused: use bcrypt (kalends user add ${user}, or htpasswd -B)`,
      );
      continue;
    }
    if (entries.has(user)) {
      problems.push(`line ${i + 1}: user ${user} appears again, ignored (the first entry is used)`);
      continue;
    }
    entries.set(user, { user, hash, scheme });
  }
  return { entries, problems };
}

/** Constant-time comparison of two ASCII strings (lengths are not secret: they are fixed per scheme). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    // Still spend the time of a comparison so the early exit is not cheaper than a mismatch.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/** Checks a password against one stored hash. bcrypt runs asynchronously (~95 ms at cost 10). */
export async function verifyHash(password: string, hash: string): Promise<boolean> {
  switch (hashScheme(hash)) {
    case 'bcrypt':
      // bcryptjs accepts $2y$/$2b$/$2a$ alike and compares in constant time.
      return bcrypt.compare(password, hash);
    case 'apr1': {
      const salt = apr1Salt(hash);
      return salt !== null && safeEqual(apr1Hash(password, salt), hash);
    }
    case 'sha1': {
      const digest = createHash('sha1').update(password, 'utf8').digest('base64');
      return safeEqual(`{SHA}${digest}`, hash);
    }
    default:
      return false;
  }
}

export const DEFAULT_BCRYPT_COST = 10;

/**
 * A bcrypt hash with Apache's `$2y$` prefix. bcryptjs writes `$2b$`; the algorithm is the same, and
 * `$2y$` is what `htpasswd -B` writes and what every Apache build reads.
 */
export async function hashBcrypt(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  const h = await bcrypt.hash(password, cost);
  return h.replace(/^\$2[ab]\$/, '$2y$');
}

/**
 * Returns htpasswd text with `user`'s entry set to `hash`: replaces the user's first line in place
 * (other lines, comments and order are kept) or appends a line.
 */
export function setHtpasswdEntry(text: string, user: string, hash: string): { text: string; replaced: boolean } {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  let replaced = false;
  const out: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    const colon = trimmed.indexOf(':');
    if (!trimmed.startsWith('#') && colon > 0 && trimmed.slice(0, colon) === user) {
      if (replaced) continue; // drop duplicates so the file says one thing
      out.push(`${user}:${hash}`);
      replaced = true;
    } else {
      out.push(line);
    }
  }
  if (!replaced) out.push(`${user}:${hash}`);
  return { text: out.join('\n') + '\n', replaced };
}
