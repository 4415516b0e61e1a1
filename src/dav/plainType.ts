import { extname } from 'node:path';
import type { CollectionType } from './types.js';

const MIME: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.html': 'text/html; charset=utf-8',
  '.json': 'application/json', '.xml': 'application/xml', '.pdf': 'application/pdf', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml',
  '.ics': 'text/calendar; charset=utf-8', '.vcf': 'text/vcard; charset=utf-8', '.kdbx': 'application/octet-stream',
};

/** A plain versioned WebDAV folder: any file, nested folders, dead properties. */
export const plainType: CollectionType = {
  id: 'plain',
  resourceType: [],
  allowsFolders: true,
  noun: 'folder',
  memberContentType: (name) => MIME[extname(name).toLowerCase()] ?? 'application/octet-stream',
  collectionProperties: [],
  memberProperties: [],
  reports: new Map(),
  davClasses: [],
};
