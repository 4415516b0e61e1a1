import { parseContentLine, unescapeText } from './contentLine.js';

const UID_LINE = /^(?:[A-Za-z0-9-]+\.)?UID[;:]/i;

/**
 * The UID of a stored vCard read off its UID content line, without decoding every property:
 * the UID index needs only this, and full parses of a 10k address book cost seconds on the first
 * write after a start. Same answer as `parseVCard(text).uid` for text that parses (the first UID
 * property, any group, decoded the same way).
 */
export function scanVCardUid(text: string): string | undefined {
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    if (!UID_LINE.test(lines[i]!)) continue;
    let line = lines[i]!;
    while (i + 1 < lines.length && (lines[i + 1]![0] === ' ' || lines[i + 1]![0] === '\t')) line += lines[++i]!.slice(1);
    try {
      return unescapeText(parseContentLine(line, line, i + 1).rawValue);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
