import { createRequire } from 'node:module';
import type xml2js from 'xml2js';
import { DavError } from '../errors.js';
import type { XmlElement } from './element.js';

/** xml2js node with the options used below: ordered children, namespace info on every node. */
interface RawNode {
  '#name': string;
  _?: string;
  $ns?: { uri: string; local: string };
  $?: Record<string, { value: string; local: string; uri: string; prefix: string }>;
  $$?: RawNode[];
}

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';

/**
 * Only the parser: the package's entry point also loads its XML builder (xmlbuilder), which we
 * never use and which was half of the server's module loading before the first answer.
 */
const { Parser } = createRequire(import.meta.url)('xml2js/lib/parser.js') as { Parser: typeof xml2js.Parser };

/** Parser options that keep mixed content, whitespace and order: dead properties must round-trip. */
const OPTIONS: xml2js.ParserOptions = {
  xmlns: true,
  explicitChildren: true,
  preserveChildrenOrder: true,
  charsAsChildren: true,
  includeWhiteChars: true,
  explicitRoot: true,
  async: false,
  strict: true,
};

/** DAV bodies are shallow; a deeper tree is an attack on the recursive code that walks it. */
const MAX_DEPTH = 256;

function convert(node: RawNode, depth = 0): XmlElement {
  if (depth > MAX_DEPTH) throw new DavError(400, `XML request body nested deeper than ${MAX_DEPTH} levels`);
  const ns = node.$ns?.uri ?? '';
  const local = node.$ns?.local ?? node['#name'];
  const attrs: Record<string, string> = {};
  for (const a of Object.values(node.$ ?? {})) {
    if (a.uri === XMLNS_URI || a.prefix === 'xmlns' || (a.prefix === '' && a.local === 'xmlns')) continue;
    attrs[`{${a.uri ?? ''}}${a.local}`] = a.value;
  }
  const children: Array<XmlElement | string> = [];
  for (const c of node.$$ ?? []) {
    if (c['#name'] === '__text__' || c['#name'] === '__cdata__') children.push(c._ ?? '');
    else children.push(convert(c, depth + 1));
  }
  return { name: `{${ns}}${local}`, attrs, children };
}

/**
 * Parse a request body into a namespace-resolved tree. A DOCTYPE (and with it any entity
 * declaration) is refused outright: DAV bodies never need one, and entities are the classic
 * expansion attack.
 */
export function parseXml(body: string | Uint8Array): XmlElement {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new DavError(400, 'XML with a DOCTYPE or entity declaration is not accepted');
  let result: Record<string, RawNode> | undefined;
  let failure: unknown;
  // With async: false xml2js calls back synchronously.
  new Parser(OPTIONS).parseString(text, (err: unknown, res: Record<string, RawNode>) => {
    failure = err;
    result = res;
  });
  if (failure !== null && failure !== undefined) {
    const msg = failure instanceof Error ? failure.message.split('\n')[0] : 'malformed XML';
    throw new DavError(400, `Malformed XML request body: ${msg}`);
  }
  const root = result ? Object.values(result)[0] : undefined;
  if (!root) throw new DavError(400, 'Empty XML request body');
  return convert(root);
}

/** Parse a body that may be empty (PROPFIND without a body means allprop). */
export function parseOptionalXml(body: Uint8Array | undefined): XmlElement | undefined {
  if (!body || body.length === 0 || Buffer.from(body).toString('utf8').trim() === '') return undefined;
  return parseXml(body);
}
