/**
 * The `egsb` command, on commander: one command tree with help per command, `--version`, `--json`
 * on every command, unknown options refused (exit 2), and one exit-code table (EXIT_CODES). Every
 * command talks to a running bus over its HTTP API: EGSB_URL (default http://127.0.0.1:8080) and
 * EGSB_API_KEY (an AIS's key, or the operator token), or --url and --key. `egsb call` and
 * `egsb catalogue` read shared data through the shared-data connector.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { CALL_USAGE, EXIT_CODES, ExitCode, exitCodeOfStatus, runCallCli, runCatalogueCli } from '../connectors/index.ts';
import type { AsyncStatus } from './async/index.ts';
import { createVerifier, type EvidenceLine } from './audit/index.ts';
import { readBundleDir } from '../contracts/index.ts';
import { readSeedFile } from './seed.ts';

/** Where the command writes; process.stdout and process.stderr by default. */
export interface Writer {
  write(text: string): unknown;
}

interface Common {
  readonly url?: string;
  readonly key?: string;
  readonly json?: boolean;
}

/** The package's version: package.json is one folder up from bus/, two from dist/bus/. */
const VERSION = ((): string => {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'egsb' && pkg.version) return pkg.version;
    } catch {
      // not here; one more folder up
    }
  }
  return 'unknown';
})();

