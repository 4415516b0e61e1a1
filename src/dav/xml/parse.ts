import sax from 'sax';
import { DavError } from '../errors.js';
import type { XmlElement } from './element.js';

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

/** DAV bodies are shallow; a deeper tree is an attack on the recursive code that walks it. */
const MAX_DEPTH = 256;

/**
 * Parse a request body into a namespace-resolved tree. A DOCTYPE (and with it any entity
 * declaration) is refused outright: DAV bodies never need one, and entities are the classic
 * expansion attack. Mixed content, whitespace and order are kept: dead properties must
 * round-trip. (sax, strict, namespace-aware, straight into XmlElements: xml2js on top of the
 * same parser cost twice as much, a third of a 100-href multiget.)
 */
export function parseXml(body: string | Uint8Array): XmlElement {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new DavError(400, 'XML with a DOCTYPE or entity declaration is not accepted');
  if (text.trim() === '') throw new DavError(400, 'Empty XML request body');
  const parser = sax.parser(true, { xmlns: true, trim: false, normalize: false });
  /** Elements being built (children still mutable). */
  type Building = { name: string; attrs: Record<string, string>; children: Array<XmlElement | string> };
  const stack: Building[] = [];
  let root: Building | undefined;
  parser.onopentag = (t) => {
    if (stack.length >= MAX_DEPTH + 1) throw new DavError(400, `XML request body nested deeper than ${MAX_DEPTH} levels`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(t.attributes)) {
      if (a.uri === XMLNS_URI || a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue;
      attrs[`{${a.uri ?? ''}}${a.local}`] = a.value;
    }
    const el: Building = { name: `{${t.uri ?? ''}}${t.local}`, attrs, children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root ??= el;
    stack.push(el);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = parser.oncdata = (s) => {
    stack[stack.length - 1]?.children.push(s);
  };
  parser.onerror = (e) => {
    throw new DavError(400, `Malformed XML request body: ${e.message.split('\n')[0]}`);
  };
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof DavError) throw e;
    throw new DavError(400, `Malformed XML request body: ${e instanceof Error ? e.message.split('\n')[0] : 'malformed XML'}`);
  }
  if (!root) throw new DavError(400, 'Empty XML request body');
  return root;
}

/** Parse a body that may be empty (PROPFIND without a body means allprop). */
export function parseOptionalXml(body: Uint8Array | undefined): XmlElement | undefined {
  if (!body || body.length === 0 || Buffer.from(body).toString('utf8').trim() === '') return undefined;
  return parseXml(body);
}
