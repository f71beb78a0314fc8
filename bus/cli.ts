/**
 * The `egsb` command. `egsb publish <bundle-dir>` sends a bundle to a running bus;
 * `egsb import-authorisations <file>` sends a YAML or JSON list of authorisations to the operator API
 * in one import; `egsb async status` shows the asynchronous queues; `egsb call` and `egsb catalogue`
 * read shared data through the shared-data connector. EGSB_URL (default http://127.0.0.1:8080) and EGSB_API_KEY (the publishing AIS's key,
 * or the operator token), or --url and --key.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { CALL_USAGE, EXIT_CODES, ExitCode, exitCodeOfStatus, runCallCli, runCatalogueCli } from '../connectors/index.ts';
import type { AsyncStatus } from './async/index.ts';
import { readBundleDir } from '../contracts/index.ts';
import { readSeedFile } from './seed.ts';

/** Where the command writes; process.stdout and process.stderr by default. */
export interface Writer {
  write(text: string): unknown;
}

const USAGE = `usage: egsb publish <bundle-dir> [--url URL] [--key KEY]
       egsb import-authorisations <file.yaml|file.json> [--replace] [--url URL] [--key OPERATOR-TOKEN]
       egsb async status [--json] [--url URL] [--key OPERATOR-TOKEN]
       egsb async retry|fail <ticket> [--url URL] [--key OPERATOR-TOKEN]
       egsb seed <file.yaml|file.json> [--url URL] [--key OPERATOR-TOKEN]

  publish                 compile and publish a contract bundle (manifest.json + WSDL/XSD or JSON Schemas)
  import-authorisations   create or update every authorisation in the file in one transaction;
                          --replace also removes those the file does not name
  async status            the asynchronous mode's streams, consumers, and per service the calls
                          queued, running and failed, with the age of the oldest waiting
  async retry             deliver a queued or failed ticket again
  async fail              give up an open ticket (it fails with EGSB_PROVIDER_UNAVAILABLE)
  seed                    add what a seed file declares and the registry lacks (agendas, OVMs, AIS
                          with keys, sources, services, authorisations); nothing that exists changes

Environment: EGSB_URL (default http://127.0.0.1:8080), EGSB_API_KEY.

Reading shared data as a reader AIS:
${CALL_USAGE}

${EXIT_CODES}`;

