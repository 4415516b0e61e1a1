import { createServer, type Server } from 'node:http';
import { createLockManager } from '../dav/locks/index.js';
import { resolve } from '../dav/resolve.js';
import { createStore } from '../store/index.js';
import { createListener } from './app.js';
import type { ServerConfig } from './config.js';
import { buildRegistry } from './registry.js';

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const store = createStore(config.root);
  const registry = buildRegistry();
  // WebDAV class 2: locks live in memory; their live properties join the registry's.
  const locks = createLockManager({ resolve: (user, segments, trailingSlash) => resolve(store, registry, user, segments, trailingSlash) });
  registry.properties.push(...locks.properties());
  const server = createServer(createListener({ config, store, registry, locks }));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}/`,
    server,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}
