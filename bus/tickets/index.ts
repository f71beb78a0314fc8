/**
 * Tickets of asynchronous calls: the row committed with the acceptance audit record is the truth
 * about a queued call; claims, outcomes, results with their TTL, and the SQL the audit writer runs to
 * commit a ticket in the same statement as its record. Below both the audit and the async mode.
 */
export {
  type Acceptance,
  acceptedRow,
  type AcceptedTicket,
  acceptTicketsSql,
  type Claim,
  createTicketStore,
  isTicket,
  type ListOptions,
  type Outcome,
  type PendingCount,
  type Ticket,
  ticketOf,
  type TicketResult,
  ticketState,
  TicketStatus,
  type TicketStore,
} from './ticket-store.ts';
