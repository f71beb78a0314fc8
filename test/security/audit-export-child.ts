/**
 * A bus in its own process (Node with tsx, as `npm start` runs it) with an audit trail of
 * `AUDIT_ROWS` records on the embedded PGlite, for the export test. Inside the vitest worker, with a
 * client in the same process, the export that never let go of the event loop did not show.
 */
import { createBus, readConfig, startServers } from '../../bus/index.ts';
import { ADMIN, SEED_FILE } from '../call-harness.ts';

const bus = await createBus(
  readConfig({ EGSB_IN_MEMORY: '1', EGSB_ADMIN_TOKEN: ADMIN, EGSB_SEED_FILE: SEED_FILE, EGSB_LOG_LEVEL: 'silent', NATS_URL: '' }),
);
await bus.db.query(
  `INSERT INTO audit_record (id, time, request_id, ais_id, decision, status, latency_ms, service, agenda)
   SELECT gen_random_uuid(), now() - (g || ' ms')::interval, 'bulk-' || g, 900002, 'permitted', 200, 1, 'demo-persons', 'A121'
   FROM generate_series(1, $1::int) g`,
  [Number(process.env.AUDIT_ROWS ?? 60_000)],
);
const servers = await startServers(bus, { port: 0, host: '127.0.0.1' });
process.send?.({ port: servers.httpPort });
process.on('message', async () => {
  await servers.close();
  await bus.close();
  process.exit(0);
});
