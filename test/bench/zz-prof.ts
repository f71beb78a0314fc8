import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createTestDatabase } from '../postgres.ts';
import { startBus, startChild, stopChild } from './children.ts';
import { AIFO, READER_KEY, soapEnvelope } from '../call-harness.ts';
const db = await createTestDatabase('postgres://postgres@127.0.0.1:5432/test');
const provider = await startChild('provider-child.ts', {});
const bus = await startBus(String(provider.info.url), { DATABASE_URL: db.url });
const kind = process.env.KIND ?? 'json';
const pin = process.env.PIN === '1';
if (pin) {
  spawnSync('taskset', ['-a', '-p', '-c', '0', String(bus.pid)]);
  spawnSync('taskset', ['-a', '-p', '-c', '1', String(provider.child.pid)]);
}
const wrk = (args: string[]) => (pin ? spawnSync('taskset', ['-c', '1', 'wrk', ...args]) : spawnSync('wrk', args));
const h: Record<string, string> = {
  authorization: `Bearer ${READER_KEY}`,
  'x-egsb-ovm': '00064581',
  'x-egsb-agenda': 'A121',
  'x-egsb-role': 'CR1001',
  'audit-user-id': 'b@x',
};
const [path, body] =
  kind === 'json'
    ? ['/rest/demo-persons/v1/ctiOsobu', JSON.stringify({ aifo: AIFO })]
    : ['/soap/demo-persons-soap/v1', soapEnvelope('1.1')];
Object.assign(
  h,
  kind === 'json'
    ? { 'content-type': 'application/json' }
    : { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:egsb:demo:persons:CtiOsobu"' },
);
writeFileSync(
  '/tmp/p.lua',
  `wrk.method="POST"\nwrk.body=${JSON.stringify(body)}\n` +
    Object.entries(h)
      .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}]=${JSON.stringify(v)}`)
      .join('\n'),
);
spawnSync('wrk', ['-t1', '-c4', '-d2s', '-s', '/tmp/p.lua', `${bus.origin}${path}`]);
const out = spawnSync('wrk', [
  '-t2',
  '-c32',
  `-d${process.env.SECS ?? 10}s`,
  '--latency',
  '-s',
  '/tmp/p.lua',
  `${bus.origin}${path}`,
]).stdout.toString();
console.log(kind, /Requests\/sec:\s+\S+/.exec(out)?.[0], /50%\s+\S+/.exec(out)?.[0]);
console.log(await bus.stop());
await stopChild(provider.child);
await db.drop();
