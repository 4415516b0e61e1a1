import type { IncomingMessage } from 'node:http';
import { DavError } from '../dav/errors.js';

/** Read a request body, refusing it (413) as soon as it passes `max` bytes, before it is read whole. */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) {
    req.resume();
    throw new DavError(413, `Request body larger than ${max} bytes`);
  }
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > max) {
      req.resume();
      throw new DavError(413, `Request body larger than ${max} bytes`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}
