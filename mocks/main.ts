/** `npm run mocks`: the register mocks alone, reading RPP data from the seed file the bus would load. */
import { fileURLToPath } from 'node:url';
import { createLogger } from '../contracts/index.ts';
import { readMocksConfig } from './mocks-config.ts';
import { seedRppSource } from './rpp/rpp-source.ts';
import { startMocks } from './server.ts';

const config = readMocksConfig();
const logger = createLogger();
const seedFile = process.env.EGSB_SEED_FILE ?? fileURLToPath(new URL('./seed.yaml', import.meta.url));
const mocks = await startMocks({
  ...config,
  rpp: await seedRppSource(seedFile),
  natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  logger,
});
logger.info('mocks listening', {
  url: mocks.url,
  mocks: [...mocks.bundles.keys()].map((name) => `${mocks.url}/${name}`),
  persons: mocks.population.counts.persons,
  seed: config.seed,
  ...(mocks.natsServing ? { nats: `${mocks.natsSubject}.<operation>` } : {}),
  samples: `${mocks.url}/_control/sample?agenda=A121`,
});

const stop = async (signal: string): Promise<void> => {
  logger.info('stopping', { signal });
  await mocks.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