/** A failure already told to the user; carries the exit code. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export async function runCli(argv: readonly string[], out: Writer = process.stdout, err: Writer = process.stderr): Promise<number> {
  // The shared-data commands keep their own option parsing (they are also the connector's CLI).
  if (argv[0] === 'call') return runCallCli(argv.slice(1), out, err);
  if (argv[0] === 'catalogue' || argv[0] === 'catalog') return runCatalogueCli(argv.slice(1), out, err);
  const program = buildProgram(out, err);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof Exit) return error.code;
    if (error instanceof CommanderError) {
      // --help and --version asked for; help shown because a command was missing is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.OK;
      return ExitCode.USAGE;
    }
    err.write(`egsb: ${(error as Error).message}\n`);
    return ExitCode.USAGE;
  }
}

function buildProgram(out: Writer, err: Writer): Command {
  const program = new Command('egsb')
    .description('Operate an egsb bus and read shared data through it.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(egsb <command> --help shows how)')
    .addHelpText('after', `\n${EXIT_CODES}\n\nEnvironment: EGSB_URL (default http://127.0.0.1:8080), EGSB_API_KEY.`);
  program.exitOverride().configureOutput({ writeOut: (s) => void out.write(s), writeErr: (s) => void err.write(s) });
  // Subcommands inherit none of these by default: set them on each.
  const command = (parent: Command, name: string, description: string): Command => {
    const c = parent
      .command(name)
      .description(description)
      .exitOverride()
      .configureOutput({ writeOut: (s) => void out.write(s), writeErr: (s) => void err.write(s) })
      .showHelpAfterError('(add --help to see how)');
    return c;
  };
  const leaf = (parent: Command, name: string, description: string): Command =>
    command(parent, name, description)
      .addOption(new Option('--url <url>', 'the bus').env('EGSB_URL'))
      .addOption(new Option('--key <key>', 'an AIS API key, or the operator token').env('EGSB_API_KEY'))
      .option('--json', 'print the JSON the bus answers');

  const bus = (o: Common) => new BusClient(o, out, err);

  command(program, 'call', 'call a service as a reader AIS (see egsb call --help)').helpOption(false).allowUnknownOption();
  command(program, 'catalogue', 'list the services you can call').helpOption(false).allowUnknownOption();
  program.addHelpText('after', `\nReading shared data as a reader AIS:\n${CALL_USAGE}`);

  leaf(program, 'publish', 'compile and publish a contract bundle (manifest.json + WSDL/XSD or JSON Schemas)')
    .argument('<bundle-dir>')
    .option('--manifest <name>', 'which manifest of a folder holding several services (<name>.manifest.json)')
    .action(async (dir: string, o: Common & { manifest?: string }) => {
      const upload = await local(() => readBundleDir(dir, o.manifest), err);
      const body = await bus(o).send('POST', '/publish', upload);
      bus(o).print(
        body,
        () => `${s(body.code)} ${s(body.version)}: ${s(body.outcome)} (operations: ${(body.operations as string[]).join(', ')})`,
      );
    });

  const importAuthorisations = async (file: string, o: Common & { replace?: boolean }): Promise<void> => {
    const payload = await local(async () => {
      const text = await readFile(file, 'utf8');
      const parsed = (/\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 })) as unknown;
      const list = Array.isArray(parsed) ? parsed : (parsed as { authorisations?: unknown } | null)?.authorisations;
      if (!Array.isArray(list)) throw new Error(`${file} holds neither a list of authorisations nor {authorisations: [...]}`);
      return { authorisations: list, ...(o.replace ? { replace: true } : {}) };
    }, err);
    const body = await bus(o).send('POST', '/admin/authorisations/import', payload);
    const names = (name: string) => (body[name] as string[] | undefined) ?? [];
    bus(o).print(body, () =>
      [
        `${s(body.total)} authorisations: ${names('created').length} created, ${names('updated').length} updated, ${s(body.unchanged)} unchanged, ${names('removed').length} removed`,
        ...['created', 'updated', 'removed']
          .filter((n) => names(n).length > 0 && names(n).length <= 50)
          .map((n) => `  ${n}: ${names(n).join(', ')}`),
      ].join('\n'),
    );
  };
  leaf(program, 'import-authorisations', 'create or update every authorisation in a YAML or JSON file, in one transaction')
    .argument('<file>')
    .option('--replace', 'also remove the authorisations the file does not name')
    .action(importAuthorisations);

  leaf(program, 'seed', 'add what a seed file declares and the registry lacks; nothing that exists changes')
    .argument('<file>')
    .action(async (file: string, o: Common) => {
      const seed = await local(() => readSeedFile(file), err);
      const body = await bus(o).send('POST', '/admin/seed', seed);
      const created = (body.created as string[] | undefined) ?? [];
      bus(o).print(body, () =>
        [
          `seed: ${created.length} created, ${((body.kept as unknown[] | undefined) ?? []).length} already there and kept`,
          ...created.map((what) => `  created ${what}`),
          ...((body.newKeys as { ais: number; label: string; apiKey: string }[] | undefined) ?? []).map(
            (k) => `  API key for AIS ${k.ais} (${k.label}), shown once: ${k.apiKey}`,
          ),
        ].join('\n'),
      );
    });

  command(program, 'dev-certs', 'make a local CA, a server certificate for 127.0.0.1 and a client certificate (openssl)')
    .option('--dir <dir>', 'where to write them', 'certs')
    .option('--json', 'print what was made as JSON')
    .action((o: { dir: string; json?: boolean }) => {
      const made = local(async () => makeDevCertificates(o.dir), err);
      return made.then((result) => {
        if (o.json) return void out.write(`${JSON.stringify(result, null, 2)}\n`);
        out.write(
          [
            `${result.made ? 'made' : 'kept (already there)'}: ${result.dir}/ca.crt, server.crt/.key (127.0.0.1, localhost), reader.crt/.key`,
            `client certificate fingerprint (SHA-256): ${result.fingerprint}`,
            `start the bus with: EGSB_TLS_CERT=${result.dir}/server.crt EGSB_TLS_KEY=${result.dir}/server.key EGSB_TLS_CLIENT_CA=${result.dir}/ca.crt`,
            '',
          ].join('\n'),
        );
      });
    });

  // --- the registry (operator) ---
  const ais = command(program, 'ais', 'AIS in the registry (operator)');
  leaf(ais, 'list', 'every AIS').action(async (o: Common) => {
    const body = await bus(o).send('GET', '/admin/ais');
    bus(o).print(body, () => table((body.ais as Record<string, unknown>[]).map((a) => [s(a.id), s(a.state), s(a.name)])));
  });
  leaf(ais, 'get', 'one AIS')
    .argument('<id>')
    .action(async (id: string, o: Common) => {
      const body = await bus(o).send('GET', `/admin/ais/${enc(id)}`);
      bus(o).print(body, () => yamlish(body));
    });
  for (const [name, state, what] of [
    ['suspend', 'suspended', 'suspend an AIS: its calls are refused until it is active again'],
    ['activate', 'active', 'make an AIS active again'],
    ['block', 'blocked', 'block an AIS'],
  ] as const) {
    leaf(ais, name, what)
      .argument('<id>')
      .action(async (id: string, o: Common) => {
        const body = await bus(o).send('PATCH', `/admin/ais/${enc(id)}`, { state });
        bus(o).print(body, () => `AIS ${s(body.id)}: ${s(body.state)}`);
      });
  }

  const credentials = command(program, 'credentials', "an AIS's API keys and certificates (operator)");
  leaf(credentials, 'list', "an AIS's credentials (never the keys)")
    .argument('<ais>')
    .action(async (id: string, o: Common) => {
      const body = await bus(o).send('GET', `/admin/ais/${enc(id)}/credentials`);
      bus(o).print(body, () =>
        table((body.credentials as Record<string, unknown>[]).map((c) => [s(c.id), s(c.kind), s(c.label ?? ''), s(c.validTo ?? '')])),
      );
    });
  leaf(credentials, 'issue', 'make a new API key for an AIS (shown once)')
    .argument('<ais>')
    .option('--label <label>', 'what the key is for')
    .action(async (id: string, o: Common & { label?: string }) => {
      const body = await bus(o).send('POST', `/admin/ais/${enc(id)}/credentials`, {
        kind: 'api-key',
        ...(o.label ? { label: o.label } : {}),
      });
      bus(o).print(body, () => `credential ${s(body.id)} for AIS ${id}; API key, shown once: ${s(body.apiKey)}`);
    });
  leaf(credentials, 'revoke', 'revoke a credential')
    .argument('<ais>')
    .argument('<credential>')
    .action(async (id: string, credential: string, o: Common) => {
      await bus(o).send('DELETE', `/admin/ais/${enc(id)}/credentials/${enc(credential)}`);
      bus(o).print({ revoked: credential }, () => `credential ${credential} revoked`);
    });
  leaf(credentials, 'rotate', 'issue a new API key with the same label, then revoke the old one')
    .argument('<ais>')
    .argument('<credential>')
    .action(async (id: string, credential: string, o: Common) => {
      const client = bus(o);
      const list = await client.send('GET', `/admin/ais/${enc(id)}/credentials`);
      const old = (list.credentials as Record<string, unknown>[]).find((c) => c.id === credential);
      if (old === undefined) {
        err.write(`egsb: AIS ${id} has no credential ${credential}\n`);
        throw new Exit(ExitCode.INVALID);
      }
      const made = await client.send('POST', `/admin/ais/${enc(id)}/credentials`, {
        kind: 'api-key',
        ...(typeof old.label === 'string' ? { label: old.label } : {}),
      });
      await client.send('DELETE', `/admin/ais/${enc(id)}/credentials/${enc(credential)}`);
      client.print(
        { ...made, revoked: credential },
        () => `credential ${credential} revoked; new ${s(made.id)}, API key shown once: ${s(made.apiKey)}`,
      );
    });

  const authorisations = command(program, 'authorisations', 'legal authorisations (operator)');
  leaf(authorisations, 'list', 'authorisations, filtered')
    .option('--agenda <code>')
    .option('--role <code>')
    .option('--source <code>')
    .action(async (o: Common & { agenda?: string; role?: string; source?: string }) => {
      const body = await bus(o).send('GET', `/admin/authorisations${query({ agenda: o.agenda, role: o.role, source: o.source })}`);
      bus(o).print(body, () =>
        table(
          (body.authorisations as Record<string, unknown>[]).map((a) => [
            s(a.id),
            s(a.agenda),
            (a.roles as string[]).join(','),
            s(a.source),
            (a.dataItems as string[]).join(' '),
          ]),
        ),
      );
    });
  leaf(authorisations, 'get', 'one authorisation')
    .argument('<id>')
    .action(async (id: string, o: Common) => {
      const body = await bus(o).send('GET', `/admin/authorisations/${enc(id)}`);
      bus(o).print(body, () => yamlish(body));
    });
  leaf(authorisations, 'delete', 'remove an authorisation')
    .argument('<id>')
    .action(async (id: string, o: Common) => {
      await bus(o).send('DELETE', `/admin/authorisations/${enc(id)}`);
      bus(o).print({ removed: id }, () => `authorisation ${id} removed`);
    });
  leaf(authorisations, 'import', 'the same as egsb import-authorisations')
    .argument('<file>')
    .option('--replace', 'also remove the authorisations the file does not name')
    .action(importAuthorisations);

  // --- access to restricted services (reader and owner AIS) ---
  const access = command(program, 'access', 'access to restricted services');
  leaf(access, 'request', 'ask for access to a restricted service (reader AIS)')
    .argument('<service>')
    .option('--note <text>', 'why')
    .action(async (service: string, o: Common & { note?: string }) => {
      const body = await bus(o).send('POST', '/access-requests', { service, ...(o.note ? { note: o.note } : {}) });
      bus(o).print(body, () => `request ${s(body.id)}: ${s(body.state)}`);
    });
  leaf(access, 'list', 'requests you made or must decide').action(async (o: Common) => {
    const body = await bus(o).send('GET', '/access-requests');
    bus(o).print(body, () =>
      table((body.requests as Record<string, unknown>[]).map((r) => [s(r.id), s(r.service), s(r.readerAis), s(r.state)])),
    );
  });
  for (const decision of ['approve', 'reject', 'revoke'] as const) {
    leaf(access, decision, `${decision} a request (owner AIS)`)
      .argument('<id>')
      .action(async (id: string, o: Common) => {
        const body = await bus(o).send('POST', `/access-requests/${enc(id)}/${decision}`);
        bus(o).print(body, () => `request ${s(body.id)}: ${s(body.state)}`);
      });
  }

  // --- tickets of asynchronous calls ---
  const ticket = command(program, 'ticket', 'tickets of your asynchronous calls');
  leaf(ticket, 'get', "a ticket's state, or its result once it succeeded")
    .argument('<ticket>')
    .action(async (id: string, o: Common) => {
      const res = await bus(o).raw('GET', `/async/${enc(id)}`);
      const status = res.headers.get('x-egsb-ticket-status');
      const text = await res.text();
      if (o.json || status !== 'succeeded') {
        out.write(`${text}\n`);
        return;
      }
      out.write(`succeeded\n${text}\n`);
    });
  leaf(ticket, 'list', 'your tickets, open ones by default')
    .addOption(new Option('--status <status>', 'which').choices(['open', 'queued', 'running', 'succeeded', 'failed', 'expired', 'all']))
    .option('--limit <n>', 'at most', positiveNumber)
    .action(async (o: Common & { status?: string; limit?: number }) => {
      const status = o.status === 'open' ? undefined : o.status;
      const body = await bus(o).send('GET', `/async${query({ status, limit: o.limit === undefined ? undefined : String(o.limit) })}`);
      bus(o).print(body, () =>
        table((body.tickets as Record<string, unknown>[]).map((t) => [s(t.ticket), s(t.status), s(t.service), s(t.createdAt ?? '')])),
      );
    });

  const asyncCommand = command(program, 'async', 'the asynchronous mode (operator)');
  leaf(asyncCommand, 'status', 'streams, consumers, and per service the calls queued, running and failed').action(async (o: Common) => {
    const body = await bus(o).send('GET', '/admin/async');
    bus(o).print(body, () => asyncStatusText(body as unknown as AsyncStatus));
  });
  for (const [name, what] of [
    ['retry', 'deliver a queued or failed ticket again'],
    ['fail', 'give up an open ticket (it fails with EGSB_PROVIDER_UNAVAILABLE)'],
  ] as const) {
    leaf(asyncCommand, name, what)
      .argument('<ticket>')
      .action(async (id: string, o: Common) => {
        const body = await bus(o).send('POST', `/admin/async/tickets/${enc(id)}/${name}`);
        bus(o).print(body, () => `${s(body.ticket)}: ${s(body.status)}`);
      });
  }

  // --- the audit trail ---
  const audit = command(program, 'audit', 'the audit trail you may see');
  const filters = (c: Command): Command =>
    c
      .option('--from <time>', 'ISO 8601')
      .option('--to <time>', 'ISO 8601')
      .option('--service <code>')
      .option('--agenda <code>')
      .option('--ais <id>', 'the calling AIS')
      .option('--user <id>', 'the audit-user-id')
      .option('--request-id <id>')
      .option('--status <http status>');
  type Filters = Common & {
    from?: string;
    to?: string;
    service?: string;
    agenda?: string;
    ais?: string;
    user?: string;
    requestId?: string;
    status?: string;
    limit?: number;
    cursor?: string;
  };
  const auditQuery = (o: Filters, extra: Record<string, string | undefined>) =>
    query({
      from: o.from,
      to: o.to,
      service: o.service,
      agenda: o.agenda,
      ais: o.ais,
      auditUserId: o.user,
      requestId: o.requestId,
      status: o.status,
      ...extra,
    });
  filters(leaf(audit, 'search', 'records, newest first'))
    .option('--limit <n>', 'at most (up to 1000)', positiveNumber)
    .option('--cursor <cursor>', 'continue where a page ended')
    .action(async (o: Filters) => {
      const body = await bus(o).send(
        'GET',
        `/audit${auditQuery(o, { limit: o.limit === undefined ? undefined : String(o.limit), cursor: o.cursor })}`,
      );
      bus(o).print(body, () =>
        [
          table(
            (body.records as Record<string, unknown>[]).map((r) => [
              s(r.time),
              s(r.requestId),
              s(r.ais ?? '-'),
              s(r.service ?? '-'),
              s(r.operation ?? '-'),
              s(r.status),
              s(r.code ?? 'ok'),
            ]),
          ),
          ...(body.next ? [`more: --cursor ${s(body.next)}`] : []),
        ].join('\n'),
      );
    });
  leaf(audit, 'subject', "who read a subject's data, refusals apart; the subject as recorded: AIFO:…, ICO:…")
    .argument('<subject>')
    .action(async (subject: string, o: Common) => {
      const body = await bus(o).send('GET', `/admin/audit/subjects/${enc(subject)}`);
      const line = (u: Record<string, unknown>) => [
        s(u.time),
        `OVM ${s(u.ovm ?? '-')}`,
        s(u.agenda ?? '-'),
        `AIS ${s(u.ais ?? '-')}`,
        s(u.service ?? '-'),
        ((u.dataItems as string[]) ?? []).join(' '),
        s(u.purpose ?? u.code ?? ''),
      ];
      bus(o).print(body, () =>
        [
          `${subject}: read ${(body.reads as unknown[]).length} times, refused ${(body.refusals as unknown[]).length} times`,
          table((body.reads as Record<string, unknown>[]).map(line)),
          ...((body.refusals as unknown[]).length > 0 ? ['refused:', table((body.refusals as Record<string, unknown>[]).map(line))] : []),
        ].join('\n'),
      );
    });
  leaf(audit, 'evidence', "the hash chain's evidence as NDJSON on standard output, to verify elsewhere")
    .option('--from <time>', 'ISO 8601')
    .option('--to <time>', 'ISO 8601')
    .action(async (o: Common & { from?: string; to?: string }) => {
      const res = await bus(o).raw('GET', `/admin/audit/evidence${query({ from: o.from, to: o.to })}`);
      const reader = res.body?.getReader();
      const decoder = new TextDecoder();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read())
        out.write(decoder.decode(chunk.value, { stream: true }));
    });
  leaf(audit, 'verify', 'recompute the hash chain and check the signed checkpoints; names the first broken link')
    .option('--from <time>', 'ISO 8601')
    .option('--to <time>', 'ISO 8601')
    .option('--file <file>', 'verify saved evidence (egsb audit evidence) instead of asking the bus')
    .option('--trusted-key <pem-file...>', 'accept checkpoints signed by these public keys only')
    .action(async (o: Common & { from?: string; to?: string; file?: string; trustedKey?: string[] }) => {
      const trustedKeys = o.trustedKey
        ? await local(() => Promise.all((o.trustedKey ?? []).map((f) => readFile(f, 'utf8'))), err)
        : undefined;
      const verifier = createVerifier({ fromStart: o.from === undefined, ...(trustedKeys ? { trustedKeys } : {}) });
      const lines = o.file
        ? createReadStream(o.file, 'utf8')
        : Readable.fromWeb((await bus(o).raw('GET', `/admin/audit/evidence${query({ from: o.from, to: o.to })}`)).body as never, {
            encoding: 'utf8',
          });
      let number = 0;
      try {
        for await (const line of createInterface({ input: lines, crlfDelay: Infinity })) {
          number++;
          if (line.trim() === '') continue;
          verifier.add(JSON.parse(line) as EvidenceLine);
        }
      } catch (error) {
        err.write(`egsb: the evidence is unreadable at line ${number}: ${(error as Error).message}\n`);
        throw new Exit(ExitCode.INVALID);
      }
      const report = verifier.finish();
      if (o.json) out.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        out.write(
          `${report.records} records (${report.unchained} from before the chain) in ${report.chains} chains; ` +
            `${report.checkpoints.verified} signed checkpoints verified${report.checkpoints.outsideRange ? `, ${report.checkpoints.outsideRange} outside the range` : ''}\n`,
        );
        if (report.ok) out.write('no problem found\n');
        else {
          const first = report.problems[0];
          out.write(
            `first broken link: chain ${first?.chain} at ${first?.seq ?? '-'}${first?.record ? ` (record ${first.record})` : ''}: ${first?.kind}: ${first?.detail}\n`,
          );
          for (const p of report.problems.slice(1, 20)) out.write(`  also: chain ${p.chain} at ${p.seq ?? '-'}: ${p.kind}: ${p.detail}\n`);
        }
      }
      if (!report.ok) throw new Exit(ExitCode.INVALID);
    });
  filters(leaf(audit, 'export', 'records as CSV on standard output, streamed')).action(async (o: Filters) => {
    const res = await bus(o).raw('GET', `/audit${auditQuery(o, { format: 'csv' })}`);
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read())
      out.write(decoder.decode(chunk.value, { stream: true }));
  });

  return program;
}

/**
 * A development CA, a server certificate for 127.0.0.1 and localhost, and a client certificate for an
 * AIS, made with openssl (P-256, 30 days). Certificates already in the folder are kept, so that a bus
 * started with them goes on trusting what the folder holds.
 */
