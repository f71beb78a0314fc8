/**
 * ISZR's asynchronous queue, served by the bus over its own tickets, so an AIS built against ISZR's
 * WSDLs collects asynchronous answers unchanged: `IszrAsyncVypisFronty` lists the caller's queue,
 * `IszrAsyncOdpovedZFronty` gives one answer (or says it is still being processed), and
 * `IszrAsyncSmazatFrontu` takes finished items off it. Each is `POST /soap/{name}/v1`, SOAP 1.1 or
 * 1.2, with the caller's own credential: an AIS sees only its own tickets. The answers are written in
 * the interface's namespaces; a stored answer travels inside `AsyncDotazDataResponse` as it was given.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import type { XmlElement } from 'libxml2-wasm';
import { readBody } from '../../connectors/index.ts';
import {
  EgsbError,
  elementChildren,
  ENVELOPE_NS,
  ErrorCode,
  escapeXml,
  parseEnvelope,
  SOAP_CONTENT_TYPE,
  type SoapVersion,
} from '../../contracts/index.ts';
import { RESERVED_SERVICE_CODES } from '../publishing/index.ts';
import type { Caller } from '../registry/index.ts';
import { isTicket, TicketStatus, type Ticket, type TicketStore } from '../tickets/index.ts';
import { readerOf, type BusEnv } from './support.ts';

/** The queue's services, which no publisher may take. */
export const ISZR_QUEUE_SERVICES = RESERVED_SERVICE_CODES;

const ABS = 'urn:cz:isvs:iszr:schemas:IszrAbstract:v1';
const REG = 'urn:cz:isvs:reg:schemas:RegTypy:v1';
const ns = (service: string): string => `urn:cz:isvs:iszr:schemas:${service}:v1`;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MAX_REQUEST_BYTES = 64 * 1024;
/** Queue items listed at once; the answer says where the next page starts. */
const PAGE = 500;
/** Pages of older tickets passed over at most to reach the asked start (a queue this long is a backlog). */
const MAX_PAGES_SCANNED = 20;

export interface IszrQueueOptions {
  readonly tickets: TicketStore;
  /** How long a finished ticket's result is kept: the queue item's expiry when the row has none yet. */
  readonly resultTtlMs: number;
  /** Counts a request against the caller's rate (an AIS's, or its address's without credentials); throws when over. */
  readonly limit: (caller: Caller, address: string) => Promise<void>;
}

interface Status {
  readonly kod: 'OK' | 'VAROVANI' | 'CHYBA';
  readonly subKod?: string;
  readonly popis?: string;
}

