/**
 * The context of a call: for which OVM, in which agenda and activity role, on behalf of which end
 * user, why, and which data items are wanted. It may come in HTTP headers, in a SOAP `ctx:Context`
 * block, and in the request body where the contract maps it; a field given in several places must
 * be the same in all of them. Every field is checked here, once.
 */
import { EgsbError, ErrorCode } from './errors.ts';
import { ContextField } from './types.ts';
import { decodeHeaderText } from './header-text.ts';

export type ContextSource = Partial<Record<ContextField, string>>;

export interface CallContext {
  readonly ovm: string;
  readonly agenda: string;
  readonly role: string;
  readonly userId: string;
  readonly purpose?: string;
  /** A request id the caller gave in the envelope or body instead of the header. */
  readonly requestId?: string;
  /** Wanted data items; undefined means all the service declares. */
  readonly dataItems?: readonly string[];
}

/** Header names of the context fields, as readers send them. */
export const CONTEXT_HEADERS: Readonly<Record<ContextField, string>> = {
  ovm: 'x-egsb-ovm',
  agenda: 'x-egsb-agenda',
  role: 'x-egsb-role',
  userId: 'audit-user-id',
  purpose: 'x-egsb-purpose',
  requestId: 'x-request-id',
  dataItems: 'x-egsb-data-items',
};

const OVM = /^[0-9]{8}$/;
const AGENDA = /^A[0-9]{1,6}$/;
const ROLE = /^CR[0-9]{1,6}$/;
const ITEM = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
// Printable: no control characters (header values arrive decoded; see contracts/header-text.ts).
// No control, format (bidi overrides, zero-width) or lone surrogate characters: a user id must read as it is.
const HEADER_TEXT = /^[^\p{Cc}\p{Cf}\p{Cs}]+$/u;
const MAX_ITEMS = 1000;

/** Reads the context fields from HTTP headers. */
export function headerContext(header: (name: string) => string | undefined): ContextSource {
  const source: ContextSource = {};
  for (const [field, name] of Object.entries(CONTEXT_HEADERS) as [ContextField, string][]) {
    if (field === ContextField.REQUEST_ID) continue;
    const value = header(name);
    if (value !== undefined)
      source[field] = field === ContextField.USER_ID || field === ContextField.PURPOSE ? decodeHeaderText(value) : value;
  }
  return source;
}

/** Merges the sources (named for error messages), checks agreement and every field's form. */
export function resolveContext(sources: Readonly<Record<string, ContextSource | undefined>>): CallContext {
  const merged: ContextSource = {};
  const origin: Partial<Record<ContextField, string>> = {};
  for (const [where, source] of Object.entries(sources)) {
    if (source === undefined) continue;
    for (const [field, raw] of Object.entries(source) as [ContextField, string][]) {
      const value = field === ContextField.DATA_ITEMS ? normaliseItems(raw) : raw;
      const seen = merged[field];
      if (seen !== undefined && seen !== value) {
        const code = field === ContextField.USER_ID ? ErrorCode.AUDIT_USER_MISSING : ErrorCode.CONTEXT_INVALID;
        throw new EgsbError(code, `${field} differs between ${origin[field]} and ${where}`, {
          errors: [{ location: where, rule: 'agree', message: `${field} must be the same wherever it is given` }],
        });
      }
      merged[field] = value;
      origin[field] = where;
    }
  }
  return checkContext(merged);
}

function checkContext(c: ContextSource): CallContext {
  const userId = c.userId;
  if (userId === undefined || userId === '')
    throw new EgsbError(ErrorCode.AUDIT_USER_MISSING, 'the audit-user-id header (or ctx:userId) naming the end user is required');
  if (userId.length > 256)
    throw new EgsbError(ErrorCode.AUDIT_USER_MISSING, `audit-user-id is ${userId.length} characters; at most 256 are allowed`);
  if (!HEADER_TEXT.test(userId)) {
    throw new EgsbError(
      ErrorCode.AUDIT_USER_MISSING,
      'audit-user-id holds a control or format character (such as a bidi override or a zero-width space), or one an HTTP header cannot carry unchanged',
    );
  }
  const problems: { location: string; rule: string; message: string }[] = [];
  const need = (field: ContextField, pattern: RegExp, form: string): string => {
    const value = c[field];
    if (value === undefined || value === '')
      problems.push({ location: CONTEXT_HEADERS[field], rule: 'required', message: `${field} is required` });
    else if (!pattern.test(value))
      problems.push({
        location: CONTEXT_HEADERS[field],
        rule: 'pattern',
        message: `${field} ${JSON.stringify(value.slice(0, 40))} is not ${form}`,
      });
    return value ?? '';
  };
  const ovm = need(ContextField.OVM, OVM, 'an 8-digit OVM code');
  const agenda = need(ContextField.AGENDA, AGENDA, 'an agenda code (A followed by digits, e.g. A121)');
  const role = need(ContextField.ROLE, ROLE, 'an activity role code (CR followed by digits)');
  const purpose = c.purpose;
  if (purpose !== undefined && (purpose.length > 1024 || !HEADER_TEXT.test(purpose))) {
    problems.push({ location: CONTEXT_HEADERS.purpose, rule: 'format', message: 'purpose is at most 1024 printable characters' });
  }
  if (c.requestId !== undefined && !REQUEST_ID.test(c.requestId)) {
    problems.push({ location: 'requestId', rule: 'format', message: 'a request id is 1–128 visible ASCII characters' });
  }
  let dataItems: string[] | undefined;
  if (c.dataItems !== undefined) {
    dataItems = c.dataItems === '' ? [] : c.dataItems.split(' ');
    const bad = dataItems.find((i) => !ITEM.test(i));
    if (bad !== undefined)
      problems.push({
        location: CONTEXT_HEADERS.dataItems,
        rule: 'format',
        message: `${JSON.stringify(bad.slice(0, 64))} is not a data item name`,
      });
    if (dataItems.length > MAX_ITEMS)
      problems.push({ location: CONTEXT_HEADERS.dataItems, rule: 'maxItems', message: `at most ${MAX_ITEMS} data items` });
  }
  if (problems.length > 0) {
    throw new EgsbError(ErrorCode.CONTEXT_INVALID, `call context invalid: ${problems.map((p) => p.message).join('; ')}`, {
      errors: problems,
    });
  }
  return {
    ovm,
    agenda,
    role,
    userId,
    ...(purpose ? { purpose } : {}),
    ...(c.requestId ? { requestId: c.requestId } : {}),
    ...(dataItems ? { dataItems } : {}),
  };
}

/** Data item lists compare as sets: order and repeats do not matter. */
function normaliseItems(raw: string): string {
  return [
    ...new Set(
      raw
        .trim()
        .split(/[\s,]+/)
        .filter((t) => t !== ''),
    ),
  ]
    .sort()
    .join(' ');
}
