/**
 * How a call travels over NATS request/reply between the bus and a provider: the request goes to
 * `<endpoint subject>.<operation>` with the same headers an HTTP provider gets (lowercase names), the
 * body as it would be posted; the reply carries the answer's status and content type in headers.
 */
import { Match, type MsgHdrs } from '@nats-io/transport-node';

/** Reply header with the answer's HTTP-like status (200, 400, 500, …). */
export const STATUS_HEADER = 'egsb-status';
export const CONTENT_TYPE_HEADER = 'content-type';

const OPERATION = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** The subject one operation is served on. */
export function operationSubject(base: string, operation: string): string {
  if (!SUBJECT.test(base)) throw new RangeError(`not a plain NATS subject: ${base}`);
  if (!OPERATION.test(operation)) throw new RangeError(`not an operation name: ${operation}`);
  return `${base}.${operation}`;
}

/** Reads NATS message headers by name, case-insensitively; absent or empty is undefined. */
export function headerReader(headers: MsgHdrs | undefined): (name: string) => string | undefined {
  return (name) => {
    if (headers === undefined || !headers.has(name, Match.IgnoreCase)) return undefined;
    const value = headers.values(name, Match.IgnoreCase)[0];
    return value === '' ? undefined : value;
  };
}
