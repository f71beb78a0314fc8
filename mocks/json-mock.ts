/**
 * A source mock that speaks JSON against its own JSON Schema contract: `POST /{operation}`, the
 * request validated, the handler run, the answer in JSON. Bad input gets problem+json of the mock's
 * own (`urn:egsb:mock:error:…`); injected faults misbehave on purpose. The same handlers serve NATS.
 * A request's own `seznamUdaju` list narrows the answer as the `X-Egsb-Data-Items` header does.
 */
import { Hono, type Context } from 'hono';
import type { CompiledContract, ErrorEntry } from '../contracts/index.ts';
import { FAULT_HEADER, FaultKind, type FaultInjector, type FaultPlan } from './faults.ts';
import { mockContext, MockInputError, type HeaderReader, type MockContext } from './mock-context.ts';
import { drop, hang, isTooLarge, readBody, sleep } from './mock-http.ts';

export interface JsonAnswer {
  readonly status?: number;
  readonly body: unknown;
}

export type JsonHandler = (request: unknown, context: MockContext) => JsonAnswer | Promise<JsonAnswer>;

export interface JsonMockOptions {
  readonly contract: CompiledContract;
  readonly handlers: Readonly<Record<string, JsonHandler>>;
  readonly faults: FaultInjector;
}

export interface MockProblem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly ErrorEntry[];
}

/** Runs one operation on a body already read: the part HTTP and NATS share. */
export type JsonOperationRunner = (operation: string, bytes: Uint8Array, header: HeaderReader, fault?: FaultKind) => Promise<JsonOutcome>;

export interface JsonOutcome {
  readonly status: number;
  readonly body: unknown;
  /** Set when the body is the mock's problem+json rather than the operation's answer. */
  readonly problem?: true;
}

export function jsonOperationRunner({ contract, handlers }: Omit<JsonMockOptions, 'faults'>): JsonOperationRunner {
  const json = contract.json;
  if (json === undefined) throw new Error(`${contract.manifest.code} is not a JSON contract`);
  for (const name of json.operations.keys())
    if (handlers[name] === undefined) throw new Error(`${contract.manifest.code}: no handler for operation ${name}`);
  return async (operation, bytes, header, fault) => {
    const compiled = json.operations.get(operation);
    const handler = handlers[operation];
    if (compiled === undefined || handler === undefined)
      return problem(404, 'operation-not-found', `${contract.manifest.code} has no operation ${operation}`);
    let request: unknown;
    try {
      request = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (error) {
      return problem(400, 'malformed', `the body is not UTF-8 JSON: ${(error as Error).message}`);
    }
    const errors = compiled.validateRequest(request);
    if (errors.length > 0) return problem(400, 'request-invalid', `the request breaks the contract: ${errors[0]?.message ?? ''}`, errors);
    let answer: JsonAnswer;
    try {
      const list = (request as { seznamUdaju?: unknown }).seznamUdaju;
      answer = await handler(request, mockContext(header, Array.isArray(list) ? { dataItems: list.join(' ') } : {}));
    } catch (error) {
      if (error instanceof MockInputError) return problem(400, 'request-invalid', error.message);
      throw error;
    }
    const body =
      fault === FaultKind.BREAK_CONTRACT && typeof answer.body === 'object' && answer.body !== null
        ? { ...answer.body, porucha: 'injected contract break' }
        : answer.body;
    return { status: answer.status ?? 200, body };
  };
}

export function jsonMock(options: JsonMockOptions): Hono {
  const run = jsonOperationRunner(options);
  const app = new Hono();
  app.post('/:operation', async (c) => {
    let plan: FaultPlan;
    try {
      plan = options.faults.plan(c.req.header(FAULT_HEADER));
    } catch (error) {
      return send(c, problem(400, 'fault-header', (error as Error).message));
    }
    await sleep(plan.delayMs, c.req.raw.signal);
    if (plan.fault === FaultKind.DROP) return drop(c);
    if (plan.fault === FaultKind.TIMEOUT) return hang(c);
    if (plan.fault === FaultKind.ERROR) return send(c, problem(500, 'injected', 'the source failed (injected fault)'));
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type))
      return send(c, problem(415, 'media-type', `send application/json, not ${JSON.stringify(type.slice(0, 60))}`));
    let bytes: Uint8Array;
    try {
      bytes = await readBody(c);
    } catch (error) {
      if (isTooLarge(error)) return send(c, problem(413, 'too-large', error.message));
      throw error;
    }
    return send(c, await run(c.req.param('operation'), bytes, (name) => c.req.header(name), plan.fault));
  });
  app.all('/:operation', (c) => send(c, problem(405, 'method', 'POST a JSON request')));
  return app;
}

export function problem(status: number, kind: string, detail: string, errors?: readonly ErrorEntry[]): JsonOutcome & { body: MockProblem } {
  const body: MockProblem = {
    type: `urn:egsb:mock:error:${kind}`,
    title: kind.replace(/-/g, ' '),
    status,
    detail,
    ...(errors ? { errors: errors.slice(0, 20) } : {}),
  };
  return { status, body, problem: true };
}

function send(c: Context, { status, body, problem: isProblem }: JsonOutcome): Response {
  return c.body(JSON.stringify(body), status as 200, { 'content-type': isProblem ? 'application/problem+json' : 'application/json' });
}
