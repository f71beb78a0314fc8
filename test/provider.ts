/**
 * A provider for the call-path tests: a real HTTP server answering the demo person contracts over
 * JSON (`/persons`) and SOAP 1.1/1.2 (`/soap/persons`), recording what it received, and behaving
 * badly on demand (garbage, contract breaks, hanging, closing the socket, 503, its own fault).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const Behaviour = {
  OK: 'ok',
  GARBAGE: 'garbage',
  BREAKS_CONTRACT: 'breaks-contract',
  HANG: 'hang',
  CLOSE: 'close',
  UNAVAILABLE: 'unavailable',
  BUSINESS_ERROR: 'business-error',
} as const;
export type Behaviour = (typeof Behaviour)[keyof typeof Behaviour];

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface TestProvider {
  readonly url: string;
  readonly received: Received[];
  behaviour: Behaviour;
  /** Added before every good answer, to keep calls in flight. */
  delayMs: number;
  /** When set, answers every request exactly so (hostile answers for the security tests). */
  respond: ScriptedAnswer | undefined;
  /** Stops listening and drops open connections: callers get connection refused. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export type ScriptedAnswer = (request: { soap: boolean; version: '1.1' | '1.2' }) => {
  status: number;
  headers?: Record<string, string>;
  body: string;
};

const PERSON_NS = 'urn:egsb:demo:persons:v1';
const ENV = { '1.1': 'http://schemas.xmlsoap.org/soap/envelope/', '1.2': 'http://www.w3.org/2003/05/soap-envelope' } as const;

export async function startTestProvider(): Promise<TestProvider> {
  const sockets = new Set<import('node:net').Socket>();
  const state = {
    behaviour: Behaviour.OK as Behaviour,
    received: [] as Received[],
    delayMs: 0,
    respond: undefined as ScriptedAnswer | undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.received.push({ path: req.url ?? '', headers: req.headers, body });
      const soap = req.url?.startsWith('/soap') ?? false;
      const version = (req.headers['content-type'] ?? '').startsWith('application/soap+xml') ? '1.2' : '1.1';
      const type = soap ? (version === '1.2' ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8') : 'application/json';
      if (state.respond) {
        const scripted = state.respond({ soap, version });
        res.writeHead(scripted.status, { 'content-type': type, ...scripted.headers }).end(scripted.body);
        return;
      }
      switch (state.behaviour) {
        case Behaviour.HANG:
          return; // never answers; the bus's deadline must end the call
        case Behaviour.CLOSE:
          req.socket.destroy();
          return;
        case Behaviour.UNAVAILABLE:
          res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
          return;
        case Behaviour.GARBAGE:
          res.writeHead(200, { 'content-type': type }).end('<<<not what you expect');
          return;
        case Behaviour.BREAKS_CONTRACT:
          res
            .writeHead(200, { 'content-type': type })
            .end(
              soap
                ? envelope(version, `<p:CtiOsobuResponse xmlns:p="${PERSON_NS}"><p:Neznamy>x</p:Neznamy></p:CtiOsobuResponse>`)
                : JSON.stringify({ status: { vysledekKod: 'NEVIM' } }),
            );
          return;
        case Behaviour.BUSINESS_ERROR:
          if (soap) res.writeHead(500, { 'content-type': type }).end(fault(version));
          else
            res
              .writeHead(404, { 'content-type': 'application/problem+json' })
              .end(JSON.stringify({ type: 'urn:demo:error:aifo-neexistuje', title: 'AIFO NEEXISTUJE', status: 404 }));
          return;
        default: {
          const answer = () =>
            res.writeHead(200, { 'content-type': type }).end(soap ? envelope(version, personXml()) : JSON.stringify(personJson()));
          if (state.delayMs > 0) setTimeout(answer, state.delayMs);
          else answer();
        }
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: state.received,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(b: Behaviour) {
      state.behaviour = b;
    },
    get delayMs() {
      return state.delayMs;
    },
    get respond() {
      return state.respond;
    },
    set respond(answer: ScriptedAnswer | undefined) {
      state.respond = answer;
    },
    set delayMs(ms: number) {
      state.delayMs = ms;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async restart() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function personJson(): object {
  return {
    status: { vysledekKod: 'OK' },
    osoba: {
      jmeno: 'Jan',
      prijmeni: 'Novák',
      datumNarozeni: '1980-02-29',
      adresaPobytu: { kodAdresnihoMista: 21710422, text: 'Vodičkova 681/18, Nové Město, 11000 Praha 1' },
    },
  };
}

export function personXml(): string {
  return `<p:CtiOsobuResponse xmlns:p="${PERSON_NS}"><p:Osoba><p:Jmeno>Jan</p:Jmeno><p:Prijmeni>Novák</p:Prijmeni></p:Osoba></p:CtiOsobuResponse>`;
}

export function envelope(version: '1.1' | '1.2', body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ENV[version]}"><s:Body>${body}</s:Body></s:Envelope>`;
}

function fault(version: '1.1' | '1.2'): string {
  return version === '1.1'
    ? envelope(version, '<s:Fault><faultcode>s:Client</faultcode><faultstring>AIFO NEEXISTUJE</faultstring></s:Fault>')
    : envelope(
        version,
        '<s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text xml:lang="cs">AIFO NEEXISTUJE</s:Text></s:Reason></s:Fault>',
      );
}
