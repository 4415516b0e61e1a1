/**
 * A small HTTP client on node:http with keep-alive and a hard per-request deadline. The time of a
 * request runs from sending it until the last byte of the response body has arrived.
 */
import http from 'node:http';

export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no complete answer within ${ms} ms`);
  }
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds from the request to the end of the body. */
  ms: number;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

export class Client {
  readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    origin: string,
    private readonly authorization: string | undefined,
    private readonly defaultTimeoutMs: number,
    maxSockets = 8,
  ) {
    const u = new URL(origin);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const headers: Record<string, string> = { ...opts.headers };
    if (this.authorization) headers['Authorization'] = this.authorization;
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body, 'utf8');
    if (body) headers['Content-Length'] = String(body.length);
    return new Promise<Response>((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = http.request({ host: this.host, port: this.port, method, path, headers, agent: this.agent });
      const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms });
        });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}
