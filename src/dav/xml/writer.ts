import type { XmlElement } from './element.js';
import { NS, PREFERRED_PREFIX, splitClark, type Clark } from './names.js';

const NEEDS_ESCAPE = /[&<>\r]/;
const NEEDS_ESCAPE_ATTR = /[&<>"\r]/;

/**
 * The one escaping function. Quotes are escaped only in attribute values: ETags are quoted
 * strings, and some clients compare the text of getetag without decoding entities.
 * (One replaceAll per character present, `&` first: about twice as fast as a regex with a
 * callback on calendar data, where every line ends in CR.)
 */
export function escapeXml(s: string, attribute = false): string {
  // Most text (ETags, hrefs) needs no escaping: one regex test, no replace.
  if (!(attribute ? NEEDS_ESCAPE_ATTR : NEEDS_ESCAPE).test(s)) return s;
  if (s.includes('&')) s = s.replaceAll('&', '&amp;');
  if (s.includes('<')) s = s.replaceAll('<', '&lt;');
  if (s.includes('>')) s = s.replaceAll('>', '&gt;');
  if (attribute && s.includes('"')) s = s.replaceAll('"', '&quot;');
  if (s.includes('\r')) s = s.replaceAll('\r', '&#13;');
  return s;
}

/** Namespaces declared once on the root element of every response. */
const ROOT_NAMESPACES: ReadonlyArray<string> = [NS.DAV, NS.CALDAV, NS.CARDDAV, NS.CS, NS.APPLE];

/** Qualified tags (`D:href`) of names in the root namespaces, memoised: their prefix never changes below the root. */
const ROOT_TAGS = new Map<Clark, string | null>();
function rootTagOf(name: Clark): string | null {
  let tag = ROOT_TAGS.get(name);
  if (tag === undefined) {
    const { ns, local } = splitClark(name);
    tag = ROOT_NAMESPACES.includes(ns) ? `${PREFERRED_PREFIX[ns]!}:${local}` : null;
    if (ROOT_TAGS.size < 10_000) ROOT_TAGS.set(name, tag);
  }
  return tag;
}

const NO_ATTRS: Readonly<Record<Clark, string>> = Object.freeze({});

/**
 * A streaming XML writer: output goes to `sink` in chunks as it is produced, never as a DOM.
 * The well-known namespaces are declared once on the root; any other namespace (dead
 * properties) is declared on the element where it first appears and is in scope below it.
 */
export class XmlWriter {
  private buf = '';
  private readonly stack: Array<{ tag: string; declared: Map<string, string> | null; empty: boolean }> = [];
  private generated = 0;

  private readonly sink: (chunk: string) => void;
  private readonly chunkSize: number;
  private readonly common: boolean;

  /** `declaration` and `commonNamespaces` default to true (a response document). */
  constructor(sink: (chunk: string) => void, opts: { chunkSize?: number; declaration?: boolean; commonNamespaces?: boolean } = {}) {
    this.sink = sink;
    this.chunkSize = opts.chunkSize ?? 64 * 1024;
    this.common = opts.commonNamespaces ?? true;
    if (opts.declaration ?? true) this.buf = '<?xml version="1.0" encoding="utf-8"?>\n';
  }

  private prefixFor(ns: string): string | undefined {
    if (ns === '') return '';
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const d = this.stack[i]!.declared;
      const p = d?.get(ns);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  private closeStartTag(): void {
    const top = this.stack[this.stack.length - 1];
    if (top && top.empty) {
      this.buf += '>';
      top.empty = false;
    }
  }

  /** Open an element; `attrs` keys are Clark names. */
  open(name: Clark, attrs: Readonly<Record<Clark, string>> = NO_ATTRS): this {
    this.closeStartTag();
    const fast = attrs === NO_ATTRS || Object.keys(attrs).length === 0 ? this.tagOf(name) : undefined;
    if (fast !== undefined) {
      this.buf += `<${fast}`;
      this.stack.push({ tag: fast, declared: null, empty: true });
      return this;
    }
    const { ns, local } = splitClark(name);
    let declared: Map<string, string> | null = null;
    let decl = '';
    const declare = (uri: string): string => {
      const existing = this.prefixFor(uri) ?? declared?.get(uri);
      if (existing !== undefined) return existing;
      const prefix = PREFERRED_PREFIX[uri] ?? `x${this.generated++}`;
      declared ??= new Map();
      declared.set(uri, prefix);
      decl += ` xmlns:${prefix}="${escapeXml(uri, true)}"`;
      return prefix;
    };
    if (this.stack.length === 0 && this.common) for (const uri of ROOT_NAMESPACES) declare(uri);
    const prefix = declare(ns);
    const tag = prefix ? `${prefix}:${local}` : local;
    let attrText = '';
    for (const [k, v] of Object.entries(attrs)) {
      const a = splitClark(k);
      const ap = a.ns === '' ? '' : a.ns === 'http://www.w3.org/XML/1998/namespace' ? 'xml' : declare(a.ns);
      attrText += ` ${ap ? `${ap}:` : ''}${a.local}="${escapeXml(v, true)}"`;
    }
    this.buf += `<${tag}${decl}${attrText}`;
    this.stack.push({ tag, declared, empty: true });
    return this;
  }

  close(): this {
    const top = this.stack.pop();
    if (!top) throw new Error('XmlWriter: close() without open()');
    this.buf += top.empty ? '/>' : `</${top.tag}>`;
    this.maybeFlush();
    return this;
  }

  /**
   * The tag of `name` when it needs no declaration here (a root namespace below the root
   * element), for callers that render fragments themselves and hand them to `raw`.
   */
  tagOf(name: Clark): string | undefined {
    if (!this.common || this.stack.length === 0) return undefined;
    return rootTagOf(name) ?? undefined;
  }

  /**
   * Append already rendered, well-formed XML at the current position. It may use only the
   * prefixes `tagOf` gave (the root's declarations); text in it must be escaped with escapeXml.
   */
  raw(xml: string): this {
    this.closeStartTag();
    this.buf += xml;
    this.maybeFlush();
    return this;
  }

  text(s: string): this {
    if (s === '') return this;
    this.closeStartTag();
    this.buf += escapeXml(s);
    return this;
  }

  /** An element with optional text content. */
  leaf(name: Clark, text?: string, attrs?: Readonly<Record<Clark, string>>): this {
    this.open(name, attrs);
    if (text !== undefined) this.text(text);
    return this.close();
  }

  /** Write a parsed element (e.g. a stored dead property) with its whole subtree. */
  node(el: XmlElement | string): this {
    if (typeof el === 'string') return this.text(el);
    this.open(el.name, el.attrs);
    for (const c of el.children) this.node(c);
    return this.close();
  }

  private maybeFlush(): void {
    if (this.buf.length >= this.chunkSize) this.flush();
  }

  /** Hand what is buffered to the sink. */
  flush(): void {
    if (this.buf) {
      this.sink(this.buf);
      this.buf = '';
    }
  }

  /** Close everything still open and flush. */
  end(): void {
    while (this.stack.length) this.close();
    this.flush();
  }
}

/** Serialise one element to a string (small documents: dead properties, tests). */
export function xmlToString(el: XmlElement): string {
  let out = '';
  const w = new XmlWriter((c) => (out += c), { declaration: false, commonNamespaces: false });
  w.node(el);
  w.end();
  return out;
}
