import { parseXml } from './xml/parse.js';
import { xmlToString } from './xml/writer.js';
import { el, isElement, type XmlElement } from './xml/element.js';
import type { Clark } from './xml/names.js';

/**
 * The committed, human-editable metadata of a collection or folder: `.kalends.json` in that
 * directory. It holds the collection type (repository root only), the collection's properties
 * (displayname, colours, descriptions, dead properties from clients) and the dead properties
 * of the files in that directory. Property changes are commits like any other change.
 *
 * A property value is a plain string when the property is text only (what a person would
 * edit), or `{ "xml": "<...>" }` holding the whole property element otherwise.
 */
export const META_FILE = '.kalends.json';

export type StoredValue = string | { xml: string };

export interface Meta {
  type?: string;
  properties: Record<Clark, StoredValue>;
  members: Record<string, Record<Clark, StoredValue>>;
}

export function emptyMeta(type?: string): Meta {
  return type === undefined ? { properties: {}, members: {} } : { type, properties: {}, members: {} };
}

function isStoredValue(v: unknown): v is StoredValue {
  return typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as { xml?: unknown }).xml === 'string');
}

function propMap(v: unknown): Record<Clark, StoredValue> {
  const out: Record<Clark, StoredValue> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, val] of Object.entries(v)) if (k.startsWith('{') && isStoredValue(val)) out[k] = val;
  return out;
}

/** Parse metadata bytes; a file a person broke is read as empty rather than failing every request. */
export function parseMeta(bytes: Uint8Array | undefined): Meta {
  if (!bytes) return emptyMeta();
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return emptyMeta();
  }
  if (typeof raw !== 'object' || raw === null) return emptyMeta();
  const r = raw as Record<string, unknown>;
  const members: Meta['members'] = {};
  if (typeof r.members === 'object' && r.members !== null) {
    for (const [name, props] of Object.entries(r.members)) {
      const m = propMap(props);
      if (Object.keys(m).length) members[name] = m;
    }
  }
  const meta: Meta = { properties: propMap(r.properties), members };
  if (typeof r.type === 'string') meta.type = r.type;
  return meta;
}

function sorted<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k]!;
  return out;
}

/** Serialise with sorted keys so diffs in `git log -p` show only what changed. */
export function serializeMeta(meta: Meta): Uint8Array {
  const members: Meta['members'] = {};
  for (const k of Object.keys(meta.members).sort()) {
    const m = meta.members[k]!;
    if (Object.keys(m).length) members[k] = sorted(m);
  }
  const out: Record<string, unknown> = {};
  if (meta.type !== undefined) out.type = meta.type;
  out.properties = sorted(meta.properties);
  if (Object.keys(members).length) out.members = members;
  return Buffer.from(JSON.stringify(out, null, 2) + '\n', 'utf8');
}

/** Store a property element: plain text stays a string, anything richer keeps its XML. */
export function toStoredValue(prop: XmlElement): StoredValue {
  const simple = Object.keys(prop.attrs).length === 0 && prop.children.every((c) => !isElement(c));
  if (simple) return prop.children.join('');
  return { xml: xmlToString(prop) };
}

export function fromStoredValue(name: Clark, v: StoredValue): XmlElement {
  if (typeof v === 'string') return el(name, v === '' ? [] : [v]);
  try {
    const parsed = parseXml(v.xml);
    if (parsed.name === name) return parsed;
  } catch {
    /* fall through: a hand-edited value that is not XML is served as text */
  }
  return el(name, [typeof v.xml === 'string' ? v.xml : '']);
}

/** Text of a stored value (for displayname in commit messages, colours, etc.). */
export function storedText(v: StoredValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  const e = fromStoredValue('{}x', v);
  const t = (n: XmlElement | string): string => (typeof n === 'string' ? n : n.children.map(t).join(''));
  return t(e);
}
