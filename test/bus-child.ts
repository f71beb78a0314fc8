/**
 * The bus from source in a process of its own, for tests that kill it (the benchmarks run the build,
 * see bench/children.ts): the test registry, the demo contracts published against BENCH_PROVIDER_URL,
 * plain HTTP on a free port. Reports its port, then its peak memory when told to stop.
 */
import { createBus, readConfig, startServers } from '../bus/index.ts';
import { ADMIN, SEED_FILE, publishDemoBundles } from './call-harness.ts';

const providerUrl = process.env.BENCH_PROVIDER_URL ?? '';
// The tests exercise faults, not the rate limit: one AIS makes every call.
const bus = await createBus(
  readConfig({
    EGSB_RATE_PER_SECOND: '1000000',
    EGSB_RATE_BURST: '1000000',
    ...process.env,
    EGSB_ADMIN_TOKEN: ADMIN,
    EGSB_SEED_FILE: SEED_FILE,
    EGSB_LOG_LEVEL: 'error',
  }),
);
// Extra manifest settings (e.g. the asynchronous mode) come as JSON in BENCH_MANIFEST.
await publishDemoBundles(bus, providerUrl, 10_000, JSON.parse(process.env.BENCH_MANIFEST ?? '{}') as object);
const servers = await startServers(bus, { port: 0, host: '127.0.0.1' });
process.send?.({ port: servers.httpPort, storage: bus.db.kind });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  const { batches, records } = bus.audit.stats;
  process.send?.({ maxRssBytes: process.resourceUsage().maxRSS * 1024, auditBatches: batches, auditRecords: records });
  await servers.close();
  await bus.close();
  process.exit(0);
});