export async function runCli(argv: readonly string[], out: Writer = process.stdout, err: Writer = process.stderr): Promise<number> {
  if (argv[0] === 'call') return runCallCli(argv.slice(1), out, err);
  if (argv[0] === 'catalogue' || argv[0] === 'catalog') return runCatalogueCli(argv.slice(1), out, err);
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      replace: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, file, ticket] = positionals;
  if (command === 'async' && file === 'status') return asyncStatus(values, out, err);
  if (command === 'async' && (file === 'retry' || file === 'fail') && ticket !== undefined) {
    const url = (values.url ?? process.env.EGSB_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    const body = await askBus(
      url,
      values.key ?? process.env.EGSB_API_KEY,
      `/admin/async/tickets/${encodeURIComponent(ticket)}/${file}`,
      { method: 'POST' },
      err,
    );
    if (typeof body === 'number') return body;
    out.write(`${String(body.ticket)}: ${String(body.status)}\n`);
    return ExitCode.OK;
  }
  if (values.help || !['publish', 'import-authorisations', 'seed'].includes(command ?? '') || file === undefined) {
    (values.help ? out : err).write(`${USAGE}\n`);
    return values.help ? ExitCode.OK : ExitCode.USAGE;
  }
  const url = (values.url ?? process.env.EGSB_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = values.key ?? process.env.EGSB_API_KEY;
  let path: string;
  let payload: unknown;
  try {
    if (command === 'publish') {
      path = '/publish';
      payload = await readBundleDir(file);
    } else if (command === 'seed') {
      path = '/admin/seed';
      payload = await readSeedFile(file);
    } else {
      path = '/admin/authorisations/import';
      const text = await readFile(file, 'utf8');
      const parsed = (/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 })) as unknown;
      const authorisations = Array.isArray(parsed) ? parsed : (parsed as { authorisations?: unknown } | null)?.authorisations;
      if (!Array.isArray(authorisations)) throw new Error(`${file} holds neither a list of authorisations nor {authorisations: [...]}`);
      payload = { authorisations, ...(values.replace ? { replace: true } : {}) };
    }
  } catch (error) {
    err.write(`egsb: ${(error as Error).message}\n`);
    return ExitCode.USAGE;
  }
  const body = await askBus(
    url,
    key,
    path,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) },
    err,
  );
  if (typeof body === 'number') return body;
  if (command === 'seed') {
    const list = (name: string) => (body[name] as string[] | undefined) ?? [];
    out.write(`seed: ${list('created').length} created, ${list('kept').length} already there and kept\n`);
    for (const what of list('created')) out.write(`  created ${what}\n`);
    for (const key of (body.newKeys as { ais: number; label: string; apiKey: string }[] | undefined) ?? [])
      out.write(`  API key for AIS ${key.ais} (${key.label}), shown once: ${key.apiKey}\n`);
  } else if (command === 'publish') {
    out.write(
      `${String(body.code)} ${String(body.version)}: ${String(body.outcome)} (operations: ${(body.operations as string[]).join(', ')})\n`,
    );
  } else {
    const list = (name: string) => (body[name] as string[] | undefined) ?? [];
    out.write(
      `${String(body.total)} authorisations: ${list('created').length} created, ${list('updated').length} updated, ${String(body.unchanged)} unchanged, ${list('removed').length} removed\n`,
    );
    for (const name of ['created', 'updated', 'removed'])
      if (list(name).length > 0 && list(name).length <= 50) out.write(`  ${name}: ${list(name).join(', ')}\n`);
  }
  return ExitCode.OK;
}

/** One request to the bus: its JSON answer, or the exit code after saying what went wrong. */
async function askBus(
  url: string,
  key: string | undefined,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  err: Writer,
): Promise<Record<string, unknown> | number> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, { ...init, headers: { ...init.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) } });
  } catch (error) {
    err.write(`egsb: cannot reach the bus at ${url}: ${(error as Error).message}\n`);
    return ExitCode.UNAVAILABLE;
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    err.write(`egsb: ${String(body.code ?? response.status)}: ${String(body.detail ?? response.statusText)}\n`);
    for (const e of (body.errors as { location: string; message: string }[] | undefined) ?? [])
      err.write(`  ${e.location}: ${e.message}\n`);
    return exitCodeOfStatus(response.status);
  }
  return body;
}

async function asyncStatus(
  values: { url?: string | undefined; key?: string | undefined; json?: boolean | undefined },
  out: Writer,
  err: Writer,
): Promise<number> {
  const url = (values.url ?? process.env.EGSB_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = values.key ?? process.env.EGSB_API_KEY;
  const body = await askBus(url, key, '/admin/async', {}, err);
  if (typeof body === 'number') return body;
  if (values.json) {
    out.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const status = body as unknown as AsyncStatus;
  out.write(`NATS: ${status.nats}\n`);
  for (const s of status.streams) out.write(`stream ${s.name}: ${s.messages} messages, ${s.bytes} bytes\n`);
  for (const c of status.consumers)
    out.write(`consumer ${c.name}: ${c.pending} waiting, ${c.ackPending} being delivered, ${c.redelivered} redelivered\n`);
  if (status.services.length === 0) out.write('no open or failed tickets\n');
  for (const s of status.services) {
    const oldest = s.oldestPendingSeconds !== undefined ? `, oldest waiting ${s.oldestPendingSeconds} s` : '';
    out.write(`${s.service} v${s.version}: ${s.queued} queued, ${s.running} running, ${s.failed} failed${oldest}\n`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
