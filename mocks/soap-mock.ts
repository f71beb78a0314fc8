/**
 * A register mock that speaks SOAP 1.1 and 1.2 against its own WSDL: it parses the envelope safely,
 * finds the operation by the body element, validates the request against its contract, runs the
 * handler and answers in the caller's SOAP version. Bad input gets a SOAP fault of the register's own
 * (Client/Sender), never an untyped 500; injected faults misbehave on purpose.
 */
import { Hono, type Context } from 'hono';
import type { XmlElement } from 'libxml2-wasm';
import {
  ENVELOPE_NS,
  SoapVersion,
  escapeXml,
  isEgsbError,
  parseEnvelope,
  soapVersionOfContentType,
  type CompiledContract,
  type ErrorEntry,
} from '../contracts/index.ts';
import { FAULT_HEADER, FaultKind, type FaultInjector, type FaultPlan } from './faults.ts';
import { mockContext, MockInputError, type MockContext } from './mock-context.ts';
import { drop, hang, isTooLarge, readBody, sleep } from './mock-http.ts';

/** Answers one operation: returns the answer element as XML text (namespaced, no envelope). */
export type SoapHandler = (request: XmlElement, context: MockContext) => string | Promise<string>;

export interface SoapMockOptions {
  readonly contract: CompiledContract;
  /** By WSDL operation name. */
  readonly handlers: Readonly<Record<string, SoapHandler>>;
  readonly faults: FaultInjector;
  /** Reads the caller's context from the request body (for ISZR services: ZadostInfo and AutorizaceInfo). */
  readonly readContext: (payload: XmlElement) => Partial<Record<keyof MockContext, string>>;
}

export const MOCK_FAULT_NS = 'urn:egsb:mock:fault:v1';

export function soapMock({ contract, handlers, faults, readContext }: SoapMockOptions): Hono {
  const soap = contract.soap;
  if (soap === undefined) throw new Error(`${contract.manifest.code} is not a SOAP contract`);
  const byElement = new Map<string, { name: string; handler: SoapHandler }>();
  for (const op of contract.model.operations) {
    const handler = handlers[op.name];
    if (handler === undefined) throw new Error(`${contract.manifest.code}: no handler for operation ${op.name}`);
    if (op.input) byElement.set(`{${op.input.namespace}}${op.input.name}`, { name: op.name, handler });
  }
  const app = new Hono();
  app.post('/', async (c) => {
    const version = soapVersionOfContentType(c.req.header('content-type'));
    let plan: FaultPlan;
    try {
      plan = faults.plan(c.req.header(FAULT_HEADER));
    } catch (error) {
      return fault(c, version, true, (error as Error).message);
    }
    await sleep(plan.delayMs, c.req.raw.signal);
    if (plan.fault === FaultKind.DROP) return drop(c);
    if (plan.fault === FaultKind.TIMEOUT) return hang(c);
    if (plan.fault === FaultKind.ERROR) return fault(c, version, false, 'the register failed (injected fault)');

    let bytes: Uint8Array;
    try {
      bytes = await readBody(c);
    } catch (error) {
      if (isTooLarge(error)) return fault(c, version, true, error.message, 413);
      throw error;
    }
    let envelope: ReturnType<typeof parseEnvelope>;
    try {
      envelope = parseEnvelope(bytes);
    } catch (error) {
      if (isEgsbError(error)) return fault(c, version, true, error.message);
      throw error;
    }
    try {
      if (envelope.version !== version)
        return fault(c, version, true, `a SOAP ${envelope.version} envelope came with the content type of SOAP ${version}`);
      const payload = envelope.payload;
      const operation = byElement.get(`{${payload.namespaceUri}}${payload.name}`);
      if (operation === undefined) return fault(c, version, true, `no operation takes {${payload.namespaceUri}}${payload.name}`);
      const errors = soap.validate(payload);
      if (errors.length > 0) return fault(c, version, true, `the request breaks the contract: ${errors[0]?.message ?? ''}`, 400, errors);
      let answer: string;
      try {
        const context = mockContext((name) => c.req.header(name), readContext(payload));
        answer = await operation.handler(payload, context);
      } catch (error) {
        if (error instanceof MockInputError) return fault(c, version, true, error.message);
        throw error;
      }
      if (plan.fault === FaultKind.BREAK_CONTRACT) answer = breakAnswer(answer);
      return c.body(wrap(version, answer), 200, { 'content-type': contentType(version) });
    } finally {
      envelope.dispose();
    }
  });
  app.all('/', (c) => c.text('a SOAP endpoint: POST an envelope', 405, { allow: 'POST' }));
  return app;
}

function contentType(version: SoapVersion): string {
  return version === SoapVersion.V12 ? 'application/soap+xml; charset=utf-8' : 'text/xml; charset=utf-8';
}

function wrap(version: SoapVersion, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${ENVELOPE_NS[version]}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

/** An answer that is well-formed but breaks the contract: an element no schema declares, first. */
function breakAnswer(answer: string): string {
  const end = answer.indexOf('>');
  return `${answer.slice(0, end + 1)}<f:Porucha xmlns:f="${MOCK_FAULT_NS}">injected contract break</f:Porucha>${answer.slice(end + 1)}`;
}

function fault(
  c: Context,
  version: SoapVersion,
  client: boolean,
  message: string,
  status?: number,
  errors: readonly ErrorEntry[] = [],
): Response {
  const env = ENVELOPE_NS[version];
  const detail =
    errors.length === 0
      ? ''
      : `<f:Chyby xmlns:f="${MOCK_FAULT_NS}">${errors
          .slice(0, 10)
          .map((e) => `<f:Chyba><f:Misto>${escapeXml(e.location)}</f:Misto><f:Popis>${escapeXml(e.message)}</f:Popis></f:Chyba>`)
          .join('')}</f:Chyby>`;
  const text = escapeXml(message);
  const body =
    version === SoapVersion.V11
      ? `<soapenv:Fault><faultcode>soapenv:${client ? 'Client' : 'Server'}</faultcode><faultstring xml:lang="cs">${text}</faultstring>${detail ? `<detail>${detail}</detail>` : ''}</soapenv:Fault>`
      : `<soapenv:Fault><soapenv:Code><soapenv:Value>soapenv:${client ? 'Sender' : 'Receiver'}</soapenv:Value></soapenv:Code><soapenv:Reason><soapenv:Text xml:lang="cs">${text}</soapenv:Text></soapenv:Reason>${detail ? `<soapenv:Detail>${detail}</soapenv:Detail>` : ''}</soapenv:Fault>`;
  const code = status ?? (client && version === SoapVersion.V12 ? 400 : 500);
  return c.body(
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${env}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
    code as 400,
    {
      'content-type': contentType(version),
    },
  );
}
