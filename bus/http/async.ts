/**
 * The reader's side of asynchronous calls: `GET /async/{ticket}` answers the ticket's state, or once
 * it succeeded the provider's answer itself (filtered to the effective items); `GET /async` lists the
 * reader's own tickets, open ones by default (like ISZR's queue listing). A ticket belongs to the AIS
 * that submitted it: any other caller gets 404. The operator sees queues and backlogs at
 * `GET /admin/async`.
 */
import { Hono } from 'hono';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import { type AsyncQueue, readAsyncStatus } from '../async/index.ts';
import { isTicket, ticketState, TicketStatus, type TicketStore } from '../tickets/index.ts';
import { readerOf, type BusEnv } from './support.ts';
import { requireOperator, type Caller } from '../registry/index.ts';

const MAX_LIMIT = 1000;
const STATUSES = new Set<string>(Object.values(TicketStatus));

export interface AsyncApiOptions {
  readonly tickets: TicketStore;
  readonly queue: AsyncQueue | undefined;
  /** Queues a ticket's message again; absent without NATS. */
  readonly nudge?: (ticket: string, service: string, major: number) => Promise<void>;
  readonly resultTtlMs: number;
}

export function asyncApi({ tickets, queue, nudge, resultTtlMs }: AsyncApiOptions): Hono<BusEnv> {
  const api = new Hono<BusEnv>();

  api.get('/async/:ticket', async function readTicket(c) {
    const aisId = readerOf(c.get('caller'), 'a ticket');
    const id = c.req.param('ticket');
    const ticket = await tickets.get(id);
    if (ticket === undefined || ticket.aisId !== aisId)
      throw new EgsbError(
        ErrorCode.TICKET_NOT_FOUND,
        `no ticket ${JSON.stringify(id.slice(0, 64))} of this AIS is known (results are kept for a limited time)`,
      );
    if (ticket.status === TicketStatus.SUCCEEDED && ticket.result !== undefined) {
      const r = ticket.result;
      // The answer to the call: it carries the call's request id, as a synchronous answer would.
      return c.body(r.body as Uint8Array<ArrayBuffer>, r.status as 200, {
        ...r.headers,
        'content-type': r.contentType,
        'x-request-id': ticket.requestId,
        'x-egsb-ticket': ticket.ticket,
        'x-egsb-ticket-status': ticket.status,
      });
    }
    const open = ticket.status === TicketStatus.QUEUED || ticket.status === TicketStatus.RUNNING;
    return c.json(ticketState(ticket), 200, {
      'x-egsb-ticket': ticket.ticket,
      'x-egsb-ticket-status': ticket.status,
      ...(open ? { 'retry-after': '1' } : {}),
    });
  });

  api.get('/async', async function listTickets(c) {
    const aisId = readerOf(c.get('caller'), 'a ticket');
    const statusRaw = c.req.query('status') ?? 'queued,running';
    const status = statusRaw === 'all' ? [...STATUSES] : statusRaw.split(',');
    const unknown = status.find((s) => !STATUSES.has(s));
    if (unknown !== undefined)
      throw invalid(`status ${JSON.stringify(unknown.slice(0, 40))} is not one of ${[...STATUSES].join(', ')} (or all)`);
    const limitRaw = c.req.query('limit') ?? '100';
    const limit = Number(limitRaw);
    if (!/^[1-9][0-9]{0,3}$/.test(limitRaw) || limit > MAX_LIMIT) throw invalid(`limit must be 1–${MAX_LIMIT}`);
    const after = c.req.query('after');
    if (after !== undefined && !isTicket(after)) throw invalid('after must be a ticket (the `next` of the previous page)');
    const rows = await tickets.list(aisId, {
      status: status as TicketStatus[],
      limit: limit + 1,
      ...(after !== undefined ? { after } : {}),
    });
    const page = rows.slice(0, limit);
    return c.json({ tickets: page.map(ticketState), ...(rows.length > limit ? { next: page[page.length - 1]?.ticket } : {}) });
  });

  api.get('/admin/async', async function asyncStatus(c) {
    requireOperator(c.get('caller'));
    return c.json(await readAsyncStatus(queue, tickets));
  });

  // The operator's word on one ticket: deliver it again (queued or failed), or give it up (open).
  api.post('/admin/async/tickets/:ticket/retry', async function retryTicket(c) {
    requireOperator(c.get('caller'));
    if (nudge === undefined) throw new EgsbError(ErrorCode.ASYNC_UNAVAILABLE, 'this bus runs without NATS');
    const id = c.req.param('ticket');
    const requeued = await tickets.requeue(id);
    if ('status' in requeued) throw ticketConflict(id, requeued.status, 'only a queued or failed ticket is delivered again');
    await nudge(id, requeued.service, requeued.major);
    return c.json(ticketState((await tickets.get(id)) as NonNullable<Awaited<ReturnType<TicketStore['get']>>>));
  });
  api.post('/admin/async/tickets/:ticket/fail', async function failTicket(c) {
    requireOperator(c.get('caller'));
    const id = c.req.param('ticket');
    const failed = isTicket(id)
      ? await tickets.finish(
          id,
          { status: 'failed', code: ErrorCode.PROVIDER_UNAVAILABLE, detail: 'given up by the operator' },
          resultTtlMs,
        )
      : false;
    const ticket = await tickets.get(id);
    if (!failed || ticket === undefined) throw ticketConflict(id, ticket?.status ?? 'unknown', 'only an open ticket is given up');
    return c.json(ticketState(ticket));
  });

  return api;
}

function ticketConflict(id: string, status: string, rule: string): EgsbError {
  if (status === 'unknown') return new EgsbError(ErrorCode.TICKET_NOT_FOUND, `no ticket ${JSON.stringify(id.slice(0, 64))} is known`);
  return new EgsbError(ErrorCode.CONFLICT, `the ticket is ${status}; ${rule}`);
}

function invalid(detail: string): EgsbError {
  return new EgsbError(ErrorCode.REQUEST_INVALID, detail);
}
