/**
 * SOAP envelopes for callers who would rather not write XML: the request element (written from the
 * service's schemas, see schema-message.ts) goes in an envelope, and an answer becomes a plain object
 * again: namespace prefixes dropped, attributes as `@name` keys beside `$value` where an element has
 * them. Text stays text: no number or date is guessed from it, so IČO and AIFO keep their leading
 * zeros and padding.
 */
import { XMLParser } from 'fast-xml-parser';

export type SoapVersion = '1.1' | '1.2';

const ENVELOPE: Readonly<Record<SoapVersion, string>> = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
};

/** The request element (written from the service's schemas) in a SOAP envelope. */
export function envelopeOf(version: SoapVersion, element: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${ENVELOPE[version]}"><s:Body>${element}</s:Body></s:Envelope>`;
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
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '$value',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  // Namespace declarations and xml:lang say nothing about the data.
  updateTag: (_tag, _path, attributes) => {
    for (const name of Object.keys(attributes))
      if (name === '@xmlns' || name.startsWith('@xmlns:') || name === '@lang') delete attributes[name];
    return true;
  },
});

/** An element's text whether or not it carried attributes. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const o = asObject(value);
  return typeof o?.$value === 'string' ? o.$value : undefined;
}

/** Reads a SOAP answer; throws a TypeError when it is not a SOAP envelope. */
export function readEnvelope(xml: string): ReadEnvelope {
  const doc = parser.parse(xml) as Record<string, unknown>;
  const envelope = asObject(doc.Envelope);
  const body = asObject(envelope?.Body);
  if (envelope === undefined || body === undefined) throw new TypeError('the answer is not a SOAP envelope');
  const context = asObject(asObject(envelope.Header)?.Context);
  const items = (key: string): readonly string[] | undefined => {
    const raw = textOf(context?.[key]);
    return raw !== undefined ? raw.split(/\s+/).filter((i) => i !== '') : undefined;
  };
  const dataItems = items('dataItems');
  const refusedItems = items('refusedItems');
  const withItems = { ...(dataItems ? { dataItems } : {}), ...(refusedItems ? { refusedItems } : {}) };
  const fault = asObject(body.Fault);
  if (fault !== undefined) {
    const text = textOf(fault.faultstring) ?? textOf(asObject(fault.Reason)?.Text) ?? 'SOAP fault';
    const error = asObject(asObject(fault.detail ?? fault.Detail)?.Error);
    const errorCode = textOf(error?.code);
    const errorRequestId = textOf(error?.requestId);
    const entries = asObject(error?.errors)?.error;
    const errors = (Array.isArray(entries) ? entries : entries === undefined ? [] : [entries]).map((e) => {
      const o = asObject(e) ?? {};
      return { location: textOf(o.location) ?? '', rule: textOf(o.rule) ?? '', message: textOf(o.message) ?? '' };
    });
    return {
      fault: {
        text,
        ...(errorCode !== undefined ? { code: errorCode } : {}),
        ...(errorRequestId !== undefined ? { requestId: errorRequestId } : {}),
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
