/**
 * `egsb call` and `egsb catalogue`: the shared-data client for people and scripts. Readable output
 * by default, `--json` for scripts, a progress line per state while an asynchronous ticket runs, and
 * exit codes that tell the outcomes apart (EXIT_CODES, one table for every egsb command).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createSharedDataClient, type Answer, type SharedDataClient } from './client.ts';
import { InvalidCallError, PendingError, ProviderError, RefusedError, SharedDataError, UnavailableError } from './errors.ts';

export interface Writer {
  write(text: string): unknown;
}

/** The one table of exit codes for every `egsb` command. */
export const ExitCode = { OK: 0, USAGE: 2, UNAVAILABLE: 3, REFUSED: 4, INVALID: 5, PROVIDER: 6, PENDING: 7 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES = `Exit codes: 0 done; 2 usage or local error; 3 unavailable (bus, queue or provider; try later);
4 refused (credentials, agenda, role, authorisation or a conflict); 5 invalid (service, operation, data or file);
6 the provider answered with its own error; 7 an asynchronous result not there within --wait.`;

/** The exit code of a refusal by the bus, from its HTTP status. */
export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 401 || status === 403 || status === 409 || status === 429) return ExitCode.REFUSED;
  if (status >= 500) return ExitCode.UNAVAILABLE;
  return ExitCode.INVALID;
}

export const CALL_USAGE = `usage: egsb call <service> <operation> --data <file.json | - | JSON> --user <audit user> --purpose <text>
                 [--async] [--wait MS] [--items "Jmeno Prijmeni"] [--version N] [--request-id ID]
                 [--ovm IČO] [--agenda A…] [--role CR…] [--json] [--url URL] [--key API-KEY]
       egsb catalogue [--json] [--url URL] [--key API-KEY]

Environment: EGSB_URL (default http://127.0.0.1:8080), EGSB_API_KEY, EGSB_OVM, EGSB_AGENDA, EGSB_ROLE.`;

const OPTIONS = {
  data: { type: 'string' },
  user: { type: 'string' },
  purpose: { type: 'string' },
  async: { type: 'boolean' },
  wait: { type: 'string' },
  items: { type: 'string' },
  version: { type: 'string' },
  'request-id': { type: 'string' },
  ovm: { type: 'string' },
  agenda: { type: 'string' },
  role: { type: 'string' },
  json: { type: 'boolean' },
  url: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>['values'];

function parse(argv: readonly string[], err: Writer): { values: Values; positionals: string[] } | undefined {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    err.write(`egsb: ${(error as Error).message}\n${CALL_USAGE}\n\n${EXIT_CODES}\n`);
    return undefined;
  }
}

function clientOf(values: Values, env: NodeJS.ProcessEnv, needsContext: boolean): SharedDataClient {
  const key = values.key ?? env.EGSB_API_KEY;
  if (key === undefined || key === '')
    throw new InvalidCallError('an API key is needed: --key or EGSB_API_KEY', { code: 'EGSB_CLIENT_USAGE' });
  // Listing the catalogue needs no context; the client still wants well-formed values.
  const context = (name: 'ovm' | 'agenda' | 'role', variable: string, placeholder: string): string => {
    const value = values[name] ?? env[variable];
    if (value === undefined && needsContext)
      throw new InvalidCallError(`--${name} or ${variable} is needed`, { code: 'EGSB_CLIENT_USAGE' });
    return value ?? placeholder;
  };
  return createSharedDataClient({
    busUrl: values.url ?? env.EGSB_URL ?? 'http://127.0.0.1:8080',
    credentials: { apiKey: key },
    ovm: context('ovm', 'EGSB_OVM', '00000000'),
    agenda: context('agenda', 'EGSB_AGENDA', 'A0'),
    role: context('role', 'EGSB_ROLE', 'CR0'),
  });
}

async function readData(source: string): Promise<Record<string, unknown>> {
  const text = source.trimStart().startsWith('{') ? source : await readFile(source === '-' ? '/dev/stdin' : source, 'utf8');
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--data must hold a JSON object');
  return parsed as Record<string, unknown>;
}

