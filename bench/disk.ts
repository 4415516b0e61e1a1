/** Disk use like `du -s`: allocated blocks of every file and directory under a path, hard links once. */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function diskBytes(path: string): number {
  const seen = new Set<string>();
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const p = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue; // removed while we walked (a temp file, a pack being rewritten)
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    total += st.blocks * 512;
    if (st.isDirectory()) {
      try {
        for (const name of readdirSync(p)) stack.push(join(p, name));
      } catch {
        // vanished
      }
    }
  }
  return total;
}

export const MB = 1024 * 1024;
