/**
 * `npm run bench:mocks` (not part of `npm test`): how fast the synthetic population is made, and how
 * much server time a ROB read by AIFO (ISZR E03) costs — in process (envelope parse, contract validation,
 * lookup, answer) and over HTTP on loopback. BENCH_PERSONS (default 1,000,000) sets the size.
 */
import { Hono } from 'hono';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createPopulation } from '../data/population.ts';
import { createFaultInjector } from '../faults.ts';
import { loadMockBundle } from '../mock-bundle.ts';
import { iszrContext } from '../iszr/iszr-message.ts';
import { ISZR_BUNDLE_DIR } from '../iszr/index.ts';
import { iszrRobHandlers } from '../iszr/rob.ts';
import { seedRppSource } from '../rpp/rpp-source.ts';
import { startMocks } from '../server.ts';
import { soapMock } from '../soap-mock.ts';

const persons = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 3000);

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const rows: string[] = [];
for (const size of [10_000, 100_000, persons].filter((n, i, all) => n <= persons && all.indexOf(n) === i)) {
  const started = performance.now();
  const population = createPopulation({ persons: size });
  const ms = performance.now() - started;
  rows.push(
    `| generate ${size.toLocaleString('en')} persons | ${(ms / 1000).toFixed(2)} s | ${Math.round(size / (ms / 1000)).toLocaleString('en')} persons/s |`,
  );
  if (size === persons) {
    const warm = performance.now();
    population.org.warm('A121');
    rows.push(
      `| AIFO index of one agenda, ${size.toLocaleString('en')} persons | ${((performance.now() - warm) / 1000).toFixed(2)} s | built once per agenda |`,
    );
  }
}

const population = createPopulation({ persons });
population.org.warm('A121');
const bundle = await loadMockBundle(ISZR_BUNDLE_DIR, undefined, 'IszrRobCtiAifo.manifest.json');
// Server time: from the request reaching the mock's routes to its answer being made.
let serverStart = 0;
let serverTime = 0;
const app = new Hono()
  .use(async (_c, next) => {
    serverStart = performance.now();
    await next();
    serverTime = performance.now() - serverStart;
  })
  .route(
    '/',
    soapMock({
      contract: bundle.contract,
      handlers: iszrRobHandlers(population),
      faults: createFaultInjector('bench'),
      readContext: iszrContext,
    }),
  );
// E03 as an ISZR client sends it: ZadostInfo, the item list, the AIFO map, the data part.
const envelopeOf = (i: number): string =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><e:RobCtiAifo xmlns:e="urn:cz:isvs:iszr:schemas:IszrRobCtiAifo:v1" ` +
  `xmlns:a="urn:cz:isvs:iszr:schemas:IszrAbstract:v1" xmlns:r="urn:cz:isvs:reg:schemas:RegTypy:v1" xmlns:d="urn:cz:isvs:rob:schemas:RobDotazyData:v1">` +
  `<a:ZadostInfo><r:CasZadosti>2026-12-01T10:00:00Z</r:CasZadosti><r:Agenda>A121</r:Agenda><r:AgendovaRole>CR1001</r:AgendovaRole><r:Ovm>00064581</r:Ovm>` +
  `<r:AgendaZadostId>00000000-0000-4000-8000-${String(i).padStart(12, '0')}</r:AgendaZadostId></a:ZadostInfo>` +
  `<a:AutorizaceInfo><a:SeznamUdaju>Jmeno Prijmeni DatumNarozeni AdresaPobytu</a:SeznamUdaju></a:AutorizaceInfo>` +
  `<a:MapaAifo><r:PrevodAifo><r:LokalniAifo>1</r:LokalniAifo><r:GlobalniAifo>${population.org.aifoOf((i * 7919) % persons, 'A121')}</r:GlobalniAifo></r:PrevodAifo></a:MapaAifo>` +
  `<e:Zadost><e:RobCtiAifoData><d:Aifo>1</d:Aifo><d:VyuzitiPoskytnuti>vyuziti</d:VyuzitiPoskytnuti></e:RobCtiAifoData></e:Zadost></e:RobCtiAifo></s:Body></s:Envelope>`;
const bodies = Array.from({ length: 1000 }, (_, i) => envelopeOf(i));
const headers = { 'content-type': 'text/xml; charset=utf-8', 'x-egsb-agenda': 'A121' };

const n = 20_000;
for (let i = 0; i < 2000; i++) await (await app.request('/', { method: 'POST', headers, body: bodies[i % 1000] })).text();
const times = new Float64Array(n);
const server = new Float64Array(n);
for (let i = 0; i < n; i++) {
  const t = performance.now();
  const res = await app.request('/', { method: 'POST', headers, body: bodies[i % 1000] });
  await res.text();
  times[i] = performance.now() - t;
  server[i] = serverTime;
}
times.sort();
server.sort();
const us = (ms: number): string => (ms * 1000).toFixed(0);
rows.push(
  `| ROB read by AIFO, server time (read body, parse, validate, look up, answer) | p50 ${us(percentile(server, 50))} µs, p99 ${us(percentile(server, 99))} µs | |`,
);
rows.push(
  `| ROB read by AIFO, in process with fetch objects | p50 ${us(percentile(times, 50))} µs, p99 ${us(percentile(times, 99))} µs | ${Math.round(n / (times.reduce((a, b) => a + b, 0) / 1000)).toLocaleString('en')} reads/s on one core |`,
);
const lookups = new Float64Array(n);
for (let i = 0; i < n; i++) {
  const aifo = population.org.aifoOf((i * 7919) % persons, 'A121');
  const t = performance.now();
  population.org.personOf('A121', aifo);
  lookups[i] = performance.now() - t;
}
lookups.sort();
rows.push(
  `| AIFO → person lookup alone | p50 ${(percentile(lookups, 50) * 1000).toFixed(2)} µs, p99 ${(percentile(lookups, 99) * 1000).toFixed(2)} µs | |`,
);

const mocks = await startMocks({
  port: 0,
  persons,
  rpp: await seedRppSource(fileURLToPath(new URL('../seed.yaml', import.meta.url))),
  warmAgendas: ['A121'],
});
const pool = new Pool(mocks.url, { connections: 16, pipelining: 1 });
const latencies: number[] = [];
const until = performance.now() + durationMs;
let count = 0;
await Promise.all(
  Array.from({ length: 16 }, async (_, w) => {
    for (let i = w; performance.now() < until; i += 16) {
      const t = performance.now();
      const res = await pool.request({ path: '/iszr/IszrRobCtiAifo', method: 'POST', headers, body: bodies[i % 1000] });
      await res.body.text();
      latencies.push(performance.now() - t);
      count++;
    }
  }),
);
const sorted = Float64Array.from(latencies).sort();
rows.push(
  `| ROB read by AIFO over HTTP, 16 connections | p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms | ${Math.round(count / (durationMs / 1000)).toLocaleString('en')} reads/s (client in the same process) |`,
);
await pool.close();
await mocks.close();
bundle.contract.dispose();

console.log(`\n| measure (${persons.toLocaleString('en')} persons) | time | rate |\n|---|---|---|\n${rows.join('\n')}`);
console.log(`peak RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`);