export async function runCallCli(argv: readonly string[], out: Writer, err: Writer, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parse(argv, err);
  if (args === undefined) return ExitCode.USAGE;
  const { values, positionals } = args;
  const [service, operation] = positionals;
  if (values.help) {
    out.write(`${CALL_USAGE}\n\n${EXIT_CODES}\n`);
    return ExitCode.OK;
  }
  if (service === undefined || operation === undefined || values.data === undefined) {
    err.write(`egsb: call needs a service, an operation and --data\n${CALL_USAGE}\n\n${EXIT_CODES}\n`);
    return ExitCode.USAGE;
  }
  const number = (name: 'wait' | 'version'): number | undefined | 'bad' => {
    const raw = values[name];
    return raw === undefined ? undefined : /^[0-9]{1,9}$/.test(raw) ? Number(raw) : 'bad';
  };
  const wait = number('wait');
  const version = number('version');
  if (wait === 'bad' || version === 'bad' || version === 0) {
    err.write(`egsb: --wait is milliseconds and --version a major version, both whole numbers\n`);
    return ExitCode.USAGE;
  }
  let data: Record<string, unknown>;
  try {
    data = await readData(values.data);
  } catch (error) {
    err.write(`egsb: cannot read --data: ${(error as Error).message}\n`);
    return ExitCode.USAGE;
  }
  let client: SharedDataClient | undefined;
  try {
    client = clientOf(values, env, true);
    const options = {
      auditUserId: values.user ?? '',
      purpose: values.purpose ?? '',
      ...(values.items !== undefined ? { dataItems: values.items.split(/[\s,]+/).filter((i) => i !== '') } : {}),
      ...(version !== undefined ? { version } : {}),
      ...(values['request-id'] !== undefined ? { requestId: values['request-id'] } : {}),
    };
    let answer: Answer;
    if (values.async) {
      const submitted = await client.submit(service, operation, data, options);
      err.write(`ticket ${submitted.ticket}: queued\n`);
      let last = 'queued';
      answer = await client.result(submitted.ticket, {
        waitMs: wait ?? 120_000,
        onState: (status) => {
          if (status !== last) err.write(`ticket ${submitted.ticket}: ${(last = status)}\n`);
        },
      });
      err.write(`ticket ${submitted.ticket}: succeeded\n`);
    } else {
      answer = await client.call(service, operation, data, options);
    }
    if (values.json) {
      out.write(
        `${JSON.stringify({ requestId: answer.requestId, ...(answer.ticket ? { ticket: answer.ticket } : {}), status: answer.status, dataItems: answer.dataItems, refusedItems: answer.refusedItems, data: answer.data })}\n`,
      );
    } else {
      out.write(`${service} ${operation}: request ${answer.requestId}${answer.ticket ? `, ticket ${answer.ticket}` : ''}\n`);
      out.write(`data items: ${answer.dataItems.join(' ') || '(none named)'}\n`);
      if (answer.refusedItems.length > 0) out.write(`refused:    ${answer.refusedItems.join(' ')}\n`);
      out.write(`${JSON.stringify(answer.data, null, 2)}\n`);
    }
    return ExitCode.OK;
  } catch (error) {
    return report(error, values.json === true, out, err);
  } finally {
    await client?.close();
  }
}

export async function runCatalogueCli(
  argv: readonly string[],
  out: Writer,
  err: Writer,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const args = parse(argv, err);
  if (args === undefined) return ExitCode.USAGE;
  let client: SharedDataClient | undefined;
  try {
    client = clientOf(args.values, env, false);
    const services = await client.catalogue();
    if (args.values.json) out.write(`${JSON.stringify({ services })}\n`);
    else {
      for (const s of services) {
        out.write(`${s.code} v${s.version}  ${s.protocol} ${s.modes.join('+')}  source ${s.source}${s.name ? `  ${s.name}` : ''}\n`);
        out.write(`  operations: ${s.operations.join(', ')}\n  data items: ${s.dataItems.join(' ')}\n`);
      }
    }
    return ExitCode.OK;
  } catch (error) {
    return report(error, args.values.json === true, out, err);
  } finally {
    await client?.close();
  }
}

function report(error: unknown, json: boolean, out: Writer, err: Writer): number {
  if (!(error instanceof SharedDataError)) {
    err.write(`egsb: ${(error as Error).message}\n`);
    return ExitCode.USAGE;
  }
  const code = exitCodeOf(error);
  if (json) {
    out.write(
      `${JSON.stringify({ error: { kind: error.name, code: error.code, detail: error.detail, ...(error.requestId ? { requestId: error.requestId } : {}), ...(error.ticket ? { ticket: error.ticket } : {}), ...(error.errors.length ? { errors: error.errors } : {}), ...(error instanceof ProviderError ? { answer: error.answer } : {}) } })}\n`,
    );
  } else {
    err.write(`egsb: ${error.code}: ${error.detail}${error.requestId ? ` (request ${error.requestId})` : ''}\n`);
    for (const e of error.errors) err.write(`  ${e.location}: ${e.message}\n`);
  }
  return code;
}

function exitCodeOf(error: SharedDataError): number {
  if (error.code === 'EGSB_CLIENT_USAGE') return ExitCode.USAGE;
  if (error instanceof RefusedError) return ExitCode.REFUSED;
  if (error instanceof UnavailableError) return ExitCode.UNAVAILABLE;
  if (error instanceof ProviderError) return ExitCode.PROVIDER;
  if (error instanceof PendingError) return ExitCode.PENDING;
  return ExitCode.INVALID;
}
