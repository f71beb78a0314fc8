import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EgsbError, ErrorCode, errorCatalogue } from './errors.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// The error table's rows start with the code; configuration variables elsewhere share the prefix.
const documented = new Set([...readme.matchAll(/^\| `(EGSB_[A-Z_]+)` \| \d{3} \|/gm)].map((m) => m[1]));

describe('error catalogue', () => {
  it('documents every code in README.md', () => {
    const missing = Object.values(ErrorCode).filter((code) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('has a code for every one README.md documents', () => {
    const known = new Set<string>(Object.values(ErrorCode));
    expect([...documented].filter((code) => !known.has(code as string))).toEqual([]);
  });

  it('gives each code the status of its row in README.md', () => {
    for (const [code, { status }] of Object.entries(errorCatalogue)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toContain(`| ${status} |`);
    }
  });

  it('renders problem+json with the catalogue type, status and request id', () => {
    const error = new EgsbError(ErrorCode.REQUEST_INVALID, 'bad', {
      errors: [{ location: '/a', rule: 'type', message: 'must be string' }],
    });
    expect(error.toProblem('r-1')).toEqual({
      type: 'urn:egsb:error:EGSB_REQUEST_INVALID',
      title: 'Request breaks the contract',
      status: 400,
      detail: 'bad',
      code: 'EGSB_REQUEST_INVALID',
      requestId: 'r-1',
      errors: [{ location: '/a', rule: 'type', message: 'must be string' }],
    });
  });

  it('renders a SOAP 1.1 Client fault and a SOAP 1.2 Receiver fault with the ctx detail', () => {
    const v11 = new EgsbError(ErrorCode.CONTEXT_INVALID, 'agenda <a121> is malformed').toSoapFault('1.1', 'req-<1>');
    expect(v11).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(v11).toContain('agenda &lt;a121&gt; is malformed');
    expect(v11).toContain('<ctx:code>EGSB_CONTEXT_INVALID</ctx:code><ctx:requestId>req-&lt;1&gt;</ctx:requestId>');
    const v12 = new EgsbError(ErrorCode.PROVIDER_TIMEOUT, 'slow').toSoapFault('1.2');
    expect(v12).toContain('<soapenv:Value>soapenv:Receiver</soapenv:Value>');
    expect(v12).toContain('http://www.w3.org/2003/05/soap-envelope');
  });
});
