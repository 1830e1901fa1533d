/** Start the HTTP service on a host and port (port 0: any free port, as tests use). Closing it does not close the extractor or pool given to it. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { UserError } from '../core/errors.ts';
import type { ExtractionService } from '../extract/service.ts';
import { type ServiceOptions, createApp } from './app.ts';

export interface ServerOptions extends ServiceOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export function startServer(x: ExtractionService, o: ServerOptions = {}): Promise<RunningServer> {
  const app = createApp(x, o);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: o.host ?? '127.0.0.1', port: o.port ?? 8080 }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${o.host ?? '127.0.0.1'}:${o.port ?? 8080}`;
      if (e.code === 'EADDRINUSE') reject(new UserError(`${where} is already in use; choose another port with --port`));
      else if (e.code === 'EACCES') reject(new UserError(`no permission to listen on ${where}; use a port above 1023`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new UserError(`cannot listen on ${where}: no such address on this machine`));
      else reject(e);
    });
  });
}
