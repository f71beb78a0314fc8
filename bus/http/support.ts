/** Small pieces every HTTP handler of the bus shares: request ids, JSON bodies, path numbers. */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { EgsbError, ErrorCode, type ErrorEntry } from '../../contracts/index.ts';

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The caller's X-Request-Id when it is usable, else a new UUID. */
export function requestIdOf(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : randomUUID();
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);

export function bodyValidator<T>(schema: object): (value: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return function checkBody(value) {
    if (validate(value)) return value as T;
    const errors: ErrorEntry[] = (validate.errors ?? []).slice(0, 20).map((e) => ({
      location: e.instancePath === '' ? '/' : e.instancePath,
      rule: e.keyword,
      message: e.keyword === 'additionalProperties' ? `unknown field ${String(e.params.additionalProperty)}` : (e.message ?? e.keyword),
    }));
    const first = errors[0];
    throw new EgsbError(ErrorCode.REQUEST_INVALID, `body is invalid: ${first?.location} ${first?.message}`, { errors });
  };
}

/** Reads a JSON body; the size is bounded by the route's body limit. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(problem\+)?json\s*(;|$)/i.test(type)) {
    throw new EgsbError(
      ErrorCode.MESSAGE_MALFORMED,
      `expected Content-Type application/json, got ${type === '' ? 'none' : JSON.stringify(type.slice(0, 100))}`,
    );
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EgsbError(ErrorCode.MESSAGE_MALFORMED, `body is not well-formed JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** A number in a path: one that is not a number is a bad request (400), like any malformed path segment. */
export function positiveInt(raw: string, what: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(raw))
    throw new EgsbError(ErrorCode.REQUEST_INVALID, `${what} ${JSON.stringify(raw.slice(0, 40))} is not a number`);
  return Number(raw);
}

import type { Caller } from '../registry/index.ts';

/** What the bus's middleware leaves on every request's context. */
export interface BusEnv {
  Variables: {
    requestId: string;
    caller: Caller;
    /** A logged-in session's CSRF token, set when the request is identified. */
    csrf?: string;
  };
}

/** The reader AIS asking about its own asynchronous calls (tickets, ISZR's queue): anyone else is refused. */
export function readerOf(caller: Caller, what: string): number {
  if (caller.kind === 'anonymous')
    throw new EgsbError(ErrorCode.AUTH_REQUIRED, `${what} is read with the credentials of the AIS that submitted the calls`);
  if (caller.kind !== 'ais')
    throw new EgsbError(ErrorCode.FORBIDDEN, `${what} belongs to reader AIS; the operator sees queues at /admin/async`);
  return caller.aisId;
}
