import type { IncomingMessage } from 'node:http';
import { DavError } from '../dav/errors.js';

/** How long the rest of a refused body is drained (so the 413 reaches the client) before the connection is cut. */
const DRAIN_MS = 5000;

/**
 * The 413 for a body over the limit. The rest of the body is read and thrown away (for a few
 * seconds at most, then the connection is cut): closing a socket with unread data resets it, and
 * clients then never see the answer.
 */
function tooLarge(req: IncomingMessage, max: number): DavError {
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_MS);
  timer.unref();
  req.socket.once('close', () => clearTimeout(timer));
  return new DavError(413, `Request body larger than ${max} bytes`);
}

/** Read a request body, refusing it (413) as soon as it passes `max` bytes, before it is read whole. */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) throw tooLarge(req, max);
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return undefined;
  // Events rather than `for await`: leaving an async iterator early destroys the request stream,
  // and with it the socket the 413 should go out on.
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(req, max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new DavError(400, `The request body could not be read: ${err.message}`));
    };
    // The client went away mid-body: nobody is left to answer, but the handler must not wait forever.
    const onClose = () => {
      cleanup();
      reject(new DavError(400, 'The request body ended early'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
