/** Server configuration, as the CLI builds it. */
export type AuthConfig =
  /** HTTP Basic against an htpasswd file (bcrypt, $apr1$, {SHA}). */
  | { mode: 'htpasswd'; file: string }
  /** No authentication: every request is `user`. Only allowed when listening on loopback. */
  | { mode: 'none'; user: string }
  /** A reverse proxy authenticates and passes the user name in `header`; only from `trusted` addresses. */
  | { mode: 'proxy'; header: string; trusted: string[] };

export interface ServerConfig {
  /** Absolute data root (see docs/storage.md). */
  root: string;
  host: string;
  port: number;
  auth: AuthConfig;
  /** Request bodies larger than this are refused (413) before they are read whole. */
  maxBodyBytes: number;
  /** Create a default calendar and address book in a new user's home on first login. */
  defaultCollections: boolean;
  /** One access-log line per request on stderr. */
  accessLog: boolean;
}

export const DEFAULT_PORT = 8008;
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

