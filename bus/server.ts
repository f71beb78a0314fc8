/**
 * Serving the bus: plain HTTP on the configured port and, when a server certificate is configured,
 * HTTPS that asks every client for its certificate. A certificate the bus does not know still
 * completes the handshake, so that the caller gets EGSB_AUTH_INVALID as an answer, not a reset.
 */
import { createAdaptorServer } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EgsbError, ErrorCode } from '../contracts/index.ts';
import type { Bus } from './app.ts';
import type { BusConfig } from './config.ts';
import { requireTrustedIssuer } from './http/index.ts';

export interface RunningServers {
  readonly httpPort: number;
  readonly httpsPort?: number;
  close(): Promise<void>;
}

type Listening = ReturnType<typeof createAdaptorServer>;

export async function startServers(bus: Bus, config: Pick<BusConfig, 'port' | 'host' | 'tls'>): Promise<RunningServers> {
  const http = createAdaptorServer({ fetch: bus.app.fetch });
  const servers: Listening[] = [http];
  const httpPort = await listen(http, config.port, config.host);
  let httpsPort: number | undefined;
  if (config.tls) {
    const { certFile, keyFile, clientCaFile, port } = config.tls;
    const https = createAdaptorServer({
      fetch: bus.app.fetch,
      createServer: createHttpsServer,
      serverOptions: {
        cert: readFileSync(certFile),
        key: readFileSync(keyFile),
        ...(clientCaFile ? { ca: readFileSync(clientCaFile) } : {}),
        requestCert: true,
        rejectUnauthorized: false,
      },
    });
    if (clientCaFile) https.on('secureConnection', requireTrustedIssuer);
    servers.push(https);
    httpsPort = await listen(https, port, config.host);
  }
  for (const server of servers) {
    (server as import('node:http').Server).keepAliveTimeout = 65_000;
    // A body announced with Expect: 100-continue is refused before it is sent when it is too large.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      const limit = bus.bodyLimitFor(new URL(req.url ?? '/', 'http://bus').pathname);
      const declared = Number(req.headers['content-length']);
      if (limit !== undefined && Number.isFinite(declared) && declared > limit) {
        const error = new EgsbError(
          ErrorCode.MESSAGE_TOO_LARGE,
          `the message of ${declared} bytes exceeds this resource's limit of ${limit} bytes`,
        );
        res
          .writeHead(error.status, { 'content-type': 'application/problem+json', connection: 'close' })
          .end(JSON.stringify(error.toProblem()));
        return;
      }
      res.writeContinue();
      server.emit('request', req, res);
    });
    // A request the HTTP parser cannot read (e.g. a header with a bare CR) gets a catalogue answer.
    server.on('clientError', (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
      if (!socket.writable) return socket.destroy();
      socket.end(
        new EgsbError(ErrorCode.MESSAGE_MALFORMED, `the HTTP request could not be parsed: ${error.code ?? 'malformed'}`).toRawHttp(),
      );
    });
  }
  return {
    httpPort,
    ...(httpsPort !== undefined ? { httpsPort } : {}),
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              (s as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        ),
      );
    },
  };
}

function listen(server: Listening, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