async function makeDevCertificates(dirArg: string): Promise<{ dir: string; made: boolean; fingerprint: string }> {
  const dir = resolve(dirArg);
  const openssl = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const made = !existsSync(join(dir, 'ca.crt'));
  if (made) {
    mkdirSync(dir, { recursive: true });
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=egsb development CA');
    for (const [name, subject, extensions] of [
      ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'],
      ['reader', '/CN=AIS 900002 (development)', 'extendedKeyUsage=clientAuth\n'],
    ] as const) {
      writeFileSync(join(dir, `${name}.ext`), extensions);
      openssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        String(Date.now()),
        '-days',
        '30',
        '-out',
        `${name}.crt`,
        '-extfile',
        `${name}.ext`,
      );
    }
  }
  const fingerprint = openssl('x509', '-noout', '-fingerprint', '-sha256', '-in', 'reader.crt').trim().replace(/^.*=/, '');
  return { dir, made, fingerprint };
}

/** Requests to the bus; a refusal is told on standard error and ends the command with its exit code. */
class BusClient {
  private readonly url: string;
  constructor(
    private readonly o: Common,
    private readonly out: Writer,
    private readonly err: Writer,
  ) {
    this.url = (o.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  }

  async raw(method: string, path: string, payload?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.o.key ? { authorization: `Bearer ${this.o.key}` } : {}),
        },
        ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
      });
    } catch (error) {
      this.err.write(`egsb: cannot reach the bus at ${this.url}: ${(error as Error).message}\n`);
      throw new Exit(ExitCode.UNAVAILABLE);
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      this.err.write(`egsb: ${s(body.code ?? response.status)}: ${s(body.detail ?? response.statusText)}\n`);
      for (const e of (body.errors as { location: string; message: string }[] | undefined) ?? [])
        this.err.write(`  ${e.location}: ${e.message}\n`);
      throw new Exit(exitCodeOfStatus(response.status));
    }
    return response;
  }

  async send(method: string, path: string, payload?: unknown): Promise<Record<string, unknown>> {
    const response = await this.raw(method, path, payload);
    if (response.status === 204) return {};
    return (await response.json().catch(() => ({}))) as Record<string, unknown>;
  }

  print(body: unknown, text: () => string): void {
    this.out.write(this.o.json ? `${JSON.stringify(body, null, 2)}\n` : `${text()}\n`);
  }
}

