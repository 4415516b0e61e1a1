/**
 * User names become directory names under the data root (`<root>/<user>/...`) and path segments of
 * URLs, so only a conservative set is accepted: no '/', no leading dot (keeps `.trash` and other
 * hidden entries unreachable), no '..', at most 64 characters.
 */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** Names of files the server keeps in the data root itself (the default htpasswd). */
const RESERVED = new Set(['htpasswd']);

export function isValidUserName(name: string): boolean {
  return USER_NAME.test(name) && !name.includes('..') && !RESERVED.has(name.toLowerCase());
}

/** Human-readable statement of the rule, for error messages. */
export const USER_NAME_RULE =
  'a user name is 1-64 characters from A-Z a-z 0-9 . _ @ + -, starts with a letter or digit and contains no "..", and is not "htpasswd"';
