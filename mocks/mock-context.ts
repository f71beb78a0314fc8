/**
 * What a mock knows about the caller: the context the bus forwards in headers (or, called directly,
 * what the request body's ZadostInfo says), and the data items wanted. A mock answers only the items
 * asked for, as the basic registers do: asked for none (no list, or an empty one), it answers none.
 */
import { decodeHeaderText } from '../contracts/index.ts';

export interface MockContext {
  readonly agenda?: string;
  readonly role?: string;
  readonly ovm?: string;
  readonly userId?: string;
  readonly purpose?: string;
  readonly requestId?: string;
  /** Wanted items; undefined when the caller named none, and then the answer holds none. */
  readonly dataItems?: ReadonlySet<string>;
}

export type HeaderReader = (name: string) => string | undefined;

const AGENDA = /^A\d{1,6}$/;
const ITEM = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export class MockInputError extends Error {
  override readonly name = 'MockInputError';
}

/**
 * Joins the header context with the body's own fields; the body wins where both speak, except for
 * data items, where the answer holds only what both lists allow.
 */
export function mockContext(header: HeaderReader, body: Partial<Record<keyof MockContext, string>> = {}): MockContext {
  const pick = (bodyValue: string | undefined, headerName: string): string | undefined => {
    const value = bodyValue ?? header(headerName);
    return value === undefined || value === '' ? undefined : value;
  };
  const agenda = pick(body.agenda, 'x-egsb-agenda');
  if (agenda !== undefined && !AGENDA.test(agenda))
    throw new MockInputError(`agenda ${JSON.stringify(agenda.slice(0, 20))} is not A + digits`);
  const lists = [body.dataItems, header('x-egsb-data-items')].filter((l): l is string => l !== undefined && l.trim() !== '').map(itemsOf);
  let dataItems: Set<string> | undefined;
  for (const list of lists) dataItems = dataItems === undefined ? list : new Set([...dataItems].filter((i) => list.has(i)));
  const context: Record<string, unknown> = {
    agenda,
    role: pick(body.role, 'x-egsb-role'),
    ovm: pick(body.ovm, 'x-egsb-client-ovm'),
    userId: body.userId ?? text(header('audit-user-id')),
    purpose: body.purpose ?? text(header('x-egsb-purpose')),
    requestId: pick(body.requestId, 'x-request-id'),
    dataItems,
  };
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)) as MockContext;
}

/** Header text may come percent-encoded (RFC 8187) when it is not ASCII. */
function text(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : decodeHeaderText(value);
}

function itemsOf(list: string): Set<string> {
  const items = list.trim().split(/\s+/);
  const bad = items.find((i) => !ITEM.test(i));
  if (bad !== undefined) throw new MockInputError(`data item ${JSON.stringify(bad.slice(0, 40))} is not a name`);
  return new Set(items);
}

/** Whether the caller wants an item: only when it named it. */
export function wants(context: MockContext, item: string): boolean {
  return context.dataItems !== undefined && context.dataItems.has(item);
}

/** The agenda, required wherever an AIFO is read or written. */
export function requireAgenda(context: MockContext): string {
  if (context.agenda === undefined) throw new MockInputError('an AIFO is per agenda: send X-Egsb-Agenda or ZadostInfo/Agenda');
  return context.agenda;
}