/** Local work (reading files) whose failure is a usage error, told plainly. */
async function local<T>(work: () => Promise<T>, err: Writer): Promise<T> {
  try {
    return await work();
  } catch (error) {
    err.write(`egsb: ${(error as Error).message}\n`);
    throw new Exit(ExitCode.USAGE);
  }
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('not a positive whole number');
  return n;
}

function query(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;
const s = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '(none)';
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

function yamlish(body: Record<string, unknown>): string {
  return Object.entries(body)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

function asyncStatusText(status: AsyncStatus): string {
  const lines = [`NATS: ${status.nats}`];
  for (const st of status.streams) lines.push(`stream ${st.name}: ${st.messages} messages, ${st.bytes} bytes`);
  for (const c of status.consumers)
    lines.push(`consumer ${c.name}: ${c.pending} waiting, ${c.ackPending} being delivered, ${c.redelivered} redelivered`);
  if (status.services.length === 0) lines.push('no open or failed tickets');
  for (const sv of status.services) {
    const oldest = sv.oldestPendingSeconds !== undefined ? `, oldest waiting ${sv.oldestPendingSeconds} s` : '';
    lines.push(`${sv.service} v${sv.version}: ${sv.queued} queued, ${sv.running} running, ${sv.failed} failed${oldest}`);
  }
  return lines.join('\n');
}
