/**
 * SOAP for callers who would rather not write XML: a plain object becomes the body element of an
 * operation's request (its element name and namespace from the catalogue), and an answer becomes a
 * plain object again. Every element is written in the request element's namespace, as schemas with
 * `elementFormDefault="qualified"` (ISZR's and the mocks') want, in the order of the object's keys,
 * which must follow the schema's sequence; arrays repeat an element. Text stays text: no number or
 * date is guessed from it, so IČO and AIFO keep their leading zeros and padding.
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from '../../contracts/index.ts';

export type SoapVersion = '1.1' | '1.2';

export interface QName {
  readonly namespace: string;
  readonly name: string;
}

const ENVELOPE: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

export function envelopeOf(version: SoapVersion, input: QName, data: Readonly<Record<string, unknown>>): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ENVELOPE[version]}"><s:Body>` +
    `<m:${input.name} xmlns:m="${escapeXml(input.namespace)}">${children(data, input.name)}</m:${input.name}></s:Body></s:Envelope>`
  );
}

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

function children(data: Readonly<Record<string, unknown>>, path: string): string {
  let out = '';
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (!NAME.test(key)) throw new TypeError(`${path}: ${JSON.stringify(key)} cannot be an XML element name`);
    for (const item of Array.isArray(value) ? value : [value]) out += element(key, item, `${path}/${key}`);
  }
  return out;
}

function element(name: string, value: unknown, path: string): string {
  if (value === null) return `<m:${name}/>`;
  if (typeof value === 'object' && !(value instanceof Date))
    return `<m:${name}>${children(value as Record<string, unknown>, path)}</m:${name}>`;
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `<m:${name}>${escapeXml(text)}</m:${name}>`;
}

export interface ReadEnvelope {
  /** The answer's body element as a plain object (absent for a fault). */
  readonly body?: Record<string, unknown>;
  readonly bodyName?: string;
  readonly fault?: {
    readonly text: string;
    readonly code?: string;
    readonly requestId?: string;
    readonly errors: readonly { location: string; rule?: string; message: string }[];
  };
  /** From the bus's `egsbctx:Context` header block. */
  readonly dataItems?: readonly string[];
  readonly refusedItems?: readonly string[];
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

/** Reads a SOAP answer; throws a TypeError when it is not a SOAP envelope. */
export function readEnvelope(xml: string): ReadEnvelope {
  const doc = parser.parse(xml) as Record<string, unknown>;
  const envelope = asObject(doc.Envelope);
  const body = asObject(envelope?.Body);
  if (envelope === undefined || body === undefined) throw new TypeError('the answer is not a SOAP envelope');
  const context = asObject(asObject(envelope.Header)?.Context);
  const items = (key: string): readonly string[] | undefined => {
    const raw = context?.[key];
    return typeof raw === 'string' ? raw.split(/\s+/).filter((i) => i !== '') : undefined;
  };
  const dataItems = items('dataItems');
  const refusedItems = items('refusedItems');
  const withItems = { ...(dataItems ? { dataItems } : {}), ...(refusedItems ? { refusedItems } : {}) };
  const fault = asObject(body.Fault);
  if (fault !== undefined) {
    const text = String(fault.faultstring ?? asObject(fault.Reason)?.Text ?? 'SOAP fault');
    const error = asObject(asObject(fault.detail ?? fault.Detail)?.Error);
    const entries = asObject(error?.errors)?.error;
    const errors = (Array.isArray(entries) ? entries : entries === undefined ? [] : [entries]).map((e) => {
      const o = asObject(e) ?? {};
      return { location: String(o.location ?? ''), rule: String(o.rule ?? ''), message: String(o.message ?? '') };
    });
    return {
      fault: {
        text,
        ...(typeof error?.code === 'string' ? { code: error.code } : {}),
        ...(typeof error?.requestId === 'string' ? { requestId: error.requestId } : {}),
        errors,
      },
      ...withItems,
    };
  }
  const [bodyName, content] = Object.entries(body)[0] ?? [];
  return { ...(bodyName !== undefined ? { bodyName, body: asObject(content) ?? {} } : {}), ...withItems };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
