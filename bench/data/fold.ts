/** Content lines joined with CRLF and folded at 75 octets (RFC 5545 §3.1, RFC 6350 §3.2), never inside a UTF-8 sequence. */
export function folded(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) out += foldLine(line) + '\r\n';
  return out;
}

function foldLine(line: string): string {
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  let limit = 75; // continuation lines start with a space, so they carry 74 octets of content
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > limit) {
      parts.push(current);
      current = '';
      bytes = 0;
      limit = 74;
    }
    current += ch;
    bytes += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