export function iszrQueueApi({ tickets, resultTtlMs, limit }: IszrQueueOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();
  const handlers = new Map<string, (c: Context<BusEnv>) => Promise<Response>>();
  // One route of the same shape as the published services' (Hono's router mismatches those when a
  // literal path of that shape stands beside them); anything not the queue's goes on to the call path.
  api.post('/soap/:service/v:major', (c, next) => {
    const handler = c.req.param('major') === '1' ? handlers.get(c.req.param('service')) : undefined;
    if (handler === undefined) return next();
    const address = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
    return limit(c.get('caller'), address).then(() => handler(c));
  });

  handlers.set('IszrAsyncVypisFronty', (c) =>
    serve(c, 'IszrAsyncVypisFronty', async (payload, aisId) => {
      const service = 'IszrAsyncVypisFronty';
      const requestId = agendaRequestId(child(payload, ABS, 'ZadostInfo'));
      const limits = child(child(payload, ns(service), 'Zadost'), ns(service), 'IszrAsyncVypisFrontyData');
      const fromId = optionalNumber(text(limits, ns(service), 'IdTransakceOd'), 'IdTransakceOd');
      const fromTimeText = text(limits, ns(service), 'CasVytvoreniOd');
      const fromTime = fromTimeText === undefined ? undefined : dateTime(fromTimeText, 'CasVytvoreniOd');
      const since = Math.max(fromId ?? 0, fromTime ?? 0);
      const open = [TicketStatus.QUEUED, TicketStatus.RUNNING, TicketStatus.SUCCEEDED, TicketStatus.FAILED];
      const items: Ticket[] = [];
      let after: string | undefined;
      // Tickets come in creation order; those before the asked start are passed over page by page.
      for (let scanned = 0; items.length <= PAGE && scanned < MAX_PAGES_SCANNED; scanned++) {
        const page = await tickets.list(aisId, { status: open, limit: PAGE + 1, ...(after !== undefined ? { after } : {}) });
        items.push(...page.filter((t) => t.createdAt.getTime() >= since));
        if (page.length <= PAGE) break;
        after = page[page.length - 1]?.ticket;
      }
      const shown = items.slice(0, PAGE);
      const next = items[PAGE];
      const polozky = shown
        .map(
          (t) =>
            `<svc:PolozkaFronty><abs:KodAsyncSluzby>${escapeXml(t.service)}</abs:KodAsyncSluzby><abs:IszrZadostId>${t.ticket}</abs:IszrZadostId>` +
            `<abs:IdTransakce>${t.createdAt.getTime()}</abs:IdTransakce><abs:CasVytvoreni>${t.createdAt.toISOString()}</abs:CasVytvoreni>` +
            `<abs:CasExpirace>${(t.expiresAt ?? new Date(t.createdAt.getTime() + resultTtlMs)).toISOString()}</abs:CasExpirace></svc:PolozkaFronty>`,
        )
        .join('');
      const continues =
        next === undefined
          ? '<svc:VypisPokracuje>false</svc:VypisPokracuje>'
          : `<svc:VypisPokracuje>true</svc:VypisPokracuje><svc:NasledujiciIdTransakce>${next.createdAt.getTime()}</svc:NasledujiciIdTransakce>`;
      return root(
        service,
        'IszrAsyncVypisFrontyResponse',
        odpovedInfo('abs:OdpovedInfo', { kod: 'OK' }, requestId) +
          `<svc:IszrOdpoved><svc:IszrAsyncVypisFrontyDataResponse><svc:IszrAplikacniStatus>${continues}</svc:IszrAplikacniStatus>` +
          `<svc:PolozkyFronty>${polozky}</svc:PolozkyFronty></svc:IszrAsyncVypisFrontyDataResponse></svc:IszrOdpoved>`,
      );
    }),
  );

  handlers.set('IszrAsyncOdpovedZFronty', (c) =>
    serve(c, 'IszrAsyncOdpovedZFronty', async (payload, aisId) => {
      const service = 'IszrAsyncOdpovedZFronty';
      const asked = text(payload, ns(service), 'KodAsyncSluzby') ?? '';
      const requestId = agendaRequestId(child(payload, ns(service), 'ZadostInfo'));
      const id = text(
        child(child(payload, ns(service), 'Zadost'), ns(service), 'IszrAsyncOdpovedZFrontyData'),
        ns(service),
        'IszrZadostId',
      );
      if (id === undefined || !UUID.test(id)) throw invalid('Zadost/IszrAsyncOdpovedZFrontyData/IszrZadostId must be a UUID');
      // Another AIS's ticket is as unknown as none: nothing of it (not even its service) is told.
      const found = isTicket(id) ? await tickets.get(id) : undefined;
      const ticket = found?.aisId === aisId ? found : undefined;
      const reply = (status: Status, extra = '', data = ''): string =>
        root(
          service,
          'IszrAsyncOdpovedZFrontyResponse',
          `<svc:KodAsyncSluzby>${escapeXml(ticket?.service ?? asked)}</svc:KodAsyncSluzby>` +
            odpovedInfo('svc:OdpovedInfo', status, requestId, id, extra) +
            data,
        );
      if (ticket === undefined || ticket.service !== asked)
        return reply({ kod: 'CHYBA', subKod: 'NENALEZENO', popis: `ve frontě této AIS není žádost ${id} služby ${asked.slice(0, 50)}` });
      if (ticket.status === TicketStatus.QUEUED || ticket.status === TicketStatus.RUNNING)
        return reply({ kod: 'VAROVANI', subKod: 'PROBIHA ZPRACOVANI', popis: 'odpověď ještě není' }, '<svc:CekaciCas>1</svc:CekaciCas>');
      if (ticket.status === TicketStatus.FAILED)
        return reply({
          kod: 'CHYBA',
          subKod: 'CHYBA VOLANI REGISTRU',
          popis: `${ticket.error?.code ?? 'EGSB_PROVIDER_ERROR'}: ${ticket.error?.detail ?? ''}`.slice(0, 1024),
        });
      if (ticket.status !== TicketStatus.SUCCEEDED || ticket.result === undefined)
        return reply({ kod: 'CHYBA', subKod: 'NENALEZENO', popis: 'odpověď už není k dispozici (vypršela nebo byla smazána)' });
      const answer = storedAnswer(ticket.result.body);
      if ('fault' in answer) return reply({ kod: 'CHYBA', subKod: 'CHYBA VOLANI REGISTRU', popis: answer.fault.slice(0, 1024) });
      return reply(
        { kod: 'OK' },
        '',
        `<svc:IszrOdpoved><svc:IszrAsyncOdpovedZFrontyDataResponse><svc:AsyncDotazDataResponse>${answer.xml}</svc:AsyncDotazDataResponse>` +
          `</svc:IszrAsyncOdpovedZFrontyDataResponse></svc:IszrOdpoved>`,
      );
    }),
  );

  handlers.set('IszrAsyncSmazatFrontu', (c) =>
    serve(c, 'IszrAsyncSmazatFrontu', async (payload, aisId) => {
      const service = 'IszrAsyncSmazatFrontu';
      const requestId = agendaRequestId(child(payload, ABS, 'ZadostInfo'));
      const data = child(child(payload, ns(service), 'Zadost'), ns(service), 'IszrAsyncSmazatFrontuData');
      const all = text(data, ns(service), 'SmazatVse');
      let which: string[] | 'all';
      if (all !== undefined) {
        if (all !== 'true' && all !== '1' && all !== 'false' && all !== '0') throw invalid('SmazatVse must be a boolean');
        which = all === 'true' || all === '1' ? 'all' : [];
      } else {
        const ids = children(child(data, ns(service), 'IszrZadostIdPolozky'), ns(service), 'IszrZadostId').map((e) => e.content.trim());
        if (ids.length === 0)
          throw invalid('Zadost/IszrAsyncSmazatFrontuData holds SmazatVse or IszrZadostIdPolozky with at least one IszrZadostId');
        if (ids.length > 1000) throw invalid('at most 1000 IszrZadostId at once');
        const bad = ids.find((i) => !UUID.test(i));
        if (bad !== undefined) throw invalid(`IszrZadostId ${JSON.stringify(bad.slice(0, 40))} is not a UUID`);
        which = ids;
      }
      const taken = await tickets.discard(aisId, which);
      const missing = which === 'all' ? 0 : which.length - taken.length;
      const status: Status =
        missing === 0
          ? { kod: 'OK' }
          : {
              kod: 'VAROVANI',
              subKod: 'NENALEZENO',
              popis: `${missing} z ${which.length} položek ve frontě této AIS není nebo se ještě zpracovává`,
            };
      return root(service, 'IszrAsyncSmazatFrontuResponse', odpovedInfo('abs:OdpovedInfo', status, requestId));
    }),
  );

  return api;
}

