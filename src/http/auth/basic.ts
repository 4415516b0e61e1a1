/** HTTP Basic credentials (RFC 7617), decoded as UTF-8 (we announce charset="UTF-8"). */
export interface BasicCredentials {
  user: string;
  password: string;
}

export const BASIC_CHALLENGE = 'Basic realm="Kalends", charset="UTF-8"';

/** Parses an Authorization header value; null when it is absent or not well-formed Basic. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const m = /^\s*Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  // The user-id cannot contain ':' (RFC 7617 §2); the password may.
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
