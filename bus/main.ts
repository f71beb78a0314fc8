/** `npm start`: reads the configuration, starts the bus, and stops it cleanly on SIGINT/SIGTERM. */
import { fileURLToPath } from 'node:url';
import { createBus } from './app.ts';
import { readConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startServers } from './server.ts';

const DEMO_SEED = fileURLToPath(new URL('../mocks/seed.yaml', import.meta.url));

const config = readConfig({ EGSB_SEED_FILE: DEMO_SEED, ...process.env });
const logger = createLogger({ level: config.logLevel });
const bus = await createBus(config, { logger });
if (config.adminToken === undefined) logger.info('operator token for this run (set EGSB_ADMIN_TOKEN to fix one)', { adminToken: bus.adminToken });
for (const key of bus.seed?.newKeys ?? []) logger.info('API key made for AIS (shown once)', key);

const servers = await startServers(bus, config);
const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
logger.info('egsb listening', {
  url: `http://${host}:${servers.httpPort}`,
  ...(servers.httpsPort !== undefined ? { tls: `https://${host}:${servers.httpsPort}` } : {}),
  storage: bus.db.kind,
  apiKeys: config.allowApiKeys,
  ...(config.natsUrl ? { nats: config.natsUrl } : {}),
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping', { signal });
  await servers.close();
  await bus.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
