/**
 * `npm start`: the bus with the demo registry and, unless `EGSB_MOCKS=0`, every register mock started
 * and published from its bundle by the seed, so that the README's calls answer at once. Stops cleanly on
 * SIGINT/SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.ts';
import { readMocksConfig, startDemo } from './demo.ts';
import { createLogger } from '../contracts/index.ts';
import { startServers } from './server.ts';

const DEMO_SEED = fileURLToPath(new URL('../mocks/seed.yaml', import.meta.url));

const config = readConfig({ EGSB_SEED_FILE: DEMO_SEED, ...process.env });
const mocksConfig = readMocksConfig();
const logger = createLogger({ level: config.logLevel });

const { bus, mocks } = await startDemo(
  config,
  mocksConfig.enabled ? { ...mocksConfig, ...(config.nats ? { natsUrl: config.nats.url } : {}), logger } : undefined,
  { logger },
);
// Secrets go to the console once, never into the log lines a collector keeps.
const shown: string[] = [];
if (config.adminToken === undefined) shown.push(`operator token for this run (set EGSB_ADMIN_TOKEN to fix one): ${bus.adminToken}`);
for (const key of bus.seed?.newKeys ?? []) shown.push(`API key made for AIS ${key.ais} (${key.label}), shown once: ${key.apiKey}`);
for (const key of bus.seed?.declaredKeys ?? [])
  shown.push(`demo API key of AIS ${key.ais} (${key.label}) from the seed file: ${key.apiKey}`);
if (shown.length > 0) {
  process.stderr.write(`${shown.map((line) => `egsb: ${line}`).join('\n')}\n`);
  logger.info('secrets for this run were printed to the console, not to the log', { count: shown.length });
}
if (mocks)
  logger.info('register mocks running', {
    url: mocks.url,
    persons: mocks.population.counts.persons,
    samples: `${mocks.url}/_control/sample?agenda=A121`,
  });

const servers = await startServers(bus, config);
const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
logger.info('egsb listening', {
  url: `http://${host}:${servers.httpPort}`,
  ...(servers.httpsPort !== undefined ? { tls: `https://${host}:${servers.httpsPort}` } : {}),
  storage: bus.db.kind,
  apiKeys: config.allowApiKeys,
  ...(config.nats ? { nats: config.nats.url } : {}),
});

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping', { signal });
  await servers.close();
  await mocks?.close();
  await bus.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