/** Reads the request as a SOAP envelope of the named operation and answers in the caller's SOAP version. */
async function serve(
  c: Context<BusEnv>,
  service: string,
  answer: (payload: XmlElement, aisId: number) => Promise<string>,
): Promise<Response> {
  const aisId = readerOf(c.get('caller'), 'the queue');
  const bytes = await readBody(c.req.raw, MAX_REQUEST_BYTES);
  const envelope = parseEnvelope(bytes);
  try {
    const { payload, version } = envelope;
    if (payload.namespaceUri !== ns(service) || payload.name !== service)
      throw invalid(`the body holds {${payload.namespaceUri}}${payload.name}; ${service} takes {${ns(service)}}${service}`);
    const body = await answer(payload, aisId);
    return c.body(wrap(version, body), 200, { 'content-type': SOAP_CONTENT_TYPE[version] });
  } finally {
    envelope.dispose();
  }
}

function wrap(version: SoapVersion, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${ENVELOPE_NS[version]}"><env:Body>${body}</env:Body></env:Envelope>`;
}

function root(service: string, element: string, content: string): string {
  return `<svc:${element} xmlns:svc="${ns(service)}" xmlns:abs="${ABS}" xmlns:reg="${REG}">${content}</svc:${element}>`;
}

function odpovedInfo(element: string, status: Status, requestId: string, iszrRequestId?: string, extra = ''): string {
  const detail =
    status.subKod === undefined
      ? ''
      : `<reg:VysledekDetail><reg:VysledekSubKod>${status.subKod}</reg:VysledekSubKod>${
          status.popis === undefined ? '' : `<reg:VysledekPopis>${escapeXml(status.popis)}</reg:VysledekPopis>`
        }</reg:VysledekDetail>`;
  return (
    `<${element}><reg:CasOdpovedi>${new Date().toISOString()}</reg:CasOdpovedi><reg:Status><reg:VysledekKod>${status.kod}</reg:VysledekKod>${detail}</reg:Status>` +
    `<reg:AgendaZadostId>${requestId}</reg:AgendaZadostId>${iszrRequestId === undefined ? '' : `<reg:IszrZadostId>${iszrRequestId}</reg:IszrZadostId>`}` +
    `<reg:RegOdpovedId>${randomUUID()}</reg:RegOdpovedId>${extra}</${element}>`
  );
}

