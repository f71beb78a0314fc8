/**
 * The `egsb` command. `egsb publish <bundle-dir>` sends a bundle to a running bus:
 * EGSB_URL (default http://127.0.0.1:8080) and EGSB_API_KEY (the publishing AIS's key, or the
 * operator token), or --url and --key.
 */
import { parseArgs } from 'node:util';
import { readBundleDir } from './bundle-dir.ts';

const USAGE = `usage: egsb publish <bundle-dir> [--url URL] [--key KEY]

  publish   compile and publish a contract bundle (manifest.json + WSDL/XSD or JSON Schemas)

Environment: EGSB_URL (default http://127.0.0.1:8080), EGSB_API_KEY.
Exit codes: 0 published, 1 refused by the bus, 2 usage or local error, 3 bus unreachable.`;

export async function runCli(argv: readonly string[], out = process.stdout, err = process.stderr): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { url: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, dir] = positionals;
  if (values.help || command !== 'publish' || dir === undefined) {
    (values.help ? out : err).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const url = (values.url ?? process.env.EGSB_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = values.key ?? process.env.EGSB_API_KEY;
  let upload;
  try {
    upload = await readBundleDir(dir);
  } catch (error) {
    err.write(`egsb: ${(error as Error).message}\n`);
    return 2;
  }
  let response: Response;
  try {
    response = await fetch(`${url}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(upload),
    });
  } catch (error) {
    err.write(`egsb: cannot reach the bus at ${url}: ${(error as Error).message}\n`);
    return 3;
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    err.write(`egsb: ${String(body.code ?? response.status)}: ${String(body.detail ?? response.statusText)}\n`);
    for (const e of (body.errors as { location: string; message: string }[] | undefined) ?? []) err.write(`  ${e.location}: ${e.message}\n`);
    return 1;
  }
  out.write(`${String(body.code)} ${String(body.version)}: ${String(body.outcome)} (operations: ${(body.operations as string[]).join(', ')})\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
