/** A Content-Type header split into its lower-cased media type and parameters (quotes removed). */
export function parseMediaType(contentType: string): { type: string; params: Map<string, string> } {
  const [type, ...rest] = contentType.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase());
  }
  return { type: type!.trim().toLowerCase(), params };
}

/** True for a charset parameter that is absent or UTF-8 (US-ASCII is a subset). */
export function isUtf8Charset(charset: string | undefined): boolean {
  return charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii';
}