/** The stored answer's payload as XML, or the fault it was. */
function storedAnswer(body: Uint8Array): { xml: string } | { fault: string } {
  const envelope = parseEnvelope(body, ErrorCode.PROVIDER_RESPONSE_INVALID);
  try {
    if (envelope.isFault) return { fault: envelope.payload.content.trim().replace(/\s+/g, ' ') };
    return { xml: envelope.payload.toString({ format: false }) };
  } finally {
    envelope.dispose();
  }
}

function agendaRequestId(info: XmlElement | undefined): string {
  const id = text(info, REG, 'AgendaZadostId');
  if (info === undefined) throw invalid('the request has no ZadostInfo');
  if (id === undefined || !UUID.test(id)) throw invalid('ZadostInfo/AgendaZadostId must be a UUID');
  return id;
}

function child(parent: XmlElement | undefined, namespace: string, name: string): XmlElement | undefined {
  return parent === undefined ? undefined : elementChildren(parent).find((e) => e.name === name && e.namespaceUri === namespace);
}

function children(parent: XmlElement | undefined, namespace: string, name: string): XmlElement[] {
  return parent === undefined ? [] : elementChildren(parent).filter((e) => e.name === name && e.namespaceUri === namespace);
}

function text(parent: XmlElement | undefined, namespace: string, name: string): string | undefined {
  return child(parent, namespace, name)?.content.trim();
}

function optionalNumber(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,19}$/.test(value)) throw invalid(`${field} must be an unsigned whole number`);
  return Number(value);
}

function dateTime(value: string, field: string): number {
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw invalid(`${field} must be an xs:dateTime`);
  return at;
}

function invalid(message: string): EgsbError {
  return new EgsbError(ErrorCode.REQUEST_INVALID, message);
}
