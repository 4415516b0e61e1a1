import type { Clark } from './names.js';
import { splitClark } from './names.js';

/**
 * A namespace-resolved XML element, as produced by `parseXml`. Children keep document order;
 * text nodes are plain strings. Attribute keys are Clark names (`{}attr` for no namespace,
 * `{http://www.w3.org/XML/1998/namespace}lang` for xml:lang).
 */
export interface XmlElement {
  readonly name: Clark;
  readonly attrs: Readonly<Record<Clark, string>>;
  readonly children: ReadonlyArray<XmlElement | string>;
}

export function isElement(n: XmlElement | string): n is XmlElement {
  return typeof n !== 'string';
}

/** Child elements, optionally only those with a given Clark name. */
export function elements(el: XmlElement, name?: Clark): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && (name === undefined || c.name === name)) out.push(c);
  return out;
}

export function child(el: XmlElement, name: Clark): XmlElement | undefined {
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

/** Concatenated text of the element and its descendants. */
export function textOf(el: XmlElement): string {
  let s = '';
  for (const c of el.children) s += typeof c === 'string' ? c : textOf(c);
  return s;
}

/** Attribute without namespace (`name="..."` on a CalDAV comp-filter, for example). */
export function attr(el: XmlElement, local: string): string | undefined {
  return el.attrs[`{}${local}`];
}

export function localName(el: XmlElement): string {
  return splitClark(el.name).local;
}

/** Build an element (for responses and tests). */
export function el(name: Clark, children: ReadonlyArray<XmlElement | string> = [], attrs: Record<Clark, string> = {}): XmlElement {
  return { name, attrs, children };
}
