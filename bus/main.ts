/** `npm start`: reads the configuration, starts the bus, and stops it cleanly on SIGINT/SIGTERM. */
import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createBus } from './app.ts';
import { readConfig } from './config.ts';
import { createLogger } from './logger.ts';

const DEMO_SEED = fileURLToPath(new URL('../mocks/seed.yaml', import.meta.url));

const config = readConfig({ EGSB_SEED_FILE: DEMO_SEED, ...process.env });
const logger = createLogger({ level: config.logLevel });
const bus = await createBus(config, { logger });
if (config.adminToken === undefined) logger.info('operator token for this run (set EGSB_ADMIN_TOKEN to fix one)', { adminToken: bus.adminToken });
for (const key of bus.seed?.newKeys ?? []) logger.info('API key made for AIS (shown once)', key);

const server = serve({ fetch: bus.app.fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info('egsb listening', { url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}`, storage: bus.db.kind, ...(config.natsUrl ? { nats: config.natsUrl } : {}) });
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping', { signal });
  server.close();
  await bus.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
