/**
 * The HTTP connector against real HTTP servers on loopback: the answer whole, and each way an
 * exchange can fail sorted by whether the request may have reached the provider.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FailureKind, ProviderFailure, type ProviderRequest } from '../../routing/index.ts';
import { createHttpConnector } from './http-connector.ts';

const servers: Server[] = [];
const sockets = new Set<Socket>();

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      (req as IncomingMessage & { received?: string }).received = Buffer.concat(chunks).toString();
      handle(req, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const connector = createHttpConnector({ connections: 4 });
afterEach(() => {
  for (const s of sockets) s.destroy();
});
afterAll(async () => {
  await connector.close();
  for (const s of servers) s.close();
});

function request(endpoint: string, overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    endpoint,
    operation: 'ctiOsobu',
    operationInPath: true,
    headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
    body: new TextEncoder().encode('{"aifo":"x"}'),
    deadline: performance.now() + 2000,
    connectTimeoutMs: 1000,
    maxResponseBytes: 1024,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ProviderFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderFailure);
  return error as ProviderFailure;
}

describe('the HTTP connector', () => {
  it('sends the request to <endpoint>/<operation> and answers status, headers and the whole body', async () => {
    let seen: { url?: string; body?: string; length?: string; id?: string } = {};
    const origin = await serve((req, res) => {
      seen = {
        url: req.url,
        body: (req as IncomingMessage & { received?: string }).received,
        length: req.headers['content-length'],
        id: req.headers['x-request-id'] as string,
      };
      res.writeHead(201, [
        ['content-type', 'application/json'],
        ['x-twice', 'a'],
        ['x-twice', 'b'],
      ]);
      // In pieces: the answer is read whole whatever its chunks.
      res.write('{"osoba":');
      setTimeout(() => res.end('{"jmeno":"Jan"}}'), 5);
    });
    const answer = await connector.send(request(`${origin}/persons/`));
    expect(seen).toEqual({ url: '/persons/ctiOsobu', body: '{"aifo":"x"}', length: '12', id: 'r-1' });
    expect(answer.status).toBe(201);
    expect(answer.contentType).toBe('application/json');
    expect(answer.headers['x-twice']).toBe('a, b');
    expect(new TextDecoder().decode(answer.body)).toBe('{"osoba":{"jmeno":"Jan"}}');
  });

  it('refuses an answer past the size limit as too large, and goes on serving', async () => {
    const origin = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url?.endsWith('/big') ? 'x'.repeat(5000) : 'ok');
    });
    const big = await failure(connector.send(request(`${origin}/`, { operation: 'big' })));
    expect(big.kind).toBe(FailureKind.TOO_LARGE);
    expect(big.sent).toBe(true);
    const small = await connector.send(request(`${origin}/`, { operation: 'small' }));
    expect(new TextDecoder().decode(small.body)).toBe('ok');
  });

  it('gives up at the deadline when the provider does not answer', async () => {
    const origin = await serve(() => {}); // never answers
    const started = performance.now();
    const late = await failure(connector.send(request(origin, { deadline: performance.now() + 200 })));
    expect(late.kind).toBe(FailureKind.TIMEOUT);
    expect(late.sent).toBe(true);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('gives up at the deadline when an answer stops halfway', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"osoba":');
    });
    const late = await failure(connector.send(request(origin, { deadline: performance.now() + 200 })));
    expect(late.kind).toBe(FailureKind.TIMEOUT);
  });

  it('says a refused connection sent nothing, and a connection cut after the request may have', async () => {
    const closed = await serve(() => {});
    const port = new URL(closed).port;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const refused = await failure(connector.send(request(`http://127.0.0.1:${port}`)));
    expect(refused.kind).toBe(FailureKind.CONNECT);
    expect(refused.sent).toBe(false);

    const cutting = await serve((req) => req.socket.destroy());
    const cut = await failure(connector.send(request(cutting)));
    expect(cut.kind).toBe(FailureKind.RESET);
    expect(cut.sent).toBe(true);
  });

  it('keeps the deadline of a request still waiting for a connection', async () => {
    const single = createHttpConnector({ connections: 1 });
    try {
      const seen: string[] = [];
      const origin = await serve((req, res) => {
        seen.push(req.url ?? '');
        if (req.url === '/slow') setTimeout(() => res.end('slow'), 1500);
        else res.end('quick');
      });
      // One connect timeout for both, so that both go through one pool of one connection.
      const at = (operation: string, ms: number) =>
        request(`${origin}/`, { operation, deadline: performance.now() + ms, connectTimeoutMs: 100 });
      const slow = single.send(at('slow', 3000));
      await new Promise((r) => setTimeout(r, 50));
      const started = performance.now();
      const waiting = await failure(single.send(at('quick', 200)));
      expect(waiting.kind).toBe(FailureKind.TIMEOUT);
      expect(performance.now() - started).toBeLessThan(1200);
      expect(new TextDecoder().decode((await slow).body)).toBe('slow');
      // Given up while it waited, it is not sent once the connection frees up.
      await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual(['/slow']);
    } finally {
      await single.close();
    }
  });
});
